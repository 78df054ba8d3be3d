// Gives memory back when berthd goes idle. After a burst of API work V8 keeps the young
// generation at the size the burst grew it to (8 MB semi-spaces) and the old-space pages it
// emptied, so an idle daemon would stay 10-30 MB above its resting size for good. One full
// memory-reducing collection once the API has been quiet for `idleMs` returns it (measured:
// RSS 95 -> 77 MB after the benchmark's list workload; the pause, once per quiet period, is a
// few tens of ms on a ~15 MB heap). Node offers no API to request a collection without --expose-gc;
// that flag is turned on at run time (v8.setFlagsFromString) and `gc` taken from a fresh
// context, only when the first idle collection is due. Bursts cost nothing extra: the timer
// only looks at the time of the last request.
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'

export interface IdleCollector {
  /** Marks API activity (called for every request). */
  touch(): void
  stop(): void
}

type Gc = (opts?: {
  type?: 'major' | 'minor'
  execution?: 'sync' | 'async'
  flavor?: 'regular' | 'last-resort'
}) => unknown

/**
 * Collects once after each quiet period of at least `idleMs` that follows activity. `collect` is
 * injectable for tests; by default it runs V8's full collection.
 */
export function startIdleCollector(idleMs = 5_000, collect: () => void = fullGc): IdleCollector {
  let lastActivity = 0 // 0: nothing happened since the last collection
  const timer = setInterval(
    () => {
      if (lastActivity === 0 || Date.now() - lastActivity < idleMs) return
      lastActivity = 0
      collect()
    },
    Math.max(50, Math.floor(idleMs / 2)),
  )
  timer.unref()
  return {
    touch: () => {
      lastActivity = Date.now()
    },
    stop: () => clearInterval(timer),
  }
}

let gc: Gc | undefined

export function fullGc(): void {
  if (!gc) {
    setFlagsFromString('--expose-gc')
    gc = runInNewContext('gc') as Gc
  }
  // 'last-resort': V8's memory-reducing full collection (compacts and unmaps freed pages at once;
  // a plain major collection shrinks the heap but leaves RSS up until the memory reducer runs).
  gc({ type: 'major', execution: 'sync', flavor: 'last-resort' })
}
