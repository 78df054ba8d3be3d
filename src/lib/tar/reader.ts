// Streaming tar reader: yields one entry at a time with a body the caller may read or skip.
// Applies pax (local and global) and GNU long-name records. Does not touch the filesystem.
// Keeps no view of an input chunk beyond the next chunk it asks for (what it keeps longer it
// copies), so a source may recycle a chunk's buffer two chunks later; a body's consumer must
// likewise be done with a chunk before asking for the next but one.
import { InvalidArgumentError } from '../errors.ts'
import { BLOCK, decodeHeader, decodePax, entryTypeOf, padding, type TarHeader } from './format.ts'

export interface TarEntry {
  header: TarHeader
  /** The entry's data; whatever is not read is skipped before the next entry. */
  body: AsyncIterable<Buffer>
}

/** Exact-length reads over an async iterable of chunks. */
class ByteReader {
  readonly #it: AsyncIterator<Uint8Array>
  #buf: Buffer = Buffer.alloc(0)
  #done = false

  constructor(src: AsyncIterable<Uint8Array>) {
    this.#it = src[Symbol.asyncIterator]()
  }

  async #fill(): Promise<boolean> {
    if (this.#done) return false
    const r = await this.#it.next()
    if (r.done) {
      this.#done = true
      return false
    }
    const v = r.value
    const chunk = Buffer.isBuffer(v) ? v : Buffer.from(v.buffer, v.byteOffset, v.byteLength)
    this.#buf = this.#buf.length === 0 ? chunk : Buffer.concat([this.#buf, chunk])
    return true
  }

  /** Exactly n bytes, or undefined at a clean end of input. @throws InvalidArgumentError if truncated. */
  async read(n: number): Promise<Buffer | undefined> {
    while (this.#buf.length < n) {
      if (!(await this.#fill())) {
        if (this.#buf.length === 0) return undefined
        throw new InvalidArgumentError('archive/tar: unexpected end of archive')
      }
    }
    const out = this.#buf.subarray(0, n)
    this.#buf = this.#buf.subarray(n)
    return out
  }

  /** Up to n bytes in chunks as they arrive. */
  async *chunks(n: number): AsyncGenerator<Buffer> {
    let left = n
    while (left > 0) {
      if (this.#buf.length === 0 && !(await this.#fill()))
        throw new InvalidArgumentError('archive/tar: unexpected end of archive')
      const take = Math.min(left, this.#buf.length)
      const out = this.#buf.subarray(0, take)
      this.#buf = this.#buf.subarray(take)
      left -= take
      yield out
    }
  }

  async close(): Promise<void> {
    await this.#it.return?.()
  }
}

async function readAll(r: ByteReader, size: number): Promise<Buffer> {
  if (size > 16 * 1024 * 1024) throw new InvalidArgumentError('archive/tar: metadata record too large')
  const parts: Buffer[] = []
  // Copied: the source may reuse a chunk's buffer once later chunks are asked for.
  for await (const c of r.chunks(size)) parts.push(Buffer.from(c))
  await r.read(padding(size))
  return Buffer.concat(parts)
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
    else if (k === 'uname') h.uname = s
    else if (k === 'gname') h.gname = s
    else if (k.startsWith('SCHILY.xattr.')) h.xattrs[k.slice('SCHILY.xattr.'.length)] = Buffer.from(v)
    else if (k.startsWith('GNU.sparse.'))
      throw new InvalidArgumentError('archive/tar: sparse files are not supported')
  }
  if (!Number.isSafeInteger(h.size) || h.size < 0) throw new InvalidArgumentError('archive/tar: invalid size')
}

/** Reads entries from a tar stream. Unknown entry types are skipped.
 *  @throws InvalidArgumentError for a malformed archive. */
export async function* readTar(src: AsyncIterable<Uint8Array>): AsyncGenerator<TarEntry> {
  const r = new ByteReader(src)
  let globalPax = new Map<string, Buffer>()
  let pax = new Map<string, Buffer>()
  let longName: string | undefined
  let longLink: string | undefined
  try {
    for (;;) {
      const block = await r.read(BLOCK)
      if (!block) return
      const raw = decodeHeader(block)
      if (!raw) return // end-of-archive marker; trailing data is ignored like Go's reader
      if (raw.typeflag === 'x' || raw.typeflag === 'g') {
        const rec = decodePax(await readAll(r, raw.size))
        if (raw.typeflag === 'g') globalPax = new Map([...globalPax, ...rec])
        else pax = rec
        continue
      }
      if (raw.typeflag === 'L' || raw.typeflag === 'K') {
        const s = (await readAll(r, raw.size)).toString('utf8').replace(/\0+$/, '')
        if (raw.typeflag === 'L') longName = s
        else longLink = s
        continue
      }
      const header: TarHeader = {
        name: longName ?? raw.name,
        type: 'file',
        mode: raw.mode,
        uid: raw.uid,
        gid: raw.gid,
        size: raw.size,
        mtime: raw.mtime,
        linkname: longLink ?? raw.linkname,
        devmajor: raw.devmajor,
        devminor: raw.devminor,
        uname: raw.uname,
        gname: raw.gname,
        xattrs: {},
      }
      applyPax(header, new Map([...globalPax, ...pax]))
      pax = new Map()
      longName = undefined
      longLink = undefined
      const type = entryTypeOf(raw.typeflag)
      // Only regular files carry data; a hardlink's size field describes its target.
      const dataSize = type === 'file' || type === undefined ? header.size : 0
      if (type === undefined) {
        for await (const _ of r.chunks(dataSize));
        await r.read(padding(dataSize))
        continue
      }
      header.type = type
      if (type !== 'file') header.size = 0
      let left = dataSize
      const body = (async function* () {
        for await (const c of r.chunks(left)) {
          left -= c.length
          yield c
        }
      })()
      yield { header, body }
      if (left > 0) for await (const c of r.chunks(left)) left -= c.length
      await r.read(padding(dataSize))
    }
  } finally {
    await r.close()
  }
}
