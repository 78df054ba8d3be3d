import assert from 'node:assert/strict'
import { readdir, readFile, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { ConflictError, InternalError, NotFoundError } from '../lib/errors.ts'
import { run } from '../lib/exec.ts'
import { nullLogger } from '../lib/log.ts'
import { removeCgroup } from './cgroups.ts'
import { ConmonRuntime } from './conmon-runtime.ts'
import { isAlive } from './process-util.ts'
import { runtimeSuite, type SuiteProgram, waitExit } from './runtime.suite.ts'
import { makeBusyboxRoot, realRuntimeSkipReason, removeDir, writeMinimalBundle } from './test-bundle.ts'

const CONMON = '/usr/bin/conmon'
const RUNTIMES = { runc: '/usr/sbin/runc', crun: '/usr/bin/crun' }
const CGROUP_PARENT = '/berth-test'

function programArgs(p: SuiteProgram): string[] {
  if (p.kind === 'sleep') return ['sleep', '1000']
  if (p.kind === 'cat') return ['cat']
  return ['sh', '-c', `${p.stdout === undefined ? '' : `echo ${p.stdout}; `}exit ${p.code}`]
}

async function makeHarness(runtimeName: keyof typeof RUNTIMES) {
  const dir = await makeBusyboxRoot(`berth-${runtimeName}-`)
  const runtime = new ConmonRuntime({
    conmonPath: CONMON,
    runtimePath: RUNTIMES[runtimeName],
    runtimeName,
    stateRoot: join(dir, 'state'),
    execRoot: join(dir, 'exec'),
    log: nullLogger,
  })
  const ids: string[] = []
  let n = 0
  return {
    dir,
    runtime,
    newId: () => {
      const id = `t${process.pid}x${Date.now().toString(36)}${n++}`
      ids.push(id)
      return id
    },
    prepare: async (id: string, program: SuiteProgram, o?: { openStdin?: boolean; stdinOnce?: boolean }) => ({
      bundle: await writeMinimalBundle(dir, id, programArgs(program), CGROUP_PARENT),
      tty: false,
      openStdin: o?.openStdin ?? false,
      stdinOnce: o?.stdinOnce ?? false,
      logPath: join(dir, `${id}.log`),
    }),
    cleanup: async () => {
      for (const id of ids) {
        await runtime.delete(id, { force: true }).catch(() => undefined)
        await removeCgroup(`${CGROUP_PARENT}/${id}`)
      }
      // The shared parent goes too once empty (another harness may still use it: then it stays).
      await removeCgroup(CGROUP_PARENT)
      await removeDir(dir)
    },
  }
}

/** start() through the exec fifo: the process runs, a second start is a conflict, a deleted
 *  container is unknown, and a container whose init died is not started. */
async function startsOnce(h: Awaited<ReturnType<typeof makeHarness>>): Promise<void> {
  const id = h.newId()
  const { pid } = await h.runtime.create(id, await h.prepare(id, { kind: 'sleep' }))
  await h.runtime.start(id)
  assert.deepEqual(await h.runtime.state(id), { status: 'running', pid })
  await assert.rejects(
    h.runtime.start(id),
    (e) => e instanceof ConflictError && /already running/.test(e.message),
  )
  await h.runtime.delete(id, { force: true })
  await assert.rejects(h.runtime.start(id), NotFoundError)
  const dead = h.newId()
  const created = await h.runtime.create(dead, await h.prepare(dead, { kind: 'sleep' }))
  process.kill(created.pid, 'SIGKILL')
  while (await isAlive(created.pid)) await new Promise((r) => setTimeout(r, 5))
  await assert.rejects(h.runtime.start(dead), /container process is already dead|has stopped/)
  await h.runtime.delete(dead, { force: true })
}

for (const name of ['runc', 'crun'] as const) {
  const skip = await realRuntimeSkipReason([CONMON, RUNTIMES[name]])
  runtimeSuite(`conmon+${name}`, () => makeHarness(name), { skip })
}

describe('ConmonRuntime with runc', { skip: await realRuntimeSkipReason([CONMON, RUNTIMES.runc]) }, () => {
  let h: Awaited<ReturnType<typeof makeHarness>>
  before(async () => {
    h = await makeHarness('runc')
  })
  after(() => h.cleanup())

  it('gives the runtime error of a failed create and leaves nothing behind', async () => {
    const id = h.newId()
    const opts = await h.prepare(id, { kind: 'sleep' })
    await writeMinimalBundle(h.dir, id, ['nosuch'], CGROUP_PARENT)
    const err = await h.runtime.create(id, opts).then(
      () => assert.fail('create should fail'),
      (e: unknown) => e,
    )
    assert.ok(err instanceof InternalError)
    assert.match(err.message, /exec: "nosuch": executable file not found in \$PATH/)
    assert.doesNotMatch(err.message, /level=|time=/)
    assert.equal(await h.runtime.state(id), undefined)
    await assert.rejects(stat(join(h.dir, 'exec', id)), /ENOENT/)
    await assert.rejects(stat(join('/sys/fs/cgroup/memory', CGROUP_PARENT, id)), /ENOENT/)
  })

  it('runs create+start+exit quickly', async () => {
    const times: number[] = []
    for (let i = 0; i < 5; i++) {
      const id = h.newId()
      const opts = await h.prepare(id, { kind: 'exit', code: 0 })
      const t0 = performance.now()
      await h.runtime.create(id, opts)
      const exited = waitExit(h.runtime, id)
      await h.runtime.start(id)
      await exited
      await h.runtime.delete(id)
      times.push(performance.now() - t0)
    }
    const best = Math.min(...times)
    console.log(`create+start+exit+delete with runc: ${times.map((t) => t.toFixed(0)).join(', ')} ms`)
    assert.ok(best < 1000, `took ${best} ms`)
  })

  it('starts through the exec fifo as runc does: once, and not after init died', () => startsOnce(h))

  it('deletes a stopped container without runc: no state, no cgroups left', async () => {
    const id = h.newId()
    await h.runtime.create(id, await h.prepare(id, { kind: 'exit', code: 0 }))
    const exited = waitExit(h.runtime, id)
    await h.runtime.start(id)
    await exited
    const state = JSON.parse(await readFile(join(h.dir, 'state', id, 'state.json'), 'utf8'))
    const cgroups = Object.values(state.cgroup_paths as Record<string, string>)
    assert.ok(cgroups.length > 0)
    await h.runtime.delete(id)
    await assert.rejects(stat(join(h.dir, 'state', id)), /ENOENT/)
    for (const dir of cgroups) await assert.rejects(stat(dir), /ENOENT/, dir)
    const res = await run(RUNTIMES.runc, ['--root', join(h.dir, 'state'), 'list', '-q'])
    assert.ok(!res.stdout.includes(id))
  })

  it('reports oom kills', async () => {
    const id = h.newId()
    const opts = await h.prepare(id, { kind: 'sleep' })
    const configPath = join(opts.bundle, 'config.json')
    const config = JSON.parse(await readFile(configPath, 'utf8'))
    config.process.args = ['sh', '-c', 'x=a; while true; do x=$x$x; done']
    config.linux.resources = { memory: { limit: 16 * 1024 * 1024, swap: 16 * 1024 * 1024 } }
    await writeFile(configPath, JSON.stringify(config))
    await h.runtime.create(id, opts)
    const exited = waitExit(h.runtime, id, 20_000)
    await h.runtime.start(id)
    const exit = await exited
    assert.equal(exit.exitCode, 137)
    assert.equal(exit.oomKilled, true)
  })

  it('resizes a terminal', async () => {
    const id = h.newId()
    const opts = await h.prepare(id, { kind: 'sleep' })
    const configPath = join(opts.bundle, 'config.json')
    const config = JSON.parse(await readFile(configPath, 'utf8'))
    config.process.terminal = true
    config.process.args = ['sh', '-c', 'sleep 0.3; stty size']
    await writeFile(configPath, JSON.stringify(config))
    await h.runtime.create(id, { ...opts, tty: true })
    await h.runtime.resize(id, { height: 33, width: 77 })
    const exited = waitExit(h.runtime, id)
    await h.runtime.start(id)
    await h.runtime.resize(id, { height: 33, width: 77 })
    assert.equal((await exited).exitCode, 0)
    assert.match(await readFile(opts.logPath, 'utf8'), /stdout F 33 77/)
  })

  it('takes input on a terminal through the attach socket', async () => {
    const id = h.newId()
    const opts = await h.prepare(id, { kind: 'sleep' }, { openStdin: true })
    const configPath = join(opts.bundle, 'config.json')
    const config = JSON.parse(await readFile(configPath, 'utf8'))
    config.process.terminal = true
    config.process.args = ['sh']
    await writeFile(configPath, JSON.stringify(config))
    await h.runtime.create(id, { ...opts, tty: true })
    const exited = waitExit(h.runtime, id)
    await h.runtime.start(id)
    const stdin = await h.runtime.openStdin(id)
    await new Promise<void>((resolve) => stdin.write('echo via-$((40+2))-tty; exit 5\n', () => resolve()))
    assert.equal((await exited).exitCode, 5)
    stdin.end()
    assert.match(await readFile(opts.logPath, 'utf8'), /stdout [PF] via-42-tty\r?$/m)
  })

  it('keeps the runtime state under its own root', async () => {
    const res = await run(RUNTIMES.runc, ['--root', join(h.dir, 'state'), 'list', '--format', 'json'])
    assert.ok(Array.isArray(JSON.parse(res.stdout || '[]') ?? []))
    const leftovers = await readdir(join(h.dir, 'exec'))
    assert.ok(leftovers.includes('exits'))
  })
})

describe('ConmonRuntime with crun', { skip: await realRuntimeSkipReason([CONMON, RUNTIMES.crun]) }, () => {
  let h: Awaited<ReturnType<typeof makeHarness>>
  before(async () => {
    h = await makeHarness('crun')
  })
  after(() => h?.cleanup())

  it('starts through the exec fifo as crun does: once, and not after init died', () => startsOnce(h))

  it('deletes a stopped container without crun: no state, no cgroups left', async () => {
    const id = h.newId()
    await h.runtime.create(id, await h.prepare(id, { kind: 'exit', code: 0 }))
    const exited = waitExit(h.runtime, id)
    await h.runtime.start(id)
    await exited
    const status = JSON.parse(await readFile(join(h.dir, 'state', id, 'status'), 'utf8'))
    // The pids hierarchy: v1 and hybrid hosts' own, or the v2 root.
    const v1 = join('/sys/fs/cgroup/pids', status['cgroup-path'])
    const cgroup = (await stat(v1).catch(() => undefined))
      ? v1
      : join('/sys/fs/cgroup', status['cgroup-path'])
    await stat(cgroup)
    await h.runtime.delete(id)
    await assert.rejects(stat(join(h.dir, 'state', id)), /ENOENT/)
    await assert.rejects(stat(cgroup), /ENOENT/, cgroup)
  })
})
