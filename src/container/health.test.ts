import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { nullLogger } from '../lib/log.ts'
import { mergeHealthcheck } from './config-merge.ts'
import {
  applyResult,
  formatDuration,
  type HealthHost,
  HealthMonitor,
  nextDelay,
  type ProbeRunner,
  probeOf,
  startingHealth,
  validateHealthcheck,
} from './health.ts'
import type { ContainerConfig, ContainerRecord, HealthResult, HealthState } from './types.ts'

const MS = 1_000_000

function config(hc?: Record<string, unknown>): ContainerConfig {
  return { Image: 'busybox', Healthcheck: hc } as unknown as ContainerConfig
}

function result(
  startOffsetMs: number,
  exitCode: number,
  startedAt = '2026-01-01T00:00:00.000Z',
): HealthResult {
  const start = new Date(Date.parse(startedAt) + startOffsetMs).toISOString()
  return { Start: start, End: start, ExitCode: exitCode, Output: '' }
}

describe('probeOf', () => {
  it('reads CMD and CMD-SHELL with Docker defaults', () => {
    assert.deepEqual(probeOf(config({ Test: ['CMD', 'true', 'x'] })), {
      cmd: ['true', 'x'],
      intervalMs: 30_000,
      timeoutMs: 30_000,
      startPeriodMs: 0,
      startIntervalMs: 5_000,
      retries: 3,
    })
    const p = probeOf(config({ Test: ['CMD-SHELL', 'test -f /tmp/ok'], Interval: 200 * MS, Retries: 2 }))
    assert.deepEqual(p?.cmd, ['/bin/sh', '-c', 'test -f /tmp/ok'])
    assert.equal(p?.intervalMs, 200)
    assert.equal(p?.retries, 2)
  })

  it('uses the container Shell for CMD-SHELL', () => {
    const c = { ...config({ Test: ['CMD-SHELL', 'echo'] }), Shell: ['/bin/ash', '-c'] }
    assert.deepEqual(probeOf(c)?.cmd, ['/bin/ash', '-c', 'echo'])
  })

  it('has no probe for NONE, an empty test, an unknown kind or no healthcheck', () => {
    assert.equal(probeOf(config({ Test: ['NONE'] })), undefined)
    assert.equal(probeOf(config({ Test: [] })), undefined)
    assert.equal(probeOf(config({ Test: ['WHAT', 'x'] })), undefined)
    assert.equal(probeOf(config()), undefined)
  })
})

describe('validateHealthcheck', () => {
  it('rejects sub-millisecond durations and negative retries', () => {
    assert.throws(() => validateHealthcheck({ Interval: 10 }), { kind: 'invalid-argument' })
    assert.throws(() => validateHealthcheck({ StartInterval: 999_999 }), /StartInterval/)
    assert.throws(() => validateHealthcheck({ Retries: -1 }), /cannot be negative/)
    validateHealthcheck({ Interval: 0, Timeout: MS, Retries: 0 })
    validateHealthcheck(undefined)
  })
})

describe('applyResult (the state machine)', () => {
  const startedAt = '2026-01-01T00:00:00.000Z'
  const ctx = { startedAt, startPeriodMs: 0, retries: 2 }

  it('goes healthy on the first success and resets the streak', () => {
    let h = startingHealth(undefined)
    h = applyResult(h, result(10, 1), ctx)
    assert.equal(h.Status, 'starting')
    assert.equal(h.FailingStreak, 1)
    h = applyResult(h, result(20, 0), ctx)
    assert.deepEqual([h.Status, h.FailingStreak, h.Log.length], ['healthy', 0, 2])
  })

  it('goes unhealthy after Retries consecutive failures, then back to healthy', () => {
    let h: HealthState = { Status: 'healthy', FailingStreak: 0, Log: [] }
    h = applyResult(h, result(10, 1), ctx)
    assert.equal(h.Status, 'healthy')
    h = applyResult(h, result(20, -1), ctx)
    assert.deepEqual([h.Status, h.FailingStreak], ['unhealthy', 2])
    h = applyResult(h, result(30, 0), ctx)
    assert.deepEqual([h.Status, h.FailingStreak], ['healthy', 0])
  })

  it('does not count failures in the start period while starting', () => {
    const c = { ...ctx, startPeriodMs: 1000 }
    let h = startingHealth(undefined)
    for (let i = 0; i < 5; i++) h = applyResult(h, result(100 * i, 1), c)
    assert.deepEqual([h.Status, h.FailingStreak], ['starting', 0])
    h = applyResult(h, result(1500, 1), c)
    h = applyResult(h, result(1600, 1), c)
    assert.deepEqual([h.Status, h.FailingStreak], ['unhealthy', 2])
  })

  it('counts failures in the start period once healthy', () => {
    const c = { ...ctx, startPeriodMs: 10_000 }
    let h = applyResult(startingHealth(undefined), result(10, 0), c)
    h = applyResult(h, result(20, 1), c)
    assert.equal(h.FailingStreak, 1)
  })

  it('keeps the last 5 results, oldest first', () => {
    let h = startingHealth(undefined)
    for (let i = 0; i < 8; i++) h = applyResult(h, result(i, 0), ctx)
    assert.equal(h.Log.length, 5)
    assert.equal(h.Log[0]?.Start, result(3, 0).Start)
    assert.equal(h.Log[4]?.Start, result(7, 0).Start)
  })

  it('starts a restarted container as starting but keeps its log', () => {
    const h = startingHealth({ Status: 'unhealthy', FailingStreak: 4, Log: [result(1, 1)] })
    assert.deepEqual([h.Status, h.FailingStreak, h.Log.length], ['starting', 0, 1])
  })
})

describe('nextDelay', () => {
  const p = probeOf(
    config({ Test: ['CMD', 'true'], Interval: 1000 * MS, StartInterval: 100 * MS, StartPeriod: 5000 * MS }),
  )!
  const startedAt = new Date(0).toISOString()
  it('uses StartInterval while starting within the start period, else Interval', () => {
    assert.equal(nextDelay(p, startingHealth(undefined), startedAt, 1000), 100)
    assert.equal(nextDelay(p, { Status: 'healthy', FailingStreak: 0, Log: [] }, startedAt, 1000), 1000)
    assert.equal(nextDelay(p, startingHealth(undefined), startedAt, 6000), 1000)
  })
})

describe('mergeHealthcheck', () => {
  it('inherits the image healthcheck field by field', () => {
    const img = { Test: ['CMD', 'img'], Interval: 5, Retries: 4 }
    assert.deepEqual(mergeHealthcheck(undefined, img), img)
    assert.deepEqual(mergeHealthcheck({ Interval: 7 }, img), {
      Test: ['CMD', 'img'],
      Interval: 7,
      Retries: 4,
    })
    assert.deepEqual(mergeHealthcheck({ Test: ['NONE'] }, img), { Test: ['NONE'], Interval: 5, Retries: 4 })
    assert.equal(mergeHealthcheck(undefined, undefined), undefined)
  })
})

it('formatDuration prints Go durations', () => {
  assert.equal(formatDuration(200), '200ms')
  assert.equal(formatDuration(30_000), '30s')
  assert.equal(formatDuration(90_000), '1m30s')
})

/** A ContainerService stand-in: records in a map, lifecycle driven by the test. */
class FakeHost implements HealthHost {
  readonly recs = new Map<string, ContainerRecord>()
  readonly events: string[] = []
  saves = 0
  readonly #fns = new Set<
    (rec: ContainerRecord, c: 'start' | 'exit' | 'pause' | 'unpause' | 'remove') => void
  >()
  readonly deps = {
    store: {
      find: (id: string) => this.recs.get(id),
      save: async () => {
        this.saves++
      },
    },
    publisher: { publish: (_t: string, action: string) => void this.events.push(action) },
    log: nullLogger,
  }
  onLifecycle(fn: (rec: ContainerRecord, c: 'start' | 'exit' | 'pause' | 'unpause' | 'remove') => void) {
    this.#fns.add(fn)
    return () => this.#fns.delete(fn)
  }
  all() {
    return [...this.recs.values()]
  }
  withLock<T>(_id: string, fn: () => Promise<T>) {
    return fn()
  }
  attrs() {
    return {}
  }
  change(rec: ContainerRecord, c: 'start' | 'exit' | 'pause' | 'unpause' | 'remove') {
    rec.state.status =
      c === 'exit' ? 'exited' : c === 'pause' ? 'paused' : c === 'remove' ? 'removing' : 'running'
    if (c === 'start') rec.state.startedAt = new Date().toISOString()
    for (const fn of this.#fns) fn(rec, c)
  }
}

function record(id: string, hc: Record<string, unknown> | undefined): ContainerRecord {
  return {
    id,
    config: config(hc),
    state: { status: 'created', startedAt: new Date().toISOString() },
  } as unknown as ContainerRecord
}

async function until(cond: () => boolean, ms = 2000): Promise<void> {
  const end = Date.now() + ms
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting')
    await sleep(5)
  }
}

describe('HealthMonitor', () => {
  it('probes a started container: starting → healthy → unhealthy, with events', async () => {
    const host = new FakeHost()
    let exitCode = 0
    const calls: string[][] = []
    const run: ProbeRunner = async (_rec, cmd) => {
      calls.push(cmd)
      const now = new Date().toISOString()
      return { Start: now, End: now, ExitCode: exitCode, Output: 'out' }
    }
    const m = new HealthMonitor(host, run)
    m.start()
    const rec = record('a', { Test: ['CMD', 'check'], Interval: 10 * MS, Retries: 2 })
    host.recs.set('a', rec)
    host.change(rec, 'start')
    assert.equal(rec.state.health?.Status, 'starting')
    await until(() => rec.state.health?.Status === 'healthy')
    exitCode = 1
    await until(() => rec.state.health?.Status === 'unhealthy')
    assert.ok((rec.state.health?.FailingStreak ?? 0) >= 2)
    assert.deepEqual(calls[0], ['check'])
    assert.deepEqual(host.events.slice(0, 2), ['health_status: healthy', 'health_status: unhealthy'])
    host.change(rec, 'exit')
    const n = calls.length
    await sleep(50)
    assert.equal(calls.length, n, 'no probes after exit')
    assert.equal(rec.state.health?.Status, 'unhealthy')
    m.stop()
  })

  it('does nothing for containers without a healthcheck or with NONE', async () => {
    const host = new FakeHost()
    let calls = 0
    const m = new HealthMonitor(host, async () => {
      calls++
      return result(0, 0)
    })
    m.start()
    for (const [id, hc] of [
      ['x', undefined],
      ['y', { Test: ['NONE'], Interval: 10 * MS }],
    ] as const) {
      const rec = record(id, hc)
      host.recs.set(id, rec)
      host.change(rec, 'start')
      assert.equal(rec.state.health, undefined)
    }
    await sleep(40)
    assert.equal(calls, 0)
    m.stop()
  })

  it('picks up running containers on start() and stops every prober on stop()', async () => {
    const host = new FakeHost()
    let calls = 0
    const m = new HealthMonitor(host, async () => {
      calls++
      return result(0, 0)
    })
    const rec = record('r', { Test: ['CMD', 'ok'], Interval: 10 * MS })
    rec.state.status = 'running'
    host.recs.set('r', rec)
    m.start()
    await until(() => calls > 0)
    m.stop()
    const n = calls
    await sleep(40)
    assert.equal(calls, n)
  })

  it('pauses probing while paused and drops the result of a probe that outlived its container', async () => {
    const host = new FakeHost()
    let release: (() => void) | undefined
    const m = new HealthMonitor(host, async () => {
      await new Promise<void>((r) => {
        release = r
      })
      return result(0, 0)
    })
    m.start()
    const rec = record('p', { Test: ['CMD', 'ok'], Interval: 5 * MS })
    host.recs.set('p', rec)
    host.change(rec, 'start')
    await until(() => release !== undefined)
    host.change(rec, 'pause')
    release?.()
    await sleep(20)
    assert.equal(rec.state.health?.Status, 'unhealthy')
    assert.equal(rec.state.health?.Log.length, 0)
    m.stop()
  })
})
