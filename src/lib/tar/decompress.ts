// Detects gzip/zstd/xz/bzip2/plain by magic bytes and returns the decompressed stream. gzip and
// zstd use Node's zlib; xz and bzip2 (which Docker also accepts, and Node lacks) go through
// Debian's `xz` and `bzip2` tools as a pipe.
import { PassThrough, Readable } from 'node:stream'
import { createGunzip, createZstdDecompress } from 'node:zlib'
import { InvalidArgumentError } from '../errors.ts'
import { start } from '../exec.ts'

export type Compression = 'none' | 'gzip' | 'zstd' | 'xz' | 'bzip2'

const GZIP = Buffer.from([0x1f, 0x8b])
const ZSTD = Buffer.from([0x28, 0xb5, 0x2f, 0xfd])
const BZIP2 = Buffer.from('BZh')
const XZ = Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00])

export function detectCompression(head: Buffer): Compression {
  if (head.subarray(0, 2).equals(GZIP)) return 'gzip'
  if (head.subarray(0, 4).equals(ZSTD)) return 'zstd'
  if (head.subarray(0, 6).equals(XZ)) return 'xz'
  if (head.subarray(0, 3).equals(BZIP2)) return 'bzip2'
  return 'none'
}

/** `c` as a Buffer without copying it. */
function view(c: Uint8Array): Buffer {
  return Buffer.isBuffer(c) ? c : Buffer.from(c.buffer, c.byteOffset, c.byteLength)
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
    const b = view(r.value)
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
        yield view(r.value)
      }
    })(),
    { objectMode: false },
  )
  if (compression === 'none') return { stream: raw, compression }
  if (compression === 'xz' || compression === 'bzip2')
    return { stream: throughTool(compression, raw), compression }
  // Larger output chunks than zlib's 16 KiB: fewer round trips through the event loop and fewer,
  // larger writes downstream (a layer pull is bound by them).
  const opts = { chunkSize: 256 * 1024 }
  const dec = compression === 'gzip' ? createGunzip(opts) : createZstdDecompress(opts)
  raw.on('error', (e) => dec.destroy(e))
  dec.on('close', () => raw.destroy())
  raw.pipe(dec)
  return { stream: dec, compression }
}

/** `xz -dc` / `bzip2 -dc` as a stream: a failure of the tool (bad data) is an error of the
 *  returned stream; destroying the stream ends the tool. */
function throughTool(tool: 'xz' | 'bzip2', raw: Readable): Readable {
  const child = start(tool, ['-dc'], { stdio: ['pipe', 'pipe', 'pipe'] })
  const out = new PassThrough()
  let stderr = ''
  let exited = false
  child.stderr?.on('data', (c: Buffer) => {
    stderr += c.toString()
  })
  child.stdin?.on('error', () => undefined) // EPIPE when the tool stops reading early: its exit says why
  raw.on('error', (e) => out.destroy(e))
  raw.pipe(child.stdin as NodeJS.WritableStream)
  child.stdout?.pipe(out, { end: false })
  child.once('error', (e) => out.destroy(new InvalidArgumentError(`cannot run ${tool}: ${e.message}`)))
  child.once('close', (code) => {
    exited = true
    if (code === 0) out.end()
    else out.destroy(new InvalidArgumentError(`${tool}: ${stderr.trim() || `exit status ${code}`}`))
  })
  out.once('close', () => {
    raw.destroy()
    if (!exited) child.kill()
  })
  return out
}
