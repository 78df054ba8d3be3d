// The persisted, bounded event log behind `/events?since=`: events are appended as JSON lines
// to one file (batched: one write per tick, no fsync: losing the last few events in a crash is
// acceptable, corrupting older ones is not), and when the file holds twice the bound it is
// rewritten atomically with the newest `max` events. At start the newest `max` are read back,
// so a restarted daemon still replays what happened before. A torn last line is skipped.
import { appendFile, readFile } from 'node:fs/promises'
import { isNotFound } from '../lib/errors.ts'
import { writeFileAtomic } from '../lib/fs-atomic.ts'
import type { EngineEvent } from './event-bus.ts'

export class EventLog {
  readonly #path: string
  readonly #max: number
  #pending: string[] = []
  #lines = 0
  #tail: EngineEvent[] = []
  #flushing: Promise<void> = Promise.resolve()

  constructor(path: string, max: number) {
    this.#path = path
    this.#max = max
  }

  /** The newest `max` events on disk, oldest first. */
  async load(): Promise<EngineEvent[]> {
    let text = ''
    try {
      text = await readFile(this.#path, 'utf8')
    } catch (err) {
      if (!isNotFound(err)) throw err
    }
    const events: EngineEvent[] = []
    for (const line of text.split('\n')) {
      if (line === '') continue
      try {
        events.push(JSON.parse(line) as EngineEvent)
      } catch {
        // A line cut by a crash mid-write: the events before it are intact.
      }
    }
    this.#lines = events.length
    this.#tail = events.slice(-this.#max)
    // A torn last line would swallow the next append: start again from the intact events.
    if (text !== '' && !text.endsWith('\n')) {
      await writeFileAtomic(this.#path, this.#tail.map((e) => `${JSON.stringify(e)}\n`).join(''), 0o600)
      this.#lines = this.#tail.length
    }
    return [...this.#tail]
  }

  append(e: EngineEvent): void {
    this.#tail.push(e)
    if (this.#tail.length > this.#max) this.#tail.shift()
    this.#pending.push(`${JSON.stringify(e)}\n`)
    if (this.#pending.length === 1) this.#flushing = this.#flushing.then(() => this.#flush())
  }

  /** Resolves once everything appended so far is written. */
  flush(): Promise<void> {
    return this.#flushing
  }

  async #flush(): Promise<void> {
    const batch = this.#pending
    this.#pending = []
    if (batch.length === 0) return
    try {
      this.#lines += batch.length
      if (this.#lines >= 2 * this.#max) {
        await writeFileAtomic(this.#path, this.#tail.map((e) => `${JSON.stringify(e)}\n`).join(''), 0o600)
        this.#lines = this.#tail.length
      } else {
        await appendFile(this.#path, batch.join(''), { mode: 0o600 })
      }
    } catch {
      // The log is a convenience for `since`: a full disk must not stop the daemon's events.
    }
  }
}
