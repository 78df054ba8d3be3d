// docker's jsonmessage display for progress streams (load, import, pull): status/stream lines,
// progress bars only on terminals, and an `error` message ends the stream as an error.
import type { JSONMessage } from '../../api/types/index.ts'
import type { Output } from '../context.ts'

export class JSONMessageError extends Error {}

/** Prints each message as docker does; rejects with the first message carrying `error`. */
export async function displayJSONMessages(
  messages: AsyncIterable<JSONMessage>,
  out: Output,
  isTerminal: boolean,
): Promise<void> {
  for await (const m of messages) {
    if (m.error !== undefined || m.errorDetail?.message !== undefined)
      throw new JSONMessageError(m.errorDetail?.message ?? m.error ?? '')
    const hasProgress =
      m.progressDetail !== undefined &&
      (m.progressDetail.total !== undefined || m.progressDetail.current !== undefined)
    let endl = ''
    if (isTerminal && !m.stream && hasProgress) {
      out.write('\x1b[2K\r')
      endl = '\r'
    } else if (hasProgress && m.progress) continue
    let s = ''
    if (m.id) s += `${m.id}: `
    if (m.from) s += `(from ${m.from}) `
    if (hasProgress && isTerminal) s += `${m.status ?? ''} ${m.progress ?? ''}${endl}`
    else if (m.progress) s += `${m.status ?? ''} ${m.progress}${endl}`
    else if (m.stream) s += `${m.stream}${endl}`
    else s += `${m.status ?? ''}${endl}\n`
    out.write(s)
  }
}
