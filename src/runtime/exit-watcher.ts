// Watches conmon's shared exit directory with inotify (fs.watch) and tells listeners which
// container's exit file appeared. conmon writes each file by rename, so a `rename` event for a
// name that now exists is an exit. It does not read exit codes: ConmonRuntime.exitStatus does.
import { type FSWatcher, mkdirSync, watch } from 'node:fs'
import { stat } from 'node:fs/promises'
import { join } from 'node:path'
import { messageOf } from '../lib/errors.ts'
import type { Logger } from '../lib/log.ts'
import { isSafeId } from './conmon-paths.ts'

export class ExitWatcher {
  readonly #dir: string
  readonly #log: Logger
  readonly #listeners = new Set<(id: string) => void>()
  #watcher: FSWatcher | undefined

  constructor(dir: string, log: Logger) {
    this.#dir = dir
    this.#log = log
  }

  /** Calls `listener(id)` for each exit file that appears; returns the unsubscribe function. */
  subscribe(listener: (id: string) => void): () => void {
    this.#listeners.add(listener)
    if (this.#watcher === undefined) this.#start()
    return () => {
      this.#listeners.delete(listener)
      if (this.#listeners.size === 0) this.#stop()
    }
  }

  #start(): void {
    mkdirSync(this.#dir, { recursive: true, mode: 0o700 })
    const watcher = watch(this.#dir, { persistent: true }, (_event, filename) => {
      if (typeof filename === 'string' && isSafeId(filename)) void this.#check(filename)
    })
    watcher.on('error', (err) =>
      this.#log.error('exit directory watch failed', { dir: this.#dir, err: messageOf(err) }),
    )
    this.#watcher = watcher
  }

  #stop(): void {
    this.#watcher?.close()
    this.#watcher = undefined
  }

  async #check(id: string): Promise<void> {
    try {
      const st = await stat(join(this.#dir, id))
      if (!st.isFile()) return
    } catch {
      // Gone again (deleted, or a temporary name conmon renamed away): not an exit.
      return
    }
    for (const listener of [...this.#listeners]) {
      try {
        listener(id)
      } catch (err) {
        this.#log.error('exit listener threw', { id, err: messageOf(err) })
      }
    }
  }
}
