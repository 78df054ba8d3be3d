// Detects gzip/zstd/plain by magic bytes and returns the decompressed stream. bzip2 and xz
// (which Docker also accepts) are refused rather than shelled out.
import { Readable } from 'node:stream'
import { createGunzip, createZstdDecompress } from 'node:zlib'
import { InvalidArgumentError } from '../errors.ts'

export type Compression = 'none' | 'gzip' | 'zstd'

const GZIP = Buffer.from([0x1f, 0x8b])
const ZSTD = Buffer.from([0x28, 0xb5, 0x2f, 0xfd])
const BZIP2 = Buffer.from('BZh')
const XZ = Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00])

export function detectCompression(head: Buffer): Compression {
  if (head.subarray(0, 2).equals(GZIP)) return 'gzip'
  if (head.subarray(0, 4).equals(ZSTD)) return 'zstd'
  if (head.subarray(0, 6).equals(XZ) || head.subarray(0, 3).equals(BZIP2)) {
    throw new InvalidArgumentError('unsupported compression format (only gzip and zstd are supported)')
  }
  return 'none'
}

/** Peeks at the first bytes of `src` and returns a stream of the uncompressed data.
 *  Errors of `src` and of the decompressor surface on the returned stream. */
export async function decompress(
  src: AsyncIterable<Uint8Array>,
): Promise<{ stream: Readable; compression: Compression }> {
  const it = src[Symbol.asyncIterator]()
  const head: Buffer[] = []
  let len = 0
  let ended = false
  while (len < 6) {
    const r = await it.next()
    if (r.done) {
      ended = true
      break
    }
    const b = Buffer.from(r.value)
    head.push(b)
    len += b.length
  }
  const first = Buffer.concat(head)
  const compression = detectCompression(first)
  const raw = Readable.from(
    (async function* () {
      if (first.length > 0) yield first
      if (ended) return
      for (;;) {
        const r = await it.next()
        if (r.done) return
        yield Buffer.from(r.value)
      }
    })(),
    { objectMode: false },
  )
  if (compression === 'none') return { stream: raw, compression }
  const dec = compression === 'gzip' ? createGunzip() : createZstdDecompress()
  raw.on('error', (e) => dec.destroy(e))
  dec.on('close', () => raw.destroy())
  raw.pipe(dec)
  return { stream: dec, compression }
}
