// Create options and lifecycle behaviour on real containers, through the docker CLI: resource
// limits reach the cgroup, security options reach the process, restart policies and wait
// conditions behave as Docker's.
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { readlink, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { e2eSkipReason, sleep, TestDaemon } from '../support/daemon.ts'

const skip = e2eSkipReason()

describe('container options', { skip }, () => {
  let d: TestDaemon
  before(async () => {
    d = await TestDaemon.start()
  })
  after(async () => {
    await d?.stop()
  })

  const run = async (args: string[]) => {
    const r = await d.docker(['run', '--rm', ...args])
    assert.equal(r.code, 0, r.stderr)
    return r.stdout.trim()
  }

  it('applies memory, pids and cpu limits to the cgroup', async () => {
    const mem = await run([
      '-m',
      '64m',
      'busybox',
      'sh',
      '-c',
      'cat /sys/fs/cgroup/memory/memory.limit_in_bytes 2>/dev/null || cat /sys/fs/cgroup/memory.max',
    ])
    assert.equal(mem, String(64 * 1024 * 1024))
    const pids = await run([
      '--pids-limit',
      '42',
      'busybox',
      'sh',
      '-c',
      'cat /sys/fs/cgroup/pids/pids.max 2>/dev/null || cat /sys/fs/cgroup/pids.max',
    ])
    assert.equal(pids, '42')
    const cpu = await run([
      '--cpus',
      '0.5',
      'busybox',
      'sh',
      '-c',
      'cat /sys/fs/cgroup/cpu/cpu.cfs_quota_us 2>/dev/null || cut -d" " -f1 /sys/fs/cgroup/cpu.max',
    ])
    assert.equal(cpu, '50000')
  })

  it('update changes the limits of a running container (docker and berth) and its restart policy', async () => {
    const id = (await d.docker(['run', '-d', '-m', '64m', 'busybox', 'sleep', '300'])).stdout.trim()
    try {
      const cat = async (expr: string) => {
        const r = await d.docker(['exec', id, 'sh', '-c', expr])
        assert.equal(r.code, 0, r.stderr)
        return r.stdout.trim()
      }
      const memExpr =
        'cat /sys/fs/cgroup/memory/memory.limit_in_bytes 2>/dev/null || cat /sys/fs/cgroup/memory.max'
      const up = await d.docker([
        'update',
        '-m',
        '128m',
        '--pids-limit',
        '77',
        '--cpus',
        '0.25',
        '--restart',
        'on-failure:3',
        id,
      ])
      assert.equal(up.code, 0, up.stderr)
      assert.equal(up.stdout.trim(), id)
      assert.equal(await cat(memExpr), String(128 * 1024 * 1024))
      assert.equal(
        await cat('cat /sys/fs/cgroup/pids/pids.max 2>/dev/null || cat /sys/fs/cgroup/pids.max'),
        '77',
      )
      assert.equal(
        await cat(
          'cat /sys/fs/cgroup/cpu/cpu.cfs_quota_us 2>/dev/null || cut -d" " -f1 /sys/fs/cgroup/cpu.max',
        ),
        '25000',
      )
      const hc = JSON.parse((await d.docker(['inspect', id])).stdout)[0].HostConfig
      assert.equal(hc.Memory, 128 * 1024 * 1024)
      assert.equal(hc.PidsLimit, 77)
      assert.equal(hc.NanoCpus, 250_000_000)
      assert.deepEqual(hc.RestartPolicy, { Name: 'on-failure', MaximumRetryCount: 3 })
      const b = await d.berth(['update', '--memory', '96m', id])
      assert.equal(b.code, 0, b.stderr)
      assert.equal(await cat(memExpr), String(96 * 1024 * 1024))
      const conflict = await d.docker(['update', '--cpu-quota', '10000', id])
      assert.notEqual(conflict.code, 0)
      assert.match(conflict.stderr, /CPU Quota cannot be updated as NanoCPUs has already been set/)
      const tiny = await d.docker(['update', '-m', '1m', id])
      assert.match(tiny.stderr, /Minimum memory limit allowed is 6MB/)
    } finally {
      await d.docker(['rm', '-f', id])
    }
    const auto = (await d.docker(['create', '--rm', 'busybox', 'true'])).stdout.trim()
    const refused = await d.docker(['update', '--restart', 'always', auto])
    assert.notEqual(refused.code, 0)
    assert.match(
      refused.stderr,
      /Restart policy cannot be updated because AutoRemove is enabled for the container/,
    )
    await d.docker(['rm', '-f', auto])
  })

  it('applies a Docker-format seccomp profile from a file (docker and berth), unconfined and default', async () => {
    const profile = join(d.dir, 'no-mkdir.json')
    await writeFile(
      profile,
      JSON.stringify({
        defaultAction: 'SCMP_ACT_ALLOW',
        archMap: [{ architecture: 'SCMP_ARCH_X86_64', subArchitectures: ['SCMP_ARCH_X86', 'SCMP_ARCH_X32'] }],
        syscalls: [
          { names: ['mkdir', 'mkdirat'], action: 'SCMP_ACT_ERRNO', errnoRet: 1 },
          // Applies only to containers holding CAP_SYS_ADMIN (this one does not): chmod stays allowed.
          { names: ['chmod', 'fchmodat'], action: 'SCMP_ACT_ERRNO', includes: { caps: ['CAP_SYS_ADMIN'] } },
        ],
      }),
    )
    for (const cli of ['docker', 'berth'] as const) {
      const r = await d[cli]([
        'run',
        '--rm',
        '--security-opt',
        `seccomp=${profile}`,
        'busybox',
        'sh',
        '-c',
        'touch /tmp/f && chmod 600 /tmp/f && echo chmod-ok; mkdir /tmp/d',
      ])
      assert.equal(r.code, 1, `${cli}: ${r.stderr}`)
      assert.match(r.stdout, /chmod-ok/)
      assert.match(r.stderr, /Operation not permitted/)
    }
    assert.equal(
      await run(['--security-opt', 'seccomp=unconfined', 'busybox', 'sh', '-c', 'mkdir /tmp/d && echo ok']),
      'ok',
    )
    const bad = await d.docker([
      'run',
      '--rm',
      '--security-opt',
      'seccomp={"defaultAction": 3}',
      'busybox',
      'true',
    ])
    assert.notEqual(bad.code, 0)
  })

  it('--pid/--ipc container:, --cgroupns private and --cgroup-parent', async () => {
    const donor = (
      await d.docker(['run', '-d', '--ipc', 'shareable', 'busybox', 'sleep', '300'])
    ).stdout.trim()
    const plain = (await d.docker(['run', '-d', 'busybox', 'sleep', '301'])).stdout.trim()
    const parent = `berthtest-${process.pid}`
    try {
      assert.match(await run(['--pid', `container:${donor}`, 'busybox', 'ps', '-o', 'args']), /sleep 300/)
      const nsOf = async (id: string) =>
        (await d.docker(['exec', id, 'readlink', '/proc/1/ns/ipc'])).stdout.trim()
      assert.equal(
        await run(['--ipc', `container:${donor}`, 'busybox', 'readlink', '/proc/self/ns/ipc']),
        await nsOf(donor),
      )
      const refused = await d.docker(['run', '--rm', '--ipc', `container:${plain}`, 'busybox', 'true'])
      assert.notEqual(refused.code, 0)
      assert.match(refused.stderr, /non-shareable IPC/)
      const bad = await d.docker(['run', '--rm', '--ipc', 'bogus', 'busybox', 'true'])
      assert.match(bad.stderr, /invalid IPC mode: bogus/)
      const hostNs = (await readlink('/proc/self/ns/cgroup')).trim()
      assert.notEqual(
        await run(['--cgroupns', 'private', 'busybox', 'readlink', '/proc/self/ns/cgroup']),
        hostNs,
      )
      const cg = await run(['--cgroup-parent', `/${parent}`, 'busybox', 'cat', '/proc/self/cgroup'])
      assert.match(cg, new RegExp(`/${parent}/[0-9a-f]{64}`))
    } finally {
      await d.docker(['rm', '-f', donor, plain])
      // The parent cgroup directories the runtime made (one per v1 controller, or one on v2).
      execFileSync('sh', [
        '-c',
        `find /sys/fs/cgroup -maxdepth 2 -type d -name '${parent}' -exec rmdir {} + 2>/dev/null; true`,
      ])
    }
  })

  it('sets user, workdir, env and hostname', async () => {
    const out = await run([
      '-u',
      'nobody',
      '-w',
      '/tmp',
      '-e',
      'FOO=bar',
      '--hostname',
      'h1',
      'busybox',
      'sh',
      '-c',
      'id -u; pwd; echo $FOO; hostname',
    ])
    assert.deepEqual(out.split('\n'), ['65534', '/tmp', 'bar', 'h1'])
  })

  it('drops capabilities, honours --read-only and --privileged', async () => {
    const capsDefault = await run(['busybox', 'sh', '-c', 'grep CapEff /proc/self/status'])
    const capsDropped = await run([
      '--cap-drop',
      'ALL',
      'busybox',
      'sh',
      '-c',
      'grep CapEff /proc/self/status',
    ])
    assert.notEqual(capsDefault, capsDropped)
    assert.match(capsDropped, /CapEff:\s+0+$/)
    const ro = await d.docker(['run', '--rm', '--read-only', 'busybox', 'touch', '/x'])
    assert.notEqual(ro.code, 0)
    assert.match(ro.stderr, /Read-only file system/)
    const masked = await run(['busybox', 'sh', '-c', 'cat /proc/kcore | wc -c'])
    assert.equal(masked, '0')
    const priv = await run(['--privileged', 'busybox', 'sh', '-c', 'grep CapEff /proc/self/status'])
    assert.notEqual(priv, capsDefault)
    // --privileged brings the host's devices (loop-control, for one), not its ptys; --device
    // at the same path still wins.
    const hostHas = existsSync('/dev/loop-control')
    const privDev = await run([
      '--privileged',
      '--device',
      '/dev/zero:/dev/null',
      'busybox',
      'sh',
      '-c',
      'ls /dev/loop-control 2>&1; ls /dev/pts | wc -l; head -c 3 /dev/null | wc -c',
    ])
    const [loop, pts, nulls] = privDev.split('\n')
    if (hostHas) assert.equal(loop, '/dev/loop-control')
    assert.ok(Number(pts) <= 2, `host ptys leaked: ${pts}`)
    assert.equal(nulls?.trim(), '3', '/dev/null is /dev/zero as asked')
  })

  it('runs an init as pid 1 with --init', async () => {
    const out = await run(['--init', 'busybox', 'sh', '-c', 'cat /proc/1/cmdline | tr "\\0" " "'])
    assert.match(out, /^\/sbin\/docker-init -- sh/)
  })

  it('restarts on failure up to the retry count', async () => {
    const id = (
      await d.docker(['run', '-d', '--restart', 'on-failure:2', 'busybox', 'sh', '-c', 'exit 3'])
    ).stdout.trim()
    let state = ''
    for (let i = 0; i < 60; i++) {
      state = (
        await d.docker(['inspect', '-f', '{{.RestartCount}} {{.State.Status}} {{.State.ExitCode}}', id])
      ).stdout.trim()
      if (state === '2 exited 3') break
      await sleep(100)
    }
    assert.equal(state, '2 exited 3')
    await d.docker(['rm', '-f', id])
  })

  it('waits for next-exit and removal', async () => {
    const id = (await d.docker(['create', 'busybox', 'sh', '-c', 'exit 9'])).stdout.trim()
    const waited = d.api('POST', `/containers/${id}/wait?condition=next-exit`)
    await sleep(100)
    assert.equal((await d.api('POST', `/containers/${id}/start`)).status, 204)
    assert.deepEqual(JSON.parse((await waited).body), { StatusCode: 9 })
    const removed = d.api('POST', `/containers/${id}/wait?condition=removed`)
    await sleep(100)
    assert.equal((await d.api('DELETE', `/containers/${id}`)).status, 204)
    assert.equal(JSON.parse((await removed).body).StatusCode, 9)
  })

  it('reports lifecycle events to docker events', async () => {
    const since = String(Math.floor(Date.now() / 1000) - 1)
    await d.docker(['run', '--rm', '--name', 'evented', 'busybox', 'true'])
    const until = String(Math.floor(Date.now() / 1000) + 1)
    const ev = await d.docker([
      'events',
      '--since',
      since,
      '--until',
      until,
      '--filter',
      'container=evented',
      '--format',
      '{{.Action}}',
    ])
    assert.equal(ev.code, 0, ev.stderr)
    const actions = ev.stdout.trim().split('\n')
    for (const a of ['create', 'attach', 'start', 'die', 'destroy']) {
      assert.ok(actions.includes(a), `missing ${a} in ${actions.join(',')}`)
    }
  })
})
