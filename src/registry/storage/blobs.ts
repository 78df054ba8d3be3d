// BlobStore: content-addressed blob bytes (stored once) and their per-repository links.
// A blob is visible in a repository only through a link; deleting a blob from a repository
// removes the link, and only gc.ts removes the bytes — except bytes found corrupted: a blob is
// re-hashed before it is first reported or served (and whenever its size or mtime changed),
// and hashed again while streamed; corrupted bytes are deleted and reported BLOB_UNKNOWN, so
// they are never served and the next push stores them afresh.
import { createHash } from 'node:crypto'
import { type Readable, Transform } from 'node:stream'
import { NotFoundError } from '../../lib/errors.ts'
import { algorithmOf, type Digest } from '../../oci/index.ts'
import { BlobUnknownError, CorruptedBlobError } from '../errors.ts'
import type { FileInfo, StorageDriver } from './driver/driver.ts'
import { paths } from './paths.ts'

export interface BlobInfo {
  digest: Digest
  size: number
}

export class BlobStore {
  readonly #driver: StorageDriver
  /** digest → "size:mtime" of the bytes last verified (in this process). */
  readonly #verified = new Map<string, string>()
  readonly #verifying = new Map<string, Promise<void>>()

  constructor(driver: StorageDriver) {
    this.#driver = driver
  }

  /** Size of a blob linked into `name`, its bytes verified against the digest.
   *  @throws BlobUnknownError (also for bytes found corrupted, which are deleted). */
  async stat(name: string, digest: Digest): Promise<BlobInfo> {
    if (!(await this.isLinked(name, digest))) throw new BlobUnknownError(`blob unknown: ${digest}`)
    let st: FileInfo
    try {
      st = await this.#driver.stat(paths.blobData(digest))
    } catch (err) {
      if (err instanceof NotFoundError) throw new BlobUnknownError(`blob unknown: ${digest}`, { cause: err })
      throw err
    }
    await this.#verify(digest, st)
    return { digest, size: st.size }
  }

  async #verify(digest: Digest, st: FileInfo): Promise<void> {
    const stamp = stampOf(st)
    if (this.#verified.get(digest) === stamp) return
    const key = `${digest}@${stamp}`
    let running = this.#verifying.get(key)
    if (!running) {
      running = this.#rehash(digest, stamp).finally(() => this.#verifying.delete(key))
      this.#verifying.set(key, running)
    }
    await running
  }

  async #rehash(digest: Digest, stamp: string): Promise<void> {
    const hash = createHash(algorithmOf(digest))
    for await (const chunk of await this.#driver.reader(paths.blobData(digest))) hash.update(chunk as Buffer)
    if (`${algorithmOf(digest)}:${hash.digest('hex')}` === digest) {
      this.#verified.set(digest, stamp)
      return
    }
    await this.#discardCorrupted(digest, stamp)
    throw new CorruptedBlobError(`blob unknown: ${digest} (its stored bytes are corrupted)`)
  }

  /** Deletes corrupted bytes, unless they changed since they were read (a push replaced them). */
  async #discardCorrupted(digest: Digest, stamp: string): Promise<void> {
    this.#verified.delete(digest)
    try {
      if (stampOf(await this.#driver.stat(paths.blobData(digest))) === stamp)
        await this.#driver.delete(paths.blobData(digest))
    } catch (err) {
      // Already gone (gc, or another reader discarded them first): the outcome is the same.
      if (!(err instanceof NotFoundError)) throw err
    }
  }

  /** Size of the stored bytes, whatever repository links them; undefined if none. */
  async statGlobal(digest: Digest): Promise<BlobInfo | undefined> {
    try {
      const st = await this.#driver.stat(paths.blobData(digest))
      return { digest, size: st.size }
    } catch (err) {
      if (err instanceof NotFoundError) return undefined
      throw err
    }
  }

  async isLinked(name: string, digest: Digest): Promise<boolean> {
    try {
      await this.#driver.stat(paths.layerLink(name, digest))
      return true
    } catch (err) {
      if (err instanceof NotFoundError) return false
      throw err
    }
  }

  /** Streams `length` bytes from `offset` of a blob linked into `name`. A whole blob is hashed
   *  as it streams: bytes that went bad since they were verified end the stream with an error
   *  (the client sees a broken transfer, never a complete wrong blob). @throws BlobUnknownError. */
  async open(name: string, digest: Digest, range?: { offset: number; length: number }): Promise<Readable> {
    const { size } = await this.stat(name, digest)
    let stream: Readable
    try {
      stream = await this.#driver.reader(paths.blobData(digest), range)
    } catch (err) {
      if (err instanceof NotFoundError) throw new BlobUnknownError(`blob unknown: ${digest}`, { cause: err })
      throw err
    }
    if (range && (range.offset > 0 || range.length < size)) return stream
    const hash = createHash(algorithmOf(digest))
    // The last chunk is held back until the hash is known, so a bad blob never arrives whole.
    let held: Buffer | undefined
    const check = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        hash.update(chunk)
        const out = held
        held = chunk
        cb(null, out)
      },
      flush: (cb) => {
        if (`${algorithmOf(digest)}:${hash.digest('hex')}` === digest) return cb(null, held)
        this.#verified.delete(digest)
        cb(new CorruptedBlobError(`blob ${digest} is corrupted in storage`))
      },
    })
    stream.once('error', (err) => check.destroy(err))
    return stream.pipe(check)
  }

  /** Links stored bytes into `name`. Idempotent. @throws BlobUnknownError if no bytes are stored. */
  async link(name: string, digest: Digest): Promise<BlobInfo> {
    const info = await this.statGlobal(digest)
    if (!info) throw new BlobUnknownError(`blob unknown: ${digest}`)
    await this.#driver.putContent(paths.layerLink(name, digest), digest)
    return info
  }

  /** Removes the link from `name`. @throws BlobUnknownError if it was not linked. */
  async unlink(name: string, digest: Digest): Promise<void> {
    try {
      await this.#driver.delete(paths.layer(name, digest))
    } catch (err) {
      if (err instanceof NotFoundError) throw new BlobUnknownError(`blob unknown: ${digest}`, { cause: err })
      throw err
    }
  }

  /** Stores verified bytes under their digest unless already there. */
  async putVerified(digest: Digest, data: Uint8Array): Promise<void> {
    if (await this.statGlobal(digest)) return
    await this.#driver.putContent(paths.blobData(digest), data)
  }

  /** Whole content of stored bytes. @throws BlobUnknownError. */
  async read(digest: Digest): Promise<Buffer> {
    try {
      return await this.#driver.getContent(paths.blobData(digest))
    } catch (err) {
      if (err instanceof NotFoundError) throw new BlobUnknownError(`blob unknown: ${digest}`, { cause: err })
      throw err
    }
  }

  /** Commits a verified upload file: the link is written before the bytes move, so a
   *  concurrent gc that listed blobs earlier never sees these bytes unreferenced. */
  async commitFile(name: string, source: string, digest: Digest): Promise<void> {
    await this.#driver.putContent(paths.layerLink(name, digest), digest)
    await this.#driver.move(source, paths.blobData(digest))
    // The upload verified these bytes as they arrived: no need to hash them again to serve them.
    this.#verified.set(digest, stampOf(await this.#driver.stat(paths.blobData(digest))))
  }
}

function stampOf(st: FileInfo): string {
  return `${st.size}:${st.modTime.getTime()}`
}
