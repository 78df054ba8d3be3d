// A push parser for the build context tar: chunks go in as they arrive, entries come out with
// their data kept as views of those chunks (no copies) and a sha256 computed on the way. Header
// records (pax, GNU long names) are applied as lib/tar's reader does. Synchronous per chunk: a
// 20 MB context costs one hash pass and no per-entry awaits (the cached-rebuild budget).
import { createHash, type Hash } from 'node:crypto'
import { InvalidArgumentError } from '../../lib/errors.ts'
import { BLOCK, decodeHeader, decodePax, entryTypeOf, padding, type TarHeader } from '../../lib/tar/format.ts'

export interface ReceivedEntry {
  header: TarHeader
  /** File data as views of the received chunks (regular files only). */
  chunks: Buffer[]
  /** sha256 hex of the data ('' for non-files). */
  digest: string
}

type State =
  | { kind: 'header' }
  | { kind: 'data'; left: number; pad: number; entry: ReceivedEntry; hash: Hash }
  | { kind: 'record'; left: number; pad: number; typeflag: string; parts: Buffer[] }
  | { kind: 'skip'; left: number }
  | { kind: 'end' }
  | { kind: 'raw'; chunks: Buffer[]; hash: Hash; size: number }

const META_MAX = 16 * 1024 * 1024

export class TarReceiver {
  readonly #onEntry: (e: ReceivedEntry) => void
  #state: State = { kind: 'header' }
  #head: Buffer[] = []
  #headLen = 0
  #globalPax = new Map<string, Buffer>()
  #pax = new Map<string, Buffer>()
  #longName: string | undefined
  #longLink: string | undefined
  #entries = 0
  readonly #rawName: string | undefined

  /** With `rawName`, a body that is not a tar at all (its first block is no tar header) is taken
   *  as one file of that name: Docker accepts a bare Dockerfile as the build context. */
  constructor(onEntry: (e: ReceivedEntry) => void, opts: { rawName?: string } = {}) {
    this.#onEntry = onEntry
    this.#rawName = opts.rawName
  }

  /** Feeds one chunk. @throws InvalidArgumentError for a malformed archive. */
  push(chunk: Buffer): void {
    let off = 0
    while (off < chunk.length) {
      const st = this.#state
      if (st.kind === 'end') return
      if (st.kind === 'raw') {
        const part = off === 0 ? chunk : chunk.subarray(off)
        st.chunks.push(part)
        st.hash.update(part)
        st.size += part.length
        return
      }
      if (st.kind === 'header') {
        const take = Math.min(BLOCK - this.#headLen, chunk.length - off)
        this.#head.push(chunk.subarray(off, off + take))
        this.#headLen += take
        off += take
        if (this.#headLen === BLOCK) {
          const block = this.#head.length === 1 ? this.#head[0]! : Buffer.concat(this.#head)
          this.#head = []
          this.#headLen = 0
          this.#header(block)
        }
        continue
      }
      const take = Math.min(st.left, chunk.length - off)
      const part = chunk.subarray(off, off + take)
      off += take
      st.left -= take
      if (st.kind === 'data') {
        if (take > 0) {
          st.hash.update(part)
          st.entry.chunks.push(part)
        }
        if (st.left === 0 && st.pad >= 0) {
          st.entry.digest = st.hash.digest('hex')
          this.#emit(st.entry)
          this.#state = st.pad > 0 ? { kind: 'skip', left: st.pad } : { kind: 'header' }
        }
      } else if (st.kind === 'record') {
        if (take > 0) st.parts.push(part)
        if (st.left === 0) {
          this.#record(st.typeflag, Buffer.concat(st.parts))
          this.#state = st.pad > 0 ? { kind: 'skip', left: st.pad } : { kind: 'header' }
        }
      } else if (st.left === 0) this.#state = { kind: 'header' }
    }
  }

  /** @throws InvalidArgumentError when the archive ended mid-entry. */
  end(): void {
    if (this.#state.kind === 'header' && this.#headLen > 0 && this.#entries === 0 && this.#rawName) {
      // Shorter than one tar block: a small Dockerfile.
      this.#toRaw(Buffer.concat(this.#head))
    }
    const st = this.#state
    if (st.kind === 'raw') {
      this.#emit({
        header: rawHeader(this.#rawName!, st.size),
        chunks: st.chunks,
        digest: st.hash.digest('hex'),
      })
      this.#state = { kind: 'end' }
      return
    }
    // The docker CLI's `-f -` rewrite ends the archive right after the last file's data, without
    // padding or end blocks; dockerd accepts that, so a missing tail after a whole entry is fine.
    if (st.kind === 'end' || st.kind === 'skip' || (st.kind === 'header' && this.#headLen === 0)) return
    throw new InvalidArgumentError('archive/tar: unexpected end of archive')
  }

  #emit(e: ReceivedEntry): void {
    this.#entries++
    this.#onEntry(e)
  }

  #toRaw(first: Buffer): void {
    const hash = createHash('sha256').update(first)
    this.#state = { kind: 'raw', chunks: [first], hash, size: first.length }
  }

  #header(block: Buffer): void {
    let raw: ReturnType<typeof decodeHeader>
    try {
      raw = decodeHeader(block)
    } catch (err) {
      if (this.#entries > 0 || !this.#rawName || this.#pax.size > 0) throw err
      this.#toRaw(block)
      return
    }
    if (!raw) {
      this.#state = { kind: 'end' }
      return
    }
    const t = raw.typeflag
    if (t === 'x' || t === 'g' || t === 'L' || t === 'K') {
      if (raw.size > META_MAX) throw new InvalidArgumentError('archive/tar: metadata record too large')
      this.#state = { kind: 'record', left: raw.size, pad: padding(raw.size), typeflag: t, parts: [] }
      if (raw.size === 0) this.#finishEmpty()
      return
    }
    const header: TarHeader = {
      name: this.#longName ?? raw.name,
      type: 'file',
      mode: raw.mode,
      uid: raw.uid,
      gid: raw.gid,
      size: raw.size,
      mtime: raw.mtime,
      linkname: this.#longLink ?? raw.linkname,
      devmajor: raw.devmajor,
      devminor: raw.devminor,
      uname: raw.uname,
      gname: raw.gname,
      xattrs: {},
    }
    applyPax(header, new Map([...this.#globalPax, ...this.#pax]))
    this.#pax = new Map()
    this.#longName = undefined
    this.#longLink = undefined
    const type = entryTypeOf(t)
    const size = type === 'file' || type === undefined ? header.size : 0
    if (type === undefined) {
      this.#state = { kind: 'skip', left: size + padding(size) }
      if (size === 0) this.#state = { kind: 'header' }
      return
    }
    header.type = type
    if (type !== 'file') header.size = 0
    const entry: ReceivedEntry = { header, chunks: [], digest: '' }
    if (type !== 'file') {
      this.#emit(entry)
      return
    }
    this.#state = { kind: 'data', left: size, pad: padding(size), entry, hash: createHash('sha256') }
    if (size === 0) {
      entry.digest = createHash('sha256').digest('hex')
      this.#emit(entry)
      this.#state = { kind: 'header' }
    }
  }

  #finishEmpty(): void {
    const st = this.#state
    if (st.kind !== 'record') return
    this.#record(st.typeflag, Buffer.alloc(0))
    this.#state = { kind: 'header' }
  }

  #record(typeflag: string, data: Buffer): void {
    if (typeflag === 'x') this.#pax = decodePax(data)
    else if (typeflag === 'g') this.#globalPax = new Map([...this.#globalPax, ...decodePax(data)])
    else {
      const s = data.toString('utf8').replace(/\0+$/, '')
      if (typeflag === 'L') this.#longName = s
      else this.#longLink = s
    }
  }
}

function applyPax(h: TarHeader, pax: Map<string, Buffer>): void {
  for (const [k, v] of pax) {
    const s = v.toString('utf8')
    if (k === 'path') h.name = s
    else if (k === 'linkpath') h.linkname = s
    else if (k === 'size') h.size = Number(s)
    else if (k === 'uid') h.uid = Number(s)
    else if (k === 'gid') h.gid = Number(s)
    else if (k === 'mtime') h.mtime = Number(s)
    else if (k.startsWith('SCHILY.xattr.')) h.xattrs[k.slice('SCHILY.xattr.'.length)] = Buffer.from(v)
    else if (k.startsWith('GNU.sparse.'))
      throw new InvalidArgumentError('archive/tar: sparse files are not supported')
  }
  if (!Number.isSafeInteger(h.size) || h.size < 0) throw new InvalidArgumentError('archive/tar: invalid size')
}

function rawHeader(name: string, size: number): TarHeader {
  return {
    name,
    type: 'file',
    mode: 0o644,
    uid: 0,
    gid: 0,
    size,
    mtime: 0,
    linkname: '',
    devmajor: 0,
    devminor: 0,
    xattrs: {},
  }
}
