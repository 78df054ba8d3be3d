// Reads conmon's sync pipe (`_OCI_SYNCPIPE`): after the runtime's create, conmon writes one JSON
// object, `{"data": <pid>}` on success or `{"data": -1, "message": "<runtime error>"}` on failure.
// conmon keeps its end open while the container lives; the caller closes ours after the message.
import type { Readable } from 'node:stream'

export interface SyncMessage {
  data: number
  message?: string
}

/** Parses the first complete message in `text`; undefined while incomplete. Pure. */
export function parseSyncMessage(text: string): SyncMessage | undefined {
  const trimmed = text.trimStart()
  const end = trimmed.indexOf('\n')
  const candidate = end >= 0 ? trimmed.slice(0, end) : trimmed
  try {
    const value: unknown = JSON.parse(candidate)
    if (typeof value !== 'object' || value === null || !('data' in value)) return undefined
    const { data, message } = value as { data: unknown; message?: unknown }
    if (typeof data !== 'number') return undefined
    return typeof message === 'string' ? { data, message } : { data }
  } catch {
    // Not a whole JSON object yet: wait for more bytes.
    return undefined
  }
}

/** Resolves with the first message, or undefined if the pipe ends (conmon died) first. */
export function readSyncMessage(pipe: Readable, signal?: AbortSignal): Promise<SyncMessage | undefined> {
  return new Promise((resolve, reject) => {
    let text = ''
    const done = (fn: () => void) => {
      pipe.off('data', onData).off('end', onEnd).off('close', onEnd).off('error', onError)
      signal?.removeEventListener('abort', onAbort)
      fn()
    }
    const onData = (chunk: Buffer) => {
      text += chunk.toString('utf8')
      const msg = parseSyncMessage(text)
      if (msg !== undefined) done(() => resolve(msg))
    }
    const onEnd = () => done(() => resolve(parseSyncMessage(text)))
    const onError = (err: Error) => done(() => reject(err))
    const onAbort = () => done(() => reject(signal?.reason))
    if (signal?.aborted) return reject(signal.reason)
    signal?.addEventListener('abort', onAbort)
    pipe.on('data', onData).on('end', onEnd).on('close', onEnd).on('error', onError)
  })
}
