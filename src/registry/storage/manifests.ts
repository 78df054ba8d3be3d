// ManifestStore: manifests by digest and tag in one repository, their validation against the
// repository's blobs, and the referrers index kept on push and delete (spec 1.1 "Listing
// Referrers"). Bytes are stored exactly as pushed, in the blob store.
import { createHash } from 'node:crypto'
import { NotFoundError } from '../../lib/errors.ts'
import { algorithmOf, type Descriptor, type Digest } from '../../oci/index.ts'
import {
  DigestInvalidError,
  ManifestBlobUnknownError,
  ManifestTooLargeError,
  ManifestUnknownError,
} from '../errors.ts'
import type { BlobStore } from './blobs.ts'
import type { StorageDriver } from './driver/driver.ts'
import { type ParsedManifest, parseManifest } from './manifest-parse.ts'
import type { ManifestRef } from './names.ts'
import { paths } from './paths.ts'
import type { TagStore } from './tags.ts'

/** Spec: registries should accept at least 4 MB manifests. */
export const MAX_MANIFEST_BYTES = 4 * 1024 * 1024

export interface Revision {
  digest: Digest
  mediaType: string
  size: number
}

export interface PutResult extends Revision {
  subject?: Digest
  tags: string[]
}

export class ManifestStore {
  readonly #driver: StorageDriver
  readonly #blobs: BlobStore
  readonly #tags: TagStore

  constructor(driver: StorageDriver, blobs: BlobStore, tags: TagStore) {
    this.#driver = driver
    this.#blobs = blobs
    this.#tags = tags
  }

  /** Validates and stores a manifest, then points `ref` (and `extraTags`) at it. With `cached`
   *  (a pull-through cache's copy of upstream) referenced blobs need not be present yet.
   *  @throws ManifestInvalidError, ManifestBlobUnknownError, ManifestTooLargeError, DigestInvalidError. */
  async put(
    name: string,
    ref: ManifestRef,
    content: Buffer,
    opts: { contentType?: string; extraTags?: string[]; cached?: boolean } = {},
  ): Promise<PutResult> {
    if (content.length > MAX_MANIFEST_BYTES) {
      throw new ManifestTooLargeError(`manifest is larger than ${MAX_MANIFEST_BYTES} bytes`)
    }
    const parsed = parseManifest(content, opts.contentType)
    const algorithm = ref.digest ? algorithmOf(ref.digest) : 'sha256'
    const digest = `${algorithm}:${createHash(algorithm).update(content).digest('hex')}` as Digest
    if (ref.digest && ref.digest !== digest) {
      throw new DigestInvalidError(`manifest digest is ${digest}, not ${ref.digest}`)
    }
    // A pull-through cache stores a manifest before the blobs it fetches on demand.
    if (!opts.cached) await this.#checkReferences(name, parsed)
    await this.#blobs.putVerified(digest, content)
    const rev: Revision = { digest, mediaType: parsed.mediaType, size: content.length }
    await this.#driver.putContent(paths.revisionLink(name, digest), JSON.stringify(rev))
    if (parsed.subject) await this.#addReferrer(name, parsed.subject.digest, rev, parsed)
    const tags = [...(ref.tag ? [ref.tag] : []), ...(opts.extraTags ?? [])]
    for (const tag of tags) await this.#tags.set(name, tag, digest)
    return { ...rev, tags, ...(parsed.subject ? { subject: parsed.subject.digest } : {}) }
  }

  /** The revision a tag or digest names. @throws ManifestUnknownError. */
  async resolve(name: string, ref: ManifestRef): Promise<Revision> {
    const digest = ref.digest ?? (await this.#tags.get(name, ref.tag))
    try {
      return JSON.parse(
        (await this.#driver.getContent(paths.revisionLink(name, digest))).toString(),
      ) as Revision
    } catch (err) {
      if (err instanceof NotFoundError) throw new ManifestUnknownError(`manifest unknown: ${digest}`)
      throw err
    }
  }

  /** Revision and bytes; the bytes are re-hashed so a corrupted file is never served.
   *  @throws ManifestUnknownError. */
  async get(name: string, ref: ManifestRef): Promise<Revision & { content: Buffer }> {
    const rev = await this.resolve(name, ref)
    const content = await this.#blobs.read(rev.digest).catch((err: unknown) => {
      if (err instanceof NotFoundError) throw new ManifestUnknownError(`manifest unknown: ${rev.digest}`)
      throw err
    })
    const actual = createHash(algorithmOf(rev.digest)).update(content).digest('hex')
    if (`${algorithmOf(rev.digest)}:${actual}` !== rev.digest) {
      throw new ManifestUnknownError(`manifest ${rev.digest} is corrupted in storage`)
    }
    return { ...rev, content }
  }

  /** Deletes a manifest revision, every tag pointing at it, and its referrer entry.
   *  @throws ManifestUnknownError. */
  async delete(name: string, digest: Digest): Promise<void> {
    const { content, mediaType } = await this.get(name, { digest })
    await this.#driver.delete(paths.revision(name, digest))
    await this.#tags.untagDigest(name, digest)
    let subject: Descriptor | undefined
    try {
      subject = parseManifest(content, mediaType).subject
    } catch {
      // Stored bytes were validated on push; an unparsable one cannot have a referrer entry.
      subject = undefined
    }
    if (subject) {
      await this.#driver.delete(paths.referrer(name, subject.digest, digest)).catch((err: unknown) => {
        if (!(err instanceof NotFoundError)) throw err
      })
    }
  }

  /** Descriptors of manifests in `name` whose subject is `subject`, optionally filtered. */
  async referrers(
    name: string,
    subject: Digest,
    opts: { artifactType?: string } = {},
  ): Promise<Descriptor[]> {
    const dir = paths.referrersOf(name, subject)
    let entries: string[]
    try {
      entries = await this.#driver.list(dir)
    } catch (err) {
      if (err instanceof NotFoundError) return []
      throw err
    }
    const out: Descriptor[] = []
    for (const e of entries) {
      const d = JSON.parse((await this.#driver.getContent(`${dir}/${e}`)).toString()) as Descriptor
      if (opts.artifactType === undefined || d.artifactType === opts.artifactType) out.push(d)
    }
    return out
  }

  async #checkReferences(name: string, parsed: ParsedManifest): Promise<void> {
    const missing: string[] = []
    for (const b of parsed.blobs) {
      if (!(await this.#blobs.isLinked(name, b.digest))) missing.push(b.digest)
    }
    for (const m of parsed.manifests) {
      try {
        await this.#driver.stat(paths.revisionLink(name, m.digest))
      } catch (err) {
        if (!(err instanceof NotFoundError)) throw err
        missing.push(m.digest)
      }
    }
    if (missing.length > 0) {
      throw new ManifestBlobUnknownError(`manifest references unknown blobs: ${missing.join(', ')}`)
    }
  }

  async #addReferrer(name: string, subject: Digest, rev: Revision, parsed: ParsedManifest): Promise<void> {
    const d: Descriptor = { mediaType: rev.mediaType, digest: rev.digest, size: rev.size }
    if (parsed.artifactType) d.artifactType = parsed.artifactType
    if (parsed.annotations) d.annotations = parsed.annotations
    await this.#driver.putContent(paths.referrer(name, subject, rev.digest), JSON.stringify(d))
  }
}
