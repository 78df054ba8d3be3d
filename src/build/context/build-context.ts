// The build context as the daemon receives it: a tar (plain or gzip) read once, each file hashed
// while it streams in, kept in memory (spilled to a temporary directory past a budget). Paths are
// cleaned and `..` rejected; symlinks are recorded, never followed while reading, and resolved
// later only inside the context (Docker's FollowSymlinkInScope). Does not apply .dockerignore
// itself (see `remove`) and does not know about Dockerfile instructions.
import { createReadStream } from 'node:fs'
import { chmod, mkdir, open, readFile, rm, symlink, writeFile } from 'node:fs/promises'
import { join, posix } from 'node:path'
import { Readable } from 'node:stream'
import { createGunzip, type Gunzip } from 'node:zlib'
import { InvalidArgumentError } from '../../lib/errors.ts'
import { cleanEntryName, decompress } from '../../lib/tar/index.ts'
import { type ReceivedEntry, TarReceiver } from './tar-receiver.ts'

export interface ContextFile {
  /** Clean relative path ('' is the context root). */
  path: string
  type: 'file' | 'directory' | 'symlink'
  /** Permission bits (with setuid/setgid/sticky). */
  mode: number
  uid: number
  gid: number
  /** Seconds since the epoch. */
  mtime: number
  linkname: string
  size: number
  /** sha256 hex of the content (files only; '' otherwise). */
  digest: string
  /** Content in memory, as views of the received chunks. */
  chunks?: Buffer[]
  spill?: string
}

export interface ReceiveOptions {
  /** Directory for file data past the memory budget (created on demand, removed by dispose). */
  spillDir: string
  /** A body that is not a tar is taken as one file of this name (Docker's `build - < Dockerfile`). */
  rawName?: string
  /** Bytes of file data kept in memory; default 256 MiB. */
  memoryBudget?: number
  signal?: AbortSignal
}

const MAX_LINKS = 255

export class BuildContext {
  readonly #files = new Map<string, ContextFile>()
  readonly #children = new Map<string, Set<string>>()
  readonly #spillDir: string
  #materialized: string | undefined

  private constructor(spillDir: string) {
    this.#spillDir = spillDir
    this.#files.set('', dirEntry(''))
  }

  /** Reads a context tar (plain or gzip). @throws InvalidArgumentError for a malformed archive
   *  or a path escaping the context. */
  static async receive(src: AsyncIterable<Uint8Array>, opts: ReceiveOptions): Promise<BuildContext> {
    const ctx = new BuildContext(opts.spillDir)
    const budget = opts.memoryBudget ?? 256 * 1024 * 1024
    let inMemory = 0
    let spilled = 0
    let writes: Promise<void> = Promise.resolve()
    const onEntry = (e: ReceivedEntry) => {
      const h = e.header
      const path = cleanEntryName(h.name)
      if (path === '') return
      const base = { path, mode: h.mode & 0o7777, uid: h.uid, gid: h.gid, mtime: h.mtime, digest: '' }
      if (h.type === 'directory') ctx.#add({ ...base, type: 'directory', linkname: '', size: 0 })
      else if (h.type === 'symlink') ctx.#add({ ...base, type: 'symlink', linkname: h.linkname, size: 0 })
      else if (h.type === 'link') {
        const target = ctx.#files.get(cleanEntryName(h.linkname))
        if (target?.type !== 'file') throw new InvalidArgumentError(`invalid hardlink in context: ${h.name}`)
        ctx.#add({ ...target, ...base, digest: target.digest, size: target.size })
      } else if (h.type === 'file') {
        const f: ContextFile = { ...base, type: 'file', linkname: '', size: h.size, digest: e.digest }
        if (inMemory + h.size <= budget) {
          f.chunks = e.chunks
          inMemory += h.size
        } else {
          const spill = join(opts.spillDir, String(spilled++))
          f.spill = spill
          writes = writes.then(async () => {
            await mkdir(opts.spillDir, { recursive: true })
            await writeFile(spill, e.chunks)
          })
        }
        ctx.#add(f)
      }
      // Devices and fifos have no place in a build context: skipped, as Docker's COPY does.
    }
    const parser = new TarReceiver(onEntry, { rawName: opts.rawName })
    if (src instanceof Readable) await consumeReadable(src, parser, () => writes, opts.signal)
    else
      for await (const c of await plainTar(src)) {
        opts.signal?.throwIfAborted()
        parser.push(Buffer.isBuffer(c) ? c : Buffer.from(c))
        await writes
      }
    parser.end()
    await writes
    return ctx
  }

  #add(f: ContextFile): void {
    this.#ensureParents(f.path)
    const old = this.#files.get(f.path)
    if (old?.type === 'directory' && f.type !== 'directory') this.remove(f.path)
    this.#files.set(f.path, f)
    this.#childSet(parentOf(f.path)).add(baseOf(f.path))
  }

  #ensureParents(path: string): void {
    const parent = parentOf(path)
    if (parent === '' || this.#files.get(parent)?.type === 'directory') return
    this.#ensureParents(parent)
    this.#files.set(parent, dirEntry(parent))
    this.#childSet(parentOf(parent)).add(baseOf(parent))
  }

  #childSet(dir: string): Set<string> {
    let s = this.#children.get(dir)
    if (!s) {
      s = new Set()
      this.#children.set(dir, s)
    }
    return s
  }

  /** The entry at exactly `path` (no symlink resolution). */
  get(path: string): ContextFile | undefined {
    return this.#files.get(clean(path))
  }

  /** Removes an entry and everything below it (.dockerignore'd paths). */
  remove(path: string): void {
    const p = clean(path)
    if (p === '') return
    for (const c of this.#children.get(p) ?? []) this.remove(p === '' ? c : `${p}/${c}`)
    this.#children.delete(p)
    this.#files.delete(p)
    this.#children.get(parentOf(p))?.delete(baseOf(p))
  }

  /** Names directly below directory `dir`, sorted. */
  children(dir: string): string[] {
    return [...(this.#children.get(clean(dir)) ?? [])].sort()
  }

  /** Every path, sorted (the root '' excluded). */
  paths(): string[] {
    return [...this.#files.keys()].filter((p) => p !== '').sort()
  }

  /** Entry and descendants of `path` in walk order (parents before children, names sorted). */
  *walk(path: string): Generator<ContextFile> {
    const f = this.#files.get(clean(path))
    if (!f) return
    yield f
    if (f.type !== 'directory') return
    for (const name of this.children(f.path)) yield* this.walk(f.path === '' ? name : `${f.path}/${name}`)
  }

  /** Resolves `path` inside the context, following symlinks in every component (the last one
   *  too unless `followLast` is false); absolute link targets are taken relative to the context
   *  root and `..` never climbs above it. Returns the resolved clean path. */
  resolve(path: string, opts: { followLast?: boolean } = {}): string {
    const followLast = opts.followLast ?? true
    let todo = clean(path).split('/').filter(Boolean)
    let done: string[] = []
    let links = 0
    while (todo.length > 0) {
      const part = todo.shift()!
      if (part === '..') {
        done.pop()
        continue
      }
      const cur = [...done, part].join('/')
      const f = this.#files.get(cur)
      if (f?.type === 'symlink' && (todo.length > 0 || followLast)) {
        if (++links > MAX_LINKS) throw new InvalidArgumentError(`too many links in context path ${path}`)
        const target = f.linkname.split('/').filter((x) => x !== '' && x !== '.')
        if (f.linkname.startsWith('/')) done = []
        todo = [...target, ...todo]
        continue
      }
      done.push(part)
    }
    return done.join('/')
  }

  /** A file's content. */
  async read(f: ContextFile): Promise<Buffer> {
    if (f.chunks) return f.chunks.length === 1 ? f.chunks[0]! : Buffer.concat(f.chunks)
    if (f.spill) return readFile(f.spill)
    return Buffer.alloc(0)
  }

  /** A file's content as chunks (for tar packing without copying). */
  stream(f: ContextFile): AsyncIterable<Uint8Array> | Iterable<Uint8Array> {
    if (f.chunks) return f.chunks
    if (f.spill) return createReadStream(f.spill) as Readable
    return []
  }

  /** The context written out as a directory (once, for bind mounts); removed by dispose(). */
  async materialize(): Promise<string> {
    if (this.#materialized) return this.#materialized
    const root = join(this.#spillDir, 'tree')
    await rm(root, { recursive: true, force: true })
    await mkdir(root, { recursive: true, mode: 0o755 })
    const dirs: ContextFile[] = []
    for (const f of this.walk('')) {
      if (f.path === '') continue
      const abs = join(root, f.path)
      if (f.type === 'directory') {
        await mkdir(abs, { mode: 0o755 })
        dirs.push(f)
      } else if (f.type === 'symlink') await symlink(f.linkname, abs)
      else {
        const fh = await open(abs, 'wx', f.mode)
        try {
          await fh.writeFile(await this.read(f))
          await fh.chmod(f.mode)
        } finally {
          await fh.close()
        }
      }
    }
    // Modes last, deepest first: a read-only directory must not block writing its children.
    for (const d of dirs.reverse()) await chmod(join(root, d.path), d.mode)
    this.#materialized = root
    return root
  }

  async dispose(): Promise<void> {
    await rm(this.#spillDir, { recursive: true, force: true })
  }
}

function dirEntry(path: string): ContextFile {
  return { path, type: 'directory', mode: 0o755, uid: 0, gid: 0, mtime: 0, linkname: '', size: 0, digest: '' }
}

function clean(p: string): string {
  const n = posix.normalize(`/${p}`).slice(1)
  return n.endsWith('/') ? n.slice(0, -1) : n
}

function parentOf(p: string): string {
  const i = p.lastIndexOf('/')
  return i === -1 ? '' : p.slice(0, i)
}

function baseOf(p: string): string {
  return p.slice(p.lastIndexOf('/') + 1)
}

/** Feeds a stream to the parser from 'data' events: one synchronous push per chunk (a 20 MB
 *  upload arrives in ~1,000 chunks; an async iteration per chunk costs more than parsing it).
 *  Pauses while spilled files are written; gunzips when the first bytes are gzip's magic. */
function consumeReadable(
  src: Readable,
  parser: TarReceiver,
  pendingWrites: () => Promise<void>,
  signal: AbortSignal | undefined,
): Promise<void> {
  return new Promise((resolve, reject) => {
    let gz: Gunzip | null | undefined
    let lastWrites: Promise<void> | undefined
    let settled = false
    const finish = (err?: unknown) => {
      if (settled) return
      settled = true
      src.off('data', onData)
      src.off('end', onEnd)
      src.off('error', finish)
      signal?.removeEventListener('abort', onAbort)
      if (err === undefined) resolve()
      else {
        src.resume()
        reject(err)
      }
    }
    const feed = (c: Buffer) => {
      if (settled) return
      try {
        parser.push(c)
      } catch (err) {
        finish(err)
        return
      }
      const w = pendingWrites()
      if (w !== lastWrites) {
        lastWrites = w
        src.pause()
        w.then(() => src.resume(), finish)
      }
    }
    const onData = (c: Buffer) => {
      if (gz === undefined) {
        gz = c[0] === 0x1f && c[1] === 0x8b ? createGunzip() : null
        if (gz) {
          gz.on('data', feed)
          gz.on('end', () => finish())
          gz.on('error', (e) =>
            finish(new InvalidArgumentError(`invalid gzip context: ${e.message}`, { cause: e })),
          )
        }
      }
      if (gz) gz.write(c)
      else feed(c)
    }
    const onEnd = () => (gz ? gz.end() : finish())
    const onAbort = () => finish(signal?.reason ?? new Error('aborted'))
    if (signal?.aborted) return onAbort()
    signal?.addEventListener('abort', onAbort, { once: true })
    src.on('data', onData)
    src.on('end', onEnd)
    src.on('error', finish)
  })
}

/** The context's tar bytes: `src` itself, or gunzipped when it starts with gzip's magic. */
async function plainTar(src: AsyncIterable<Uint8Array>): Promise<AsyncIterable<Uint8Array>> {
  const it = src[Symbol.asyncIterator]()
  const first = await it.next()
  const rest: AsyncIterable<Uint8Array> = {
    [Symbol.asyncIterator]: () => {
      let pending: IteratorResult<Uint8Array> | undefined = first
      return {
        next: async () => {
          if (pending) {
            const p = pending
            pending = undefined
            return p
          }
          return it.next()
        },
        return: async () => (await it.return?.()) ?? { done: true, value: undefined },
      }
    },
  }
  const head = first.done ? undefined : first.value
  if (head && head[0] === 0x1f && head[1] === 0x8b) return (await decompress(rest)).stream
  return rest
}
