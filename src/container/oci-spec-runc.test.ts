// Real containers from buildOciSpec, run by ConmonRuntime with runc on a busybox rootfs. Needs
// root, conmon, runc, tini-static and busybox; skips with the reason otherwise. Cleans up after itself.
import assert from 'node:assert/strict'
import { access, copyFile, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { nullLogger } from '../lib/log.ts'
import {
  ConmonRuntime,
  type CreateOptions,
  detectCgroups,
  type ExitStatus,
  readHostRlimits,
  removeCgroup,
} from '../runtime/index.ts'
import { readDaemonCapabilities } from './capabilities.ts'
import { buildOciSpec, type OciSpecInput } from './oci-spec.ts'
import { resolveUser } from './user.ts'

const BIN = {
  conmon: '/usr/bin/conmon',
  runc: '/usr/sbin/runc',
  tini: '/usr/bin/tini-static',
  busybox: '/usr/bin/busybox',
}
const APPLETS = ['sh', 'echo', 'true', 'sleep', 'cat', 'id', 'grep', 'ulimit']
const K8S_LINE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d) (stdout|stderr) [PF] .*$/

async function skipReason(): Promise<string | undefined> {
  if (process.getuid?.() !== 0) return 'needs root'
  for (const bin of Object.values(BIN)) {
    try {
      await access(bin)
    } catch {
      return `${bin} is not installed`
    }
  }
  return undefined
}

describe('buildOciSpec + ConmonRuntime(runc)', { skip: await skipReason() }, () => {
  let dir: string
  let runtime: ConmonRuntime
  let host: OciSpecInput['host']
  const ids: string[] = []

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'berth-ocispec-'))
    const root = join(dir, 'rootfs')
    for (const d of ['bin', 'etc', 'proc', 'sys', 'dev', 'tmp'])
      await mkdir(join(root, d), { recursive: true })
    await copyFile(BIN.busybox, join(root, 'bin', 'busybox'))
    for (const a of APPLETS) await symlink('busybox', join(root, 'bin', a))
    await writeFile(
      join(root, 'etc', 'passwd'),
      'root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000::/home/app:/bin/sh\n',
    )
    await writeFile(join(root, 'etc', 'group'), 'root:x:0:\napp:x:1000:\n')
    runtime = new ConmonRuntime({
      conmonPath: BIN.conmon,
      runtimePath: BIN.runc,
      runtimeName: 'runc',
      stateRoot: join(dir, 'state'),
      execRoot: join(dir, 'exec'),
      log: nullLogger,
    })
    const cgroups = await detectCgroups()
    host = {
      capabilities: await readDaemonCapabilities(),
      rlimits: await readHostRlimits(),
      cgroup: { version: cgroups.version, swap: cgroups.swap },
    }
  })

  after(async () => {
    for (const id of ids) {
      await runtime.delete(id, { force: true }).catch(() => undefined)
      await removeCgroup(`/berth/${id}`)
    }
    await rm(dir, { recursive: true, force: true })
  })

  /** Writes a bundle for `over` and creates the container; returns its id and create options. */
  async function create(over: Partial<OciSpecInput>, io: Partial<CreateOptions> = {}) {
    const id = `ocispec${process.pid}x${ids.length}${Date.now().toString(36)}`
    ids.push(id)
    const bundle = join(dir, 'bundles', id)
    await mkdir(bundle, { recursive: true })
    const rootfs = join(dir, 'rootfs')
    const user = await resolveUser(rootfs, '')
    const spec = buildOciSpec({
      id,
      rootfs,
      readonlyRootfs: true,
      args: ['true'],
      env: ['PATH=/bin', `HOME=${user.home}`],
      user,
      hostname: id.slice(0, 12),
      seccomp: 'default',
      host,
      ...over,
    })
    await writeFile(join(bundle, 'config.json'), JSON.stringify(spec))
    const opts: CreateOptions = {
      bundle,
      tty: false,
      openStdin: false,
      stdinOnce: false,
      logPath: join(bundle, 'ctr.log'),
      ...io,
    }
    await runtime.create(id, opts)
    return { id, opts }
  }

  function exitOf(id: string): Promise<ExitStatus> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${id} did not exit`)), 10_000)
      const check = () =>
        runtime.exitStatus(id).then((s) => {
          if (s === undefined) return
          clearTimeout(timer)
          off()
          resolve(s)
        }, reject)
      const off = runtime.onExit((x) => x === id && void check())
      void check()
    })
  }

  async function runToExit(over: Partial<OciSpecInput>): Promise<{ exit: ExitStatus; log: string }> {
    const { id, opts } = await create(over)
    const exited = exitOf(id)
    await runtime.start(id)
    const exit = await exited
    const log = await readFile(opts.logPath, 'utf8')
    await runtime.delete(id)
    return { exit, log }
  }

  it('runs with the default profile, writes k8s-file logs and reports the exit code', async () => {
    const t0 = performance.now()
    const { exit, log } = await runToExit({ args: ['sh', '-c', 'echo out; echo err >&2; exit 7'] })
    console.log(`create+start+exit+delete (default seccomp): ${(performance.now() - t0).toFixed(0)} ms`)
    assert.equal(exit.exitCode, 7)
    const lines = log.trimEnd().split('\n')
    for (const line of lines) assert.match(line, K8S_LINE)
    assert.ok(lines.some((l) => / stdout F out$/.test(l)))
    assert.ok(lines.some((l) => / stderr F err$/.test(l)))
  })

  it('runs --init (tini) so SIGTERM stops sleep; pauses and resumes', async () => {
    const { id } = await create({ args: ['sleep', '1000'], init: BIN.tini })
    await runtime.start(id)
    await runtime.pause(id)
    assert.equal((await runtime.state(id))?.status, 'paused')
    await runtime.resume(id)
    assert.equal((await runtime.state(id))?.status, 'running')
    assert.ok((await runtime.pids(id)).length >= 2, 'tini and sleep')
    const exited = exitOf(id)
    await runtime.kill(id, 'SIGTERM')
    assert.equal((await exited).exitCode, 143)
    await runtime.delete(id)
    assert.equal(await runtime.state(id), undefined)
  })

  it("starts privileged containers with the daemon's capabilities", async () => {
    const { exit, log } = await runToExit({ args: ['grep', 'CapEff', '/proc/self/status'], privileged: true })
    assert.equal(exit.exitCode, 0)
    const own = /CapBnd:\s*([0-9a-f]+)/.exec(await readFile('/proc/self/status', 'utf8'))?.[1]
    assert.match(log, new RegExp(`CapEff:\\s*${own}`))
  })

  it('applies memory, pids, clamped ulimits and oom score adj', async () => {
    const script = [
      'cat /sys/fs/cgroup/memory/memory.limit_in_bytes 2>/dev/null || cat /sys/fs/cgroup/memory.max',
      'cat /sys/fs/cgroup/pids/pids.max 2>/dev/null || cat /sys/fs/cgroup/pids.max',
      'ulimit -n',
      'cat /proc/self/oom_score_adj',
    ].join('; ')
    const { exit, log } = await runToExit({
      args: ['sh', '-c', script],
      resources: { memory: 32 << 20, pidsLimit: 42 },
      ulimits: [{ name: 'nofile', soft: 1 << 30, hard: 1 << 30 }],
      oomScoreAdj: -100,
    })
    assert.equal(exit.exitCode, 0, log)
    const out = log
      .trimEnd()
      .split('\n')
      .map((l) => l.split(' ').slice(3).join(' '))
    const nofileHard = host.rlimits?.RLIMIT_NOFILE?.hard
    assert.deepEqual(out, [String(32 << 20), '42', String(Math.min(nofileHard ?? 1 << 30, 1 << 30)), '0'])
  })

  it('runs as a non-root user resolved from the rootfs', async () => {
    const user = await resolveUser(join(dir, 'rootfs'), 'app')
    const { exit, log } = await runToExit({
      args: ['sh', '-c', 'id -u; id -g; grep CapEff /proc/self/status'],
      user,
    })
    assert.equal(exit.exitCode, 0, log)
    assert.match(log, /stdout F 1000\n.*stdout F 1000\n.*CapEff:\s*0+$/m)
  })
})
