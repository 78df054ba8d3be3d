// The controlling terminal, for commands that attach with a TTY: raw mode, window size and
// resize notifications (SIGWINCH, surfaced by Node as stdout's 'resize'). Also docker's
// detach-key parsing ("ctrl-p,ctrl-q"). Tests inject their own Terminal or none.
import type { Readable, Writable } from 'node:stream'

export interface TerminalSize {
  height: number
  width: number
}

export interface Terminal {
  /** Raw mode on stdin: no echo, no line editing, ctrl-c arrives as a byte. */
  setRaw(on: boolean): void
  size(): TerminalSize | undefined
  /** Calls `listener` on every window size change; returns the unsubscribe function. */
  onResize(listener: () => void): () => void
}

interface TtyIn {
  isTTY?: boolean
  setRawMode?: (on: boolean) => unknown
}
interface TtyOut {
  isTTY?: boolean
  columns?: number
  rows?: number
  on?: (event: 'resize', l: () => void) => unknown
  off?: (event: 'resize', l: () => void) => unknown
}

/** The terminal behind `stdin`/`stdout`, or undefined when stdin is not one. */
export function terminalOf(stdin: Readable, stdout: Writable): Terminal | undefined {
  const input = stdin as unknown as TtyIn
  const output = stdout as unknown as TtyOut
  if (input.isTTY !== true || typeof input.setRawMode !== 'function') return undefined
  return {
    setRaw: (on) => void input.setRawMode?.(on),
    size: () =>
      output.isTTY && output.rows && output.columns
        ? { height: output.rows, width: output.columns }
        : undefined,
    onResize: (listener) => {
      output.on?.('resize', listener)
      return () => void output.off?.('resize', listener)
    },
  }
}

export const DEFAULT_DETACH_KEYS = 'ctrl-p,ctrl-q'

/** docker's term.ToBytes: "ctrl-p,ctrl-q" → [0x10, 0x11]; single characters stand for themselves.
 *  @throws Error on an unknown key. */
export function parseDetachKeys(keys: string): Buffer {
  const out: number[] = []
  for (const key of keys.split(',')) {
    const k = key.trim()
    if (k.length === 1) {
      out.push(k.charCodeAt(0))
      continue
    }
    const m = /^ctrl-(.)$/i.exec(k)
    if (!m) throw new Error(`Invalid detach keys (${keys}) provided`)
    const c = m[1]!.toLowerCase()
    if (c >= 'a' && c <= 'z') out.push(c.charCodeAt(0) - 96)
    else if ('@[\\]^_'.includes(c)) out.push('@[\\]^_'.indexOf(c) === 0 ? 0 : 26 + '@[\\]^_'.indexOf(c))
    else throw new Error(`Invalid detach keys (${keys}) provided`)
  }
  return Buffer.from(out)
}

/** Scans input for the detach sequence, holding back a partial match (docker's escape proxy). */
export class DetachScanner {
  readonly #keys: Buffer
  #matched = 0

  constructor(keys: Buffer) {
    this.#keys = keys
  }

  /** Bytes to forward now, and whether the sequence was completed (input after it is dropped). */
  push(chunk: Buffer): { forward: Buffer; detach: boolean } {
    if (this.#keys.length === 0) return { forward: chunk, detach: false }
    const out: number[] = []
    for (const b of chunk) {
      if (b === this.#keys[this.#matched]) {
        this.#matched++
        if (this.#matched === this.#keys.length) return { forward: Buffer.from(out), detach: true }
        continue
      }
      // Mismatch: the held-back prefix was ordinary input after all.
      for (let i = 0; i < this.#matched; i++) out.push(this.#keys[i]!)
      this.#matched = 0
      if (b === this.#keys[0]) this.#matched = 1
      else out.push(b)
    }
    return { forward: Buffer.from(out), detach: false }
  }
}
