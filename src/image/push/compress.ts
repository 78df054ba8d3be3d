// Layer compression for push: gzip, as fast as the host allows, deterministic (the same layer
// always gives the same digest on a host). With Debian's igzip (package isal, Intel's ISA-L;
// at level 1 about twice libdeflate's speed, output ~7% larger) a layer of up to WHOLE segments
// is one gzip member that igzip reads from the layer file and writes to the output file itself:
// no byte of it passes through the daemon's heap, and a push's layers run one igzip per core at
// once. A larger layer, or any layer without igzip, is cut into SEGMENT-byte pieces compressed
// independently, at most one per core at once for the whole push (a push's layers share one
// Compressor), and written in order as consecutive gzip members (RFC 1952 allows several; Go's,
// zlib's and Node's readers read them all), so one big layer still uses every core. A piece goes
// through igzip, else Debian's libdeflate-gzip (package libdeflate-tools: about twice zlib's
// speed at level 1), else Node's zlib at level 1 on the thread pool.
import { constants as fsConstants } from 'node:fs'
import { access, type FileHandle, open, rm } from 'node:fs/promises'
import { availableParallelism } from 'node:os'
import { promisify } from 'node:util'
import { constants, gzip } from 'node:zlib'
import { InternalError } from '../../lib/errors.ts'
import { start } from '../../lib/exec.ts'
import { type Digest, Sha256Digester } from '../../oci/index.ts'

/** gzip tools by preference; each writes one gzip member with a zero mtime and no name. */
const TOOLS = {
  igzip: { path: '/usr/bin/igzip', args: ['-1', '-n', '-c'] },
  'libdeflate-gzip': { path: '/usr/bin/libdeflate-gzip', args: ['-1', '-c'] },
} as const
export type GzipTool = keyof typeof TOOLS | 'zlib'
/** Bytes of tar per gzip member: large enough that the per-member cost (a process, a header,
 *  a cold dictionary) is negligible, small enough to spread one layer over every core. */
export const SEGMENT = 32 << 20
/** Layers of up to this many segments go through igzip whole, file to file. */
const WHOLE = 4

export interface CompressedFile {
  digest: Digest
  size: number
}

export class Compressor {
  readonly #limit: number
  readonly #tool: GzipTool
  readonly #segment: number
  #running = 0
  readonly #waiting: Array<() => void> = []

  private constructor(tool: GzipTool, limit: number, segment: number) {
    this.#tool = tool
    this.#limit = limit
    this.#segment = segment
  }

  /** A compressor using `tool` (default: the first installed of igzip, libdeflate-gzip, zlib),
   *  `limit` pieces at once (default: cores), of `segment` bytes (default SEGMENT; a different
   *  size or tool gives different digests). */
  static async create(opts: { limit?: number; tool?: GzipTool; segment?: number } = {}): Promise<Compressor> {
    const tool = opts.tool ?? (await installedTool())
    return new Compressor(tool, Math.max(1, opts.limit ?? availableParallelism()), opts.segment ?? SEGMENT)
  }

  /** The tool this compressor runs. */
  get tool(): GzipTool {
    return this.#tool
  }

  /** gzips the file `src` into the new file `dest` (removed again on failure). */
  async gzipFile(src: string, dest: string): Promise<CompressedFile> {
    const input = await open(src, 'r')
    let output: FileHandle | undefined
    let created = false
    try {
      output = await open(dest, 'wx+', 0o600)
      created = true
      const size = (await input.stat()).size
      if (this.#tool === 'igzip' && size <= WHOLE * this.#segment) {
        const out = output
        await this.#limited(() => fileToFile('igzip', input, out))
        const hashed = await hashFile(out)
        await output.close()
        output = undefined
        return hashed
      }
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
    if (this.#tool === 'zlib') return gzipAsync(data, { level: constants.Z_BEST_SPEED })
    return toolGzip(this.#tool, data)
  }
}

const gzipAsync = promisify(gzip)

/** The first gzip tool installed, else zlib. */
export async function installedTool(): Promise<GzipTool> {
  for (const name of ['igzip', 'libdeflate-gzip'] as const) {
    const ok = await access(TOOLS[name].path, fsConstants.X_OK).then(
      () => true,
      () => false,
    )
    if (ok) return name
  }
  return 'zlib'
}

/** One gzip member from the tool (header mtime 0, no name: deterministic). */
function toolGzip(name: keyof typeof TOOLS, data: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const { path, args } = TOOLS[name]
    const child = start(path, args, { stdio: ['pipe', 'pipe', 'pipe'] })
    const out: Buffer[] = []
    let stderr = ''
    child.stdout?.on('data', (b: Buffer) => out.push(b))
    child.stderr?.on('data', (b: Buffer) => {
      stderr += b.toString()
    })
    child.stdin?.on('error', () => undefined) // EPIPE if the tool died: its exit says why
    child.once('error', (e) => reject(new InternalError(`cannot run ${name}: ${e.message}`, { cause: e })))
    child.once('close', (code, signal) => {
      if (code === 0) resolve(Buffer.concat(out))
      else reject(new InternalError(`${name}: ${stderr.trim() || `exit status ${code ?? signal}`}`))
    })
    child.stdin?.end(data)
  })
}

/** Runs the tool with `input` as its stdin and `output` as its stdout (one gzip member). */
function fileToFile(name: keyof typeof TOOLS, input: FileHandle, output: FileHandle): Promise<void> {
  return new Promise((resolve, reject) => {
    const { path, args } = TOOLS[name]
    const child = start(path, args, { stdio: [input.fd, output.fd, 'pipe'] })
    let stderr = ''
    child.stderr?.on('data', (b: Buffer) => {
      stderr += b.toString()
    })
    child.once('error', (e) => reject(new InternalError(`cannot run ${name}: ${e.message}`, { cause: e })))
    child.once('close', (code, signal) => {
      if (code === 0) resolve()
      else reject(new InternalError(`${name}: ${stderr.trim() || `exit status ${code ?? signal}`}`))
    })
  })
}

/** Digest and size of a whole file, read through one reused buffer (no garbage per chunk). */
async function hashFile(fh: FileHandle): Promise<CompressedFile> {
  const hash = new Sha256Digester()
  const buf = Buffer.allocUnsafe(1 << 20)
  for (let pos = 0; ; ) {
    const { bytesRead } = await fh.read(buf, 0, buf.length, pos)
    if (bytesRead === 0) break
    hash.update(buf.subarray(0, bytesRead))
    pos += bytesRead
  }
  return { digest: hash.digest(), size: hash.size }
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
