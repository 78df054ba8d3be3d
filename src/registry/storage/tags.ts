// TagStore: tag → manifest digest links of one repository, and the tag list.
import { NotFoundError } from '../../lib/errors.ts'
import type { Digest } from '../../oci/index.ts'
import { ManifestUnknownError, NameUnknownError } from '../errors.ts'
import type { StorageDriver } from './driver/driver.ts'
import { asciiSort } from './pagination.ts'
import { paths } from './paths.ts'

export class TagStore {
  readonly #driver: StorageDriver

  constructor(driver: StorageDriver) {
    this.#driver = driver
  }

  /** Points `tag` at `digest`, replacing any previous target. Idempotent. */
  async set(name: string, tag: string, digest: Digest): Promise<void> {
    await this.#driver.putContent(paths.tagLink(name, tag), digest)
  }

  /** @throws ManifestUnknownError if the tag does not exist. */
  async get(name: string, tag: string): Promise<Digest> {
    try {
      return (await this.#driver.getContent(paths.tagLink(name, tag))).toString() as Digest
    } catch (err) {
      if (err instanceof NotFoundError) throw new ManifestUnknownError(`manifest unknown: tag ${tag}`)
      throw err
    }
  }

  /** @throws ManifestUnknownError if the tag does not exist. */
  async delete(name: string, tag: string): Promise<void> {
    try {
      await this.#driver.delete(paths.tag(name, tag))
    } catch (err) {
      if (err instanceof NotFoundError) throw new ManifestUnknownError(`manifest unknown: tag ${tag}`)
      throw err
    }
  }

  /** Every tag, in ASCII order. @throws NameUnknownError if the repository does not exist. */
  async list(name: string): Promise<string[]> {
    try {
      await this.#driver.stat(paths.repo(name))
    } catch (err) {
      if (err instanceof NotFoundError) throw new NameUnknownError(`repository name not known: ${name}`)
      throw err
    }
    try {
      return asciiSort(await this.#driver.list(paths.tagsRoot(name)))
    } catch (err) {
      if (err instanceof NotFoundError) return []
      throw err
    }
  }

  /** Removes every tag that points at `digest`. */
  async untagDigest(name: string, digest: Digest): Promise<void> {
    for (const tag of await this.list(name)) {
      try {
        if ((await this.get(name, tag)) === digest) await this.delete(name, tag)
      } catch (err) {
        // A tag deleted concurrently is already in the state we want.
        if (!(err instanceof ManifestUnknownError)) throw err
      }
    }
  }
}
