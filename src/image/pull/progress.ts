// Docker's JSON progress messages for pull and push: the `progress` bar text (jsonmessage's
// JSONProgress.String: 50 columns, decimal units), a throttle so a fast download does not
// send a message per chunk, and a queue that merges messages from concurrent layer workers
// into one AsyncIterable.
import type { ProgressMessage } from '../image-service-contract.ts'

const UNITS = ['B', 'kB', 'MB', 'GB', 'TB', 'PB']

/** go-units HumanSize: decimal, 4 significant digits ("2.152MB", "527B"). */
export function humanSize(n: number): string {
  let v = n
  let i = 0
  while (v >= 1000 && i < UNITS.length - 1) {
    v /= 1000
    i++
  }
  return `${Number(v.toPrecision(4))}${UNITS[i]}`
}

export function progressBar(current: number, total: number): string {
  if (total <= 0) return humanSize(current).padStart(8)
  const pct = Math.floor(Math.min(current / total, 1) * 100) / 2
  const filled = Math.floor(pct)
  return `[${'='.repeat(filled)}>${' '.repeat(50 - filled)}] ${humanSize(current).padStart(8)}/${humanSize(total)}`
}

export function progressMessage(status: string, id: string, current: number, total: number): ProgressMessage {
  return { status, id, progressDetail: { current, total }, progress: progressBar(current, total) }
}

/** Calls `emit` at most every `ms` (and always for the final value). */
export function throttled(ms: number, emit: (n: number) => void): (n: number, final?: boolean) => void {
  let last = 0
  return (n, final = false) => {
    const now = Date.now()
    if (!final && now - last < ms) return
    last = now
    emit(n)
  }
}

/** A single-consumer queue: producers push, the consumer iterates; end(err) finishes it. */
export class MessageQueue<T> implements AsyncIterable<T> {
  readonly #items: T[] = []
  #wake: (() => void) | undefined
  #done = false
  #error: unknown

  push(item: T): void {
    this.#items.push(item)
    this.#wake?.()
  }

  end(error?: unknown): void {
    this.#done = true
    this.#error = error
    this.#wake?.()
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<T> {
    for (;;) {
      while (this.#items.length > 0) yield this.#items.shift() as T
      if (this.#done) {
        if (this.#error !== undefined) throw this.#error
        return
      }
      await new Promise<void>((r) => {
        this.#wake = r
      })
      this.#wake = undefined
    }
  }
}

/** Runs `tasks` with at most `limit` at once; the first failure aborts `controller` and is
 *  rethrown once every started task has settled (so nothing runs on after the caller fails). */
export async function runLimited(
  tasks: Array<() => Promise<void>>,
  limit: number,
  controller: AbortController,
): Promise<void> {
  let next = 0
  let failure: { err: unknown } | undefined
  const worker = async () => {
    while (next < tasks.length && !failure) {
      const task = tasks[next++]!
      try {
        await task()
      } catch (err) {
        failure ??= { err }
        controller.abort(err)
      }
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, tasks.length)) }, worker))
  if (failure) throw failure.err
}
