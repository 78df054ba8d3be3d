import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { InternalError } from '../lib/errors.ts'
import { type FakeBehaviour, FakeRuntime } from './fake-runtime.ts'
import { runtimeSuite, type SuiteProgram, waitExit } from './runtime.suite.ts'

runtimeSuite('fake', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'berth-fake-runtime-'))
  const programs = new Map<string, SuiteProgram>()
  const runtime = new FakeRuntime({
    behaviour: (id): FakeBehaviour => {
      const p = programs.get(id)
      if (p?.kind === 'exit') return { exitCode: p.code, stdout: p.stdout === undefined ? [] : [p.stdout] }
      return {}
    },
  })
  let n = 0
  return {
    runtime,
    newId: () => `fake${n++}`,
    prepare: async (id, program, opts) => {
      programs.set(id, program)
      if (program.kind === 'cat') {
        // The fake has no process: stdin ending is this program's exit.
        setTimeout(() => runtime.exit(id, 0), 50)
      }
      return {
        bundle: join(dir, id),
        tty: false,
        openStdin: opts?.openStdin ?? false,
        stdinOnce: opts?.stdinOnce ?? false,
        logPath: join(dir, `${id}.log`),
      }
    },
    cleanup: () => rm(dir, { recursive: true, force: true }),
  }
})

describe('FakeRuntime controls', () => {
  it('fails create and start as told', async () => {
    const rt = new FakeRuntime({
      behaviour: (id) => (id === 'a' ? { createError: 'boom' } : { startError: 'nope' }),
    })
    const opts = { bundle: '/b', tty: false, openStdin: false, stdinOnce: false, logPath: '/l' }
    await assert.rejects(rt.create('a', opts), InternalError)
    assert.equal(await rt.state('a'), undefined)
    await rt.create('b', opts)
    await assert.rejects(rt.start('b'), /nope/)
    assert.equal((await rt.state('b'))?.status, 'created')
  })

  it('records stdin, terminal size and oom', async () => {
    const rt = new FakeRuntime()
    await rt.create('c', { bundle: '/b', tty: true, openStdin: true, stdinOnce: false, logPath: '/l' })
    await rt.start('c')
    const stdin = await rt.openStdin('c')
    stdin.write('hi')
    await rt.resize('c', { height: 24, width: 80 })
    assert.deepEqual(rt.inspect('c')?.size, { height: 24, width: 80 })
    assert.equal(rt.inspect('c')?.stdin, 'hi')
    const exited = waitExit(rt, 'c')
    rt.exit('c', 137, { oomKilled: true })
    assert.equal((await exited).oomKilled, true)
  })
})
