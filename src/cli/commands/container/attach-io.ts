// Wiring a hijacked attach connection to the terminal: output demultiplexed (or raw with a TTY)
// to stdout/stderr, stdin forwarded and half-closed at EOF, as docker's hijack handling does.
import type { AttachResult } from '../../../client/index.ts'
import { demultiplex } from '../../../client/index.ts'
import type { CliContext } from '../../context.ts'

/** Resolves when the container's output ends. */
export async function pumpAttach(
  ctx: CliContext,
  conn: AttachResult,
  opts: { stdin: boolean },
): Promise<void> {
  const { socket } = conn
  if (opts.stdin) {
    ctx.stdin.on('data', (chunk: Buffer) => socket.write(chunk))
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
  } finally {
    if (opts.stdin) {
      ctx.stdin.removeAllListeners('data')
      ctx.stdin.pause()
    }
    socket.destroy()
  }
}
