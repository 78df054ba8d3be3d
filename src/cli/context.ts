// What every CLI verb receives: the API client, stdout/stderr writers, stdin and terminal facts,
// and the clock. Verbs never touch process.*, so tests inject all of it. Also the exit-status error.
import type { Writable } from 'node:stream'
import type { EngineClient } from '../client/index.ts'
import type { Terminal } from './terminal.ts'

/** The client surface verbs use; tests pass a fake implementing the methods they call. */
export type EngineApi = Omit<EngineClient, 'endpoint'>

export interface Output {
  /** Raw writes (container output, tar streams). */
  readonly stream: Writable
  write(chunk: string | Uint8Array): void
  /** Writes `s` and a newline. */
  line(s?: string): void
}

export interface CliContext {
  client: EngineApi
  out: Output
  err: Output
  stdin: NodeJS.ReadableStream
  stdinIsTTY: boolean
  stdoutIsTTY: boolean
  /** The controlling terminal when stdin is one (raw mode, size, resizes). */
  terminal?: Terminal
  env: NodeJS.ProcessEnv
  now: () => Date
  /** The endpoint URL, for messages ("Cannot connect to … at <host>"). */
  host: string
}

export function outputOf(stream: Writable): Output {
  return {
    stream,
    write: (chunk) => {
      stream.write(chunk)
    },
    line: (s = '') => {
      stream.write(`${s}\n`)
    },
  }
}

/**
 * Ends the command with `status`; `message` (if any) goes to stderr as-is. Docker's StatusError:
 * 125 daemon/CLI error for run/create, 126 cannot invoke, 127 not found, else the container's code.
 */
export class StatusError extends Error {
  readonly status: number
  constructor(status: number, message = '') {
    super(message)
    this.status = status
  }
}
