// Health checks through the real docker CLI and berth: a container turning healthy (and
// "(healthy)" in ps), one turning unhealthy with its failing streak and probe log, a probe that
// times out, --no-healthcheck, the health filter, health_status events, probers resuming after
// a daemon restart and stopping with their container.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { e2eSkipReason, TestDaemon } from '../support/daemon.ts'

const skip = e2eSkipReason()

interface Health {
  Status: string
  FailingStreak: number
  Log: Array<{ ExitCode: number; Output: string; Start: string; End: string }>
}

describe('health checks against berthd', { skip }, () => {
  let d: TestDaemon
  before(async () => {
    d = await TestDaemon.start()
  })
  after(async () => {
    await d?.stop() // removes every container, even after a failed test
  })

  const health = async (name: string): Promise<Health | undefined> => {
    const r = await d.docker(['inspect', '--format', '{{json .State.Health}}', name])
    assert.equal(r.code, 0, r.stderr)
    return JSON.parse(r.stdout) ?? undefined
  }
  const waitFor = async (name: string, status: string, ms = 6000): Promise<Health> => {
    const end = Date.now() + ms
    for (;;) {
      const h = await health(name)
      if (h?.Status === status) return h
      if (Date.now() > end) assert.fail(`${name}: wanted ${status}, have ${JSON.stringify(h)}`)
      await sleep(100)
    }
  }

  it('docker run --health-cmd: starting, then healthy; ps shows (healthy); filter and events', async () => {
    const since = Math.floor(Date.now() / 1000) - 1
    const r = await d.docker([
      'run',
      '-d',
      '--name',
      'ok',
      '--health-cmd',
      'test -f /tmp/ok',
      '--health-interval',
      '200ms',
      '--health-retries',
      '2',
      'busybox',
      'sh',
      '-c',
      'sleep 1; touch /tmp/ok; sleep 60',
    ])
    assert.equal(r.code, 0, r.stderr)
    assert.equal((await health('ok'))?.Status, 'starting')
    const ps0 = await d.docker(['ps', '--filter', 'name=ok', '--format', '{{.Status}}'])
    assert.match(ps0.stdout, /^Up .*\(health: starting\)$/m)
    const h = await waitFor('ok', 'healthy')
    assert.equal(h.FailingStreak, 0)
    assert.ok(h.Log.length >= 1 && h.Log.length <= 5)
    assert.equal(h.Log.at(-1)?.ExitCode, 0)
    const ps = await d.docker(['ps', '--filter', 'name=ok', '--format', '{{.Status}}'])
    assert.match(ps.stdout, /^Up .* \(healthy\)$/m)
    const healthy = await d.docker(['ps', '-q', '--no-trunc', '--filter', 'health=healthy'])
    const id = (await d.docker(['inspect', '--format', '{{.Id}}', 'ok'])).stdout.trim()
    assert.deepEqual(healthy.stdout.trim().split('\n'), [id])
    const ev = await d.docker([
      'events',
      '--since',
      String(since),
      '--until',
      String(Math.ceil(Date.now() / 1000)),
      '--filter',
      'container=ok',
      '--format',
      '{{.Action}}',
    ])
    assert.match(ev.stdout, /^health_status: healthy$/m)
  })

  it('a failing check turns unhealthy with FailingStreak ≥ retries; berth ps shows it', async () => {
    const r = await d.berth([
      'run',
      '-d',
      '--name',
      'bad',
      '--health-cmd',
      'echo nope; exit 3',
      '--health-interval',
      '200ms',
      '--health-retries',
      '2',
      'busybox',
      'sleep',
      '60',
    ])
    assert.equal(r.code, 0, r.stderr)
    const h = await waitFor('bad', 'unhealthy')
    assert.ok(h.FailingStreak >= 2, JSON.stringify(h))
    assert.equal(h.Log.at(-1)?.ExitCode, 3)
    assert.equal(h.Log.at(-1)?.Output, 'nope\n')
    const ps = await d.berth(['ps', '--filter', 'name=bad', '--format', '{{.Status}}'])
    assert.match(ps.stdout, /\(unhealthy\)/)
    const filtered = await d.docker(['ps', '--format', '{{.Names}}', '--filter', 'health=unhealthy'])
    assert.deepEqual(filtered.stdout.trim().split('\n'), ['bad'])
  })

  it('a probe past its timeout is killed and counts as a failure', async () => {
    const r = await d.docker([
      'run',
      '-d',
      '--name',
      'slow',
      '--health-cmd',
      'sleep 5',
      '--health-interval',
      '100ms',
      '--health-timeout',
      '300ms',
      '--health-retries',
      '1',
      'busybox',
      'sleep',
      '60',
    ])
    assert.equal(r.code, 0, r.stderr)
    const h = await waitFor('slow', 'unhealthy')
    assert.equal(h.Log.at(-1)?.ExitCode, -1)
    assert.match(h.Log.at(-1)?.Output ?? '', /exceeded timeout \(300ms\)/)
    const took = Date.parse(h.Log.at(-1)!.End) - Date.parse(h.Log.at(-1)!.Start)
    assert.ok(took < 2000, `probe ran ${took} ms`)
  })

  it('--no-healthcheck: no Health in inspect, health=none in the filter', async () => {
    const r = await d.docker(['run', '-d', '--name', 'none', '--no-healthcheck', 'busybox', 'sleep', '60'])
    assert.equal(r.code, 0, r.stderr)
    const hc = await d.docker(['inspect', '--format', '{{json .Config.Healthcheck}}', 'none'])
    assert.deepEqual(JSON.parse(hc.stdout), { Test: ['NONE'] })
    await sleep(300)
    assert.equal(await health('none'), undefined)
    const ps = await d.docker(['ps', '--format', '{{.Names}}', '--filter', 'health=none'])
    assert.deepEqual(ps.stdout.trim().split('\n'), ['none'])
    const st = await d.docker(['ps', '--filter', 'name=none', '--format', '{{.Status}}'])
    assert.doesNotMatch(st.stdout, /health/)
  })

  it('probing resumes after berthd is killed and restarted', async () => {
    await d.kill9()
    const restarted = Date.now()
    await d.launch()
    const end = Date.now() + 3000
    for (;;) {
      const last = (await health('bad'))?.Log.at(-1)
      if (last && Date.parse(last.Start) > restarted) break
      if (Date.now() > end) assert.fail(`no probe since the restart: ${JSON.stringify(last)}`)
      await sleep(100)
    }
  })

  it('stopping a container stops its prober and leaves it unhealthy', async () => {
    const r = await d.docker(['stop', '-t', '0', 'ok'])
    assert.equal(r.code, 0, r.stderr)
    const h = await health('ok')
    assert.equal(h?.Status, 'unhealthy')
    const n = h?.Log.length
    await sleep(500)
    assert.equal((await health('ok'))?.Log.length, n)
  })
})
