// Promises for "the next exit" and "removal" of a container, resolved by the service.
export class Waiters {
  readonly #exit = new Map<string, Array<(code: number) => void>>()
  readonly #removed = new Map<string, Array<(code: number) => void>>()
  readonly #started = new Map<string, Array<(code: number) => void>>()

  /** Resolves with 1 when the container's process starts, 0 if it is removed first. */
  started(id: string): Promise<number> {
    return new Promise((r) => push(this.#started, id, r))
  }

  nextExit(id: string): Promise<number> {
    return new Promise((r) => push(this.#exit, id, r))
  }

  removed(id: string): Promise<number> {
    return new Promise((r) => push(this.#removed, id, r))
  }

  notify(id: string, what: 'exit' | 'removed' | 'started', code: number): void {
    const map = what === 'exit' ? this.#exit : what === 'removed' ? this.#removed : this.#started
    const list = map.get(id) ?? []
    map.delete(id)
    for (const r of list) r(code)
    // Removal also ends every wait for an exit.
    if (what === 'removed') {
      this.notify(id, 'exit', code)
      this.notify(id, 'started', 0)
    }
  }
}

function push(map: Map<string, Array<(code: number) => void>>, id: string, r: (code: number) => void): void {
  const list = map.get(id)
  if (list) list.push(r)
  else map.set(id, [r])
}
