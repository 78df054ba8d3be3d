// BlobStore: content-addressed blob bytes (stored once) and their per-repository links.
// A blob is visible in a repository only through a link; deleting a blob from a repository
// removes the link, and only gc.ts removes the bytes.
import type { Readable } from 'node:stream'
import { NotFoundError } from '../../lib/errors.ts'
import type { Digest } from '../../oci/index.ts'
import { BlobUnknownError } from '../errors.ts'
import type { StorageDriver } from './driver/driver.ts'
import { paths } from './paths.ts'

export interface BlobInfo {
  digest: Digest
  size: number
}

export class BlobStore {
  readonly #driver: StorageDriver

  constructor(driver: StorageDriver) {
    this.#driver = driver
  }

  /** Size of a blob linked into `name`. @throws BlobUnknownError. */
  async stat(name: string, digest: Digest): Promise<BlobInfo> {
    if (!(await this.isLinked(name, digest))) throw new BlobUnknownError(`blob unknown: ${digest}`)
    const info = await this.statGlobal(digest)
    if (!info) throw new BlobUnknownError(`blob unknown: ${digest}`)
    return info
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

  /** Streams `length` bytes from `offset` of a blob linked into `name`. @throws BlobUnknownError. */
  async open(name: string, digest: Digest, range?: { offset: number; length: number }): Promise<Readable> {
    await this.stat(name, digest)
    try {
      return await this.#driver.reader(paths.blobData(digest), range)
    } catch (err) {
      if (err instanceof NotFoundError) throw new BlobUnknownError(`blob unknown: ${digest}`, { cause: err })
      throw err
    }
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
  }
}
