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

export { DEFAULT_DETACH_KEYS, DetachScanner, parseDetachKeys } from '../lib/detach-keys.ts'
