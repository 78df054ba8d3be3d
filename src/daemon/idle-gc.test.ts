import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { fullGc, startIdleCollector } from './idle-gc.ts'

describe('idle collector', () => {
  it('collects once after a quiet period that follows activity, not while busy or idle', async () => {
    let collections = 0
    const c = startIdleCollector(100, () => collections++)
    try {
      await sleep(250)
      assert.equal(collections, 0, 'no activity yet: nothing to give back')
      for (let i = 0; i < 6; i++) {
        c.touch()
        await sleep(30)
      }
      assert.equal(collections, 0, 'still busy')
      await sleep(300)
      assert.equal(collections, 1)
      await sleep(300)
      assert.equal(collections, 1, 'idle stays idle: one collection only')
      c.touch()
      await sleep(300)
      assert.equal(collections, 2)
    } finally {
      c.stop()
    }
  })

  it('runs a real full collection in a process started without --expose-gc', () => {
    let garbage: number[][] | undefined = Array.from({ length: 200 }, () => new Array(10_000).fill(1.5))
    const before = process.memoryUsage().heapUsed
    garbage = undefined
    fullGc()
    assert.equal(garbage, undefined)
    const after = process.memoryUsage().heapUsed
    assert.ok(after < before - 8 * 1024 * 1024, `heap ${before} -> ${after}`)
  })
})
