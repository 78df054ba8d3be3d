// Wiring a hijacked attach or exec connection to the terminal: output demultiplexed (or raw with
// a TTY) to stdout/stderr, stdin forwarded and half-closed at EOF, as docker's hijack handling
// does. With a TTY: raw mode for the session, the window size sent at start and on every
// change, and the detach keys (ctrl-p,ctrl-q unless overridden) ending the session.
import type { AttachResult } from '../../../client/index.ts'
import { demultiplex } from '../../../client/index.ts'
import type { CliContext } from '../../context.ts'
import { DEFAULT_DETACH_KEYS, DetachScanner, parseDetachKeys, type TerminalSize } from '../../terminal.ts'

export interface PumpOptions {
  stdin: boolean
  /** The session has a TTY: raw terminal, resizes, detach keys. */
  tty?: boolean
  detachKeys?: string
  /** Sends the terminal size to the daemon (container or exec resize). */
  resize?: (size: TerminalSize) => Promise<void>
}

export interface PumpResult {
  /** The user typed the detach keys: the container (or exec) keeps running. */
  detached: boolean
}

/** Resolves when the output ends or the user detaches. */
export async function pumpAttach(
  ctx: CliContext,
  conn: AttachResult,
  opts: PumpOptions,
): Promise<PumpResult> {
  const { socket } = conn
  const term = opts.tty ? ctx.terminal : undefined
  const cleanups: Array<() => void> = []
  let detached = false
  if (term && opts.stdin) {
    term.setRaw(true)
    cleanups.push(() => term.setRaw(false))
  }
  if (term && opts.resize) cleanups.push(monitorSize(term, opts.resize))
  if (opts.stdin) {
    // docker proxies the escape sequence only on a TTY; without one the bytes go through.
    const scanner = new DetachScanner(
      opts.tty ? parseDetachKeys(opts.detachKeys || DEFAULT_DETACH_KEYS) : Buffer.alloc(0),
    )
    ctx.stdin.on('data', (chunk: Buffer) => {
      const { forward, detach } = scanner.push(Buffer.from(chunk))
      if (forward.length > 0) socket.write(forward)
      if (detach) {
        detached = true
        socket.destroy()
      }
    })
    // Half-close so the container sees EOF on its stdin but we keep reading its output.
    ctx.stdin.once('end', () => socket.end())
    ctx.stdin.resume()
  }
  try {
    if (conn.multiplexed) {
      await demultiplex(socket, { stdout: ctx.out.stream, stderr: ctx.err.stream })
    } else {
      for await (const chunk of socket) ctx.out.write(chunk as Buffer)
    }
  } catch (err) {
    // Destroying the socket on detach ends the read with an error; anything else is real.
    if (!detached) throw err
  } finally {
    for (const c of cleanups.reverse()) c()
    if (opts.stdin) {
      ctx.stdin.removeAllListeners('data')
      ctx.stdin.pause()
    }
    socket.destroy()
  }
  return { detached }
}

/** Sends the size now and on every change (docker's MonitorTtySize); returns the stop function. */
function monitorSize(
  term: NonNullable<CliContext['terminal']>,
  resize: (size: TerminalSize) => Promise<void>,
): () => void {
  const send = () => {
    const size = term.size()
    // A failed resize (process just exited) is not worth failing the session for.
    if (size) resize(size).catch(() => undefined)
  }
  send()
  return term.onResize(send)
}
