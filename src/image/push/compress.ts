// Layer compression for push: gzip, as fast as the host allows. The layer tar is cut into
// SEGMENT-byte pieces compressed independently, at most one per core at once for the whole push
// (a push's layers share one Compressor), and written in order as consecutive gzip members: a
// valid gzip stream (RFC 1952 allows several members; Go's, zlib's and Node's readers read them
// all) and deterministic, so the same layer always gives the same digest on a host. Each piece
// goes through Debian's libdeflate-gzip (package libdeflate-tools) when it is installed: at
// level 1 about twice zlib's speed on binaries, with smaller output; else Node's zlib at level 1
// on the thread pool.
import { constants as fsConstants } from 'node:fs'
import { access, type FileHandle, open, rm } from 'node:fs/promises'
import { availableParallelism } from 'node:os'
import { promisify } from 'node:util'
import { constants, gzip } from 'node:zlib'
import { InternalError } from '../../lib/errors.ts'
import { start } from '../../lib/exec.ts'
import { type Digest, Sha256Digester } from '../../oci/index.ts'

const LIBDEFLATE_GZIP = '/usr/bin/libdeflate-gzip'
/** Bytes of tar per gzip member: large enough that the per-member cost (a process, a header,
 *  a cold dictionary) is negligible, small enough to spread one layer over every core. */
export const SEGMENT = 32 << 20

export interface CompressedFile {
  digest: Digest
  size: number
}

export class Compressor {
  readonly #limit: number
  readonly #tool: boolean
  readonly #segment: number
  #running = 0
  readonly #waiting: Array<() => void> = []

  private constructor(tool: boolean, limit: number, segment: number) {
    this.#tool = tool
    this.#limit = limit
    this.#segment = segment
  }

  /** A compressor using libdeflate-gzip when present, `limit` pieces at once (default: cores),
   *  of `segment` bytes (default SEGMENT; a different size gives different digests). */
  static async create(opts: { limit?: number; tool?: boolean; segment?: number } = {}): Promise<Compressor> {
    const tool =
      opts.tool ??
      (await access(LIBDEFLATE_GZIP, fsConstants.X_OK).then(
        () => true,
        () => false,
      ))
    return new Compressor(tool, Math.max(1, opts.limit ?? availableParallelism()), opts.segment ?? SEGMENT)
  }

  /** gzips the file `src` into the new file `dest` (removed again on failure). */
  async gzipFile(src: string, dest: string): Promise<CompressedFile> {
    const input = await open(src, 'r')
    let output: FileHandle | undefined
    let created = false
    try {
      output = await open(dest, 'wx', 0o600)
      created = true
      const size = (await input.stat()).size
      const seg = this.#segment
      const count = Math.max(1, Math.ceil(size / seg))
      const hash = new Sha256Digester()
      const jobs: Array<Promise<Buffer> | undefined> = []
      let launched = 0
      const launch = () => {
        const k = launched++
        const job = this.#limited(async () => {
          const offset = k * seg
          return this.#deflate(await readAt(input, offset, Math.min(seg, size - offset)))
        })
        job.catch(() => undefined) // awaited in order below; this only keeps it from being "unhandled"
        jobs[k] = job
      }
      for (let k = 0; k < count; k++) {
        // Read ahead by the concurrency limit, so every core has a piece while one is written.
        while (launched < count && launched <= k + this.#limit) launch()
        const piece = await jobs[k]!
        jobs[k] = undefined
        hash.update(piece)
        await writeAll(output, piece)
      }
      await output.close()
      output = undefined
      return { digest: hash.digest(), size: hash.size }
    } catch (err) {
      await output?.close().catch(() => undefined)
      if (created) await rm(dest, { force: true })
      throw err
    } finally {
      await input.close()
    }
  }

  async #limited<T>(fn: () => Promise<T>): Promise<T> {
    while (this.#running >= this.#limit) await new Promise<void>((resolve) => this.#waiting.push(resolve))
    this.#running++
    try {
      return await fn()
    } finally {
      this.#running--
      this.#waiting.shift()?.()
    }
  }

  #deflate(data: Buffer): Promise<Buffer> {
    if (!this.#tool) return gzipAsync(data, { level: constants.Z_BEST_SPEED })
    return toolGzip(data)
  }
}

const gzipAsync = promisify(gzip)

/** One gzip member from `libdeflate-gzip -1 -c` (header mtime 0: deterministic). */
function toolGzip(data: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = start(LIBDEFLATE_GZIP, ['-1', '-c'], { stdio: ['pipe', 'pipe', 'pipe'] })
    const out: Buffer[] = []
    let stderr = ''
    child.stdout?.on('data', (b: Buffer) => out.push(b))
    child.stderr?.on('data', (b: Buffer) => {
      stderr += b.toString()
    })
    child.stdin?.on('error', () => undefined) // EPIPE if the tool died: its exit says why
    child.once('error', (e) =>
      reject(new InternalError(`cannot run libdeflate-gzip: ${e.message}`, { cause: e })),
    )
    child.once('close', (code, signal) => {
      if (code === 0) resolve(Buffer.concat(out))
      else reject(new InternalError(`libdeflate-gzip: ${stderr.trim() || `exit status ${code ?? signal}`}`))
    })
    child.stdin?.end(data)
  })
}

async function readAt(fh: FileHandle, offset: number, length: number): Promise<Buffer> {
  const buf = Buffer.allocUnsafe(length)
  let got = 0
  while (got < length) {
    const { bytesRead } = await fh.read(buf, got, length - got, offset + got)
    if (bytesRead === 0) throw new InternalError('layer file shrank while it was being compressed')
    got += bytesRead
  }
  return buf
}

async function writeAll(fh: FileHandle, data: Buffer): Promise<void> {
  let off = 0
  while (off < data.length) off += (await fh.write(data, off, data.length - off)).bytesWritten
}
