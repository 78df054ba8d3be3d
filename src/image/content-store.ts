// Content-addressed blob store: blobs become visible only once their sha256 is verified
// (write to ingest/, hash, fsync, rename into blobs/). No reference counting: callers
// decide what to delete. Layout: see paths.ts.
import { randomBytes } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { open, readFile, rename, rm, stat } from 'node:fs/promises'
import { join } from 'node:path'
import type { Readable } from 'node:stream'
import { InvalidArgumentError, isNotFound, NotFoundError } from '../lib/errors.ts'
import { type Digest, Sha256Digester, sha256Of } from '../oci/index.ts'
import type { StorePaths } from './paths.ts'

/** An ingest file that something else fills through its descriptor (a child process's stdout),
 *  then read back once through chunks() (see ContentStore.fileWriter). */
export interface FileIngest {
  readonly fd: number
  /** Says the file is complete: starts syncing it to disk, so that overlaps the read-back
   *  (commit() awaits it). Optional. */
  written(): void
  /** The file from its start, hashed as it is read, in chunks of a few reused buffers: a chunk
   *  is overwritten once the consumer has asked for the second chunk after it, so a consumer
   *  must copy what it keeps longer (lib/tar's reader does). Call it at most once. */
  chunks(): AsyncGenerator<Buffer>
  /** Hashes what chunks() left unread, syncs, verifies against `expected` (InvalidArgumentError
   *  on mismatch) and makes the blob visible. */
  commit(expected?: Digest): Promise<{ digest: Digest; size: number }>
  abort(): Promise<void>
}

/** Size of the buffers FileIngest.chunks() reads into; it keeps READ_RING of them. */
const READ_CHUNK = 1 << 20
const READ_RING = 3

/** An open ingest (see ContentStore.writer). write() calls must not overlap. */
export interface BlobWriter {
  write(chunk: Buffer): Promise<void>
  /** Syncs, verifies against `expected` (InvalidArgumentError on mismatch) and makes it visible. */
  commit(expected?: Digest): Promise<{ digest: Digest; size: number }>
  abort(): Promise<void>
}

export class ContentStore {
  readonly #paths: StorePaths

  constructor(paths: StorePaths) {
    this.#paths = paths
  }

  path(d: Digest): string {
    return this.#paths.blob(d)
  }

  /** A new file in the ingest directory, a close() that may be called more than once, discard(). */
  async #openIngest(flags: 'wx' | 'wx+') {
    const tmp = join(this.#paths.ingestDir, randomBytes(12).toString('hex'))
    const fh = await open(tmp, flags, 0o644)
    let closed = false
    const close = async () => {
      if (closed) return
      closed = true
      await fh.close()
    }
    /** Closes and removes the file (after a commit renamed it, only closes). */
    const discard = async () => {
      await close().catch(() => undefined)
      await rm(tmp, { force: true })
    }
    return { tmp, fh, close, discard }
  }

  /** Moves a written, synced and closed ingest file into place under its digest, once the
   *  digest is the one expected. */
  async #commitFile(
    tmp: string,
    hash: Sha256Digester,
    expected: Digest | undefined,
  ): Promise<{ digest: Digest; size: number }> {
    const digest = hash.digest()
    if (expected !== undefined && digest !== expected) {
      throw new InvalidArgumentError(`content digest mismatch: expected ${expected}, got ${digest}`)
    }
    await rename(tmp, this.path(digest))
    return { digest, size: hash.size }
  }

  async has(d: Digest): Promise<boolean> {
    try {
      await stat(this.path(d))
      return true
    } catch (err) {
      if (isNotFound(err)) return false
      throw err
    }
  }

  /** Size in bytes. @throws NotFoundError. */
  async size(d: Digest): Promise<number> {
    try {
      return (await stat(this.path(d))).size
    } catch (err) {
      if (isNotFound(err)) throw new NotFoundError(`blob ${d} not found`, { cause: err })
      throw err
    }
  }

  /** @throws NotFoundError. */
  async readBuffer(d: Digest): Promise<Buffer> {
    try {
      return await readFile(this.path(d))
    } catch (err) {
      if (isNotFound(err)) throw new NotFoundError(`blob ${d} not found`, { cause: err })
      throw err
    }
  }

  read(d: Digest): Readable {
    return createReadStream(this.path(d))
  }

  /** Stores `src`, returning its digest. With `expected`, a mismatch throws
   *  InvalidArgumentError and keeps nothing. Storing an existing digest is a no-op. */
  async ingest(
    src: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
    expected?: Digest,
  ): Promise<{ digest: Digest; size: number }> {
    const w = await this.writer()
    try {
      for await (const c of src)
        await w.write(Buffer.isBuffer(c) ? c : Buffer.from(c.buffer, c.byteOffset, c.byteLength))
    } catch (err) {
      await w.abort()
      throw err
    }
    return await w.commit(expected)
  }

  /** A blob written chunk by chunk (e.g. while the same bytes are being unpacked): nothing is
   *  visible until commit() has verified the digest; abort() (or a failed commit) keeps nothing. */
  async writer(): Promise<BlobWriter> {
    const { tmp, fh, close, discard } = await this.#openIngest('wx')
    const hash = new Sha256Digester()
    return {
      write: async (chunk) => {
        hash.update(chunk)
        let off = 0
        while (off < chunk.length) off += (await fh.write(chunk, off, chunk.length - off)).bytesWritten
      },
      commit: async (expected) => {
        try {
          await fh.sync()
          await close()
          return await this.#commitFile(tmp, hash, expected)
        } finally {
          await discard()
        }
      },
      abort: discard,
    }
  }

  /** An ingest file filled through its descriptor and read back once: the data never crosses
   *  the heap on its way in, and the read-back reuses a few buffers, so a large blob makes no
   *  garbage (a layer pull unpacks what a decompressor process wrote). Nothing is visible until
   *  commit() has verified the digest; abort() (or a failed commit) keeps nothing. */
  async fileWriter(): Promise<FileIngest> {
    const { tmp, fh, close, discard } = await this.#openIngest('wx+')
    const hash = new Sha256Digester()
    const ring = Array.from({ length: READ_RING }, () => Buffer.allocUnsafe(READ_CHUNK))
    let pos = 0
    let k = 0
    let synced: Promise<void> | undefined
    const sync = () => {
      synced ??= fh.sync()
      synced.catch(() => undefined) // awaited by commit(); this only keeps it from being "unhandled"
      return synced
    }
    const next = async (): Promise<Buffer | undefined> => {
      const buf = ring[k++ % READ_RING]!
      const { bytesRead } = await fh.read(buf, 0, buf.length, pos)
      if (bytesRead === 0) return undefined
      pos += bytesRead
      const chunk = buf.subarray(0, bytesRead)
      hash.update(chunk)
      return chunk
    }
    return {
      fd: fh.fd,
      written: () => {
        sync()
      },
      chunks: async function* () {
        for (;;) {
          const c = await next()
          if (!c) return
          yield c
        }
      },
      commit: async (expected) => {
        try {
          while (await next());
          await sync()
          await close()
          return await this.#commitFile(tmp, hash, expected)
        } finally {
          await discard()
        }
      },
      abort: async () => {
        await synced?.catch(() => undefined)
        await discard()
      },
    }
  }

  async put(data: Buffer): Promise<Digest> {
    const digest = sha256Of(data)
    if (!(await this.has(digest))) await this.ingest([data], digest)
    return digest
  }

  /** Idempotent. */
  async delete(d: Digest): Promise<void> {
    await rm(this.path(d), { force: true })
  }
}
