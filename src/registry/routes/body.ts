// Reads a request body into memory with a size cap (manifests, token forms; blobs stream).
import type { Readable } from 'node:stream'

/** Past `limit` bytes it stops reading (without destroying the request, so the error reply
 *  can still be sent; app.ts closes the connection) and throws `tooLarge()`. */
export function readLimited(body: Readable, limit: number, tooLarge: () => Error): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    const parts: Buffer[] = []
    let size = 0
    const stop = () => {
      body.off('data', onData)
      body.off('end', onEnd)
      body.off('error', onError)
    }
    const onData = (chunk: Buffer) => {
      size += chunk.length
      if (size > limit) {
        stop()
        body.pause()
        reject(tooLarge())
        return
      }
      parts.push(chunk)
    }
    const onEnd = () => {
      stop()
      resolve(Buffer.concat(parts))
    }
    const onError = (err: Error) => {
      stop()
      reject(err)
    }
    body.on('data', onData)
    body.once('end', onEnd)
    body.once('error', onError)
  })
}
