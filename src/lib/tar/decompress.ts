// Detects gzip/zstd/xz/bzip2/plain by magic bytes and returns the decompressed stream. gzip and
// zstd use Node's zlib; xz and bzip2 (which Docker also accepts, and Node lacks) go through
// Debian's `xz` and `bzip2` tools as a pipe. gunzipToFd decompresses a large gzip stream (an image
// layer) with Debian's igzip (package isal: about 2.5 times Node's zlib) straight into a file.
import { existsSync } from 'node:fs'
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

const IGZIP = '/usr/bin/igzip'
let igzipInstalled: boolean | undefined

/** Whether gzip can go through igzip (checked once per process). */
export function hasIgzip(): boolean {
  igzipInstalled ??= existsSync(IGZIP)
  return igzipInstalled
}

/** Peeks at the first bytes of `src`: its compression, and all of `src` again from its start. */
export async function peekCompression(
  src: AsyncIterable<Uint8Array>,
): Promise<{ compression: Compression; src: AsyncIterable<Buffer> }> {
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
  const replay = async function* () {
    if (first.length > 0) yield first
    if (ended) return
    for (;;) {
      const r = await it.next()
      if (r.done) return
      yield view(r.value)
    }
  }
  return { compression: detectCompression(first), src: replay() }
}

/** Peeks at the first bytes of `src` and returns a stream of the uncompressed data.
 *  Errors of `src` and of the decompressor surface on the returned stream. */
export async function decompress(
  src: AsyncIterable<Uint8Array>,
): Promise<{ stream: Readable; compression: Compression }> {
  const peeked = await peekCompression(src)
  const compression = peeked.compression
  const raw = Readable.from(peeked.src, { objectMode: false })
  if (compression === 'none') return { stream: raw, compression }
  if (compression === 'xz' || compression === 'bzip2')
    return { stream: throughTool(compression, raw), compression }
  // Larger output chunks than zlib's 16 KiB: fewer round trips through the event loop and fewer,
  // larger writes downstream (a layer pull is bound by them).
  const zopts = { chunkSize: 256 * 1024 }
  const dec = compression === 'gzip' ? createGunzip(zopts) : createZstdDecompress(zopts)
  raw.on('error', (e) => dec.destroy(e))
  dec.on('close', () => raw.destroy())
  raw.pipe(dec)
  return { stream: dec, compression }
}

/** Decompresses the gzip stream `src` with igzip (hasIgzip() must be true) straight into the
 *  file descriptor `fd`: igzip writes there itself, so the output never crosses the heap.
 *  Reads `src` to its end in any case; resolves once all of it is written; rejects with the
 *  error of `src` or else of igzip (bad data: InvalidArgumentError), igzip then ended. */
export async function gunzipToFd(src: AsyncIterable<Uint8Array>, fd: number): Promise<void> {
  const child = start(IGZIP, ['-dc'], { stdio: ['pipe', fd, 'pipe'] })
  let stderr = ''
  child.stderr?.on('data', (c: Buffer) => {
    stderr += c.toString()
  })
  const exited = new Promise<void>((resolve, reject) => {
    child.once('error', (e) => reject(new InvalidArgumentError(`cannot run igzip: ${e.message}`)))
    child.once('close', (code) => {
      if (code === 0) resolve()
      else reject(new InvalidArgumentError(`igzip: ${stderr.trim() || `exit status ${code}`}`))
    })
  })
  exited.catch(() => undefined) // awaited below; this only keeps an early failure from being "unhandled"
  const stdin = child.stdin!
  stdin.on('error', () => undefined) // EPIPE when igzip stops reading early: its exit says why
  const gone = exited.then(
    () => 'gone' as const,
    () => 'gone' as const,
  )
  let open = true
  try {
    for await (const c of src) {
      // Once igzip has exited, the rest of `src` is still read to its end (its digest is
      // checked as it is read), only not written.
      if (!open || stdin.write(c)) continue
      const drained = new Promise<'drain'>((resolve) => stdin.once('drain', () => resolve('drain')))
      open = (await Promise.race([drained, gone])) === 'drain'
    }
    stdin.end()
  } catch (err) {
    child.kill()
    await gone
    throw err
  }
  await exited
}

/** `xz -dc` / `bzip2 -dc` as a stream: a failure of the tool (bad data) is an
 *  error of the returned stream; destroying the stream ends the tool. */
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
