// Image metadata and names, held in memory after init() so resolve() never touches the disk.
// An image exists once its record (images/<hex>.json) is written; names live in
// repositories.json, rewritten atomically on every change. Layout: see paths.ts.
// Callers serialise mutations (ImageService holds a mutex); reads are lock-free.
import { readdir, readFile, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { readJsonIfExists, writeJsonAtomic } from '../lib/fs-atomic.ts'
import type { Logger } from '../lib/log.ts'
import {
  type Digest,
  encodedOf,
  type ImageConfig,
  parseReference,
  type Reference,
  sha256FromHex,
} from '../oci/index.ts'
import type { ContentStore } from './content-store.ts'
import type { StorePaths } from './paths.ts'

export interface ImageRecord {
  id: Digest
  /** Parent image id (images built or committed here); empty otherwise. */
  parent: string
  /** Sum of the layers' file data. */
  size: number
  lastTagTime?: string
}

export interface StoredImage {
  id: Digest
  config: ImageConfig
  record: ImageRecord
  chainIds: Digest[]
}

interface RepositoriesFile {
  refs: Record<string, string>
}

export class ImageStore {
  readonly #paths: StorePaths
  readonly #content: ContentStore
  readonly #log: Logger
  readonly #images = new Map<string, StoredImage>()
  readonly #refs = new Map<string, Digest>()

  constructor(paths: StorePaths, content: ContentStore, log: Logger) {
    this.#paths = paths
    this.#content = content
    this.#log = log
  }

  async init(chainOf: (config: ImageConfig) => Digest[]): Promise<void> {
    for (const file of await readdir(this.#paths.recordsDir)) {
      if (!file.endsWith('.json')) continue
      try {
        const record = JSON.parse(await readFile(join(this.#paths.recordsDir, file), 'utf8')) as ImageRecord
        const config = JSON.parse((await this.#content.readBuffer(record.id)).toString('utf8')) as ImageConfig
        this.#images.set(encodedOf(record.id), { id: record.id, config, record, chainIds: chainOf(config) })
      } catch (err) {
        this.#log.warn('ignoring unreadable image record', { file, error: String(err) })
      }
    }
    const repos = await readJsonIfExists<RepositoriesFile>(this.#paths.repositories)
    for (const [ref, id] of Object.entries(repos?.refs ?? {})) {
      if (this.#images.has(encodedOf(id as Digest))) this.#refs.set(ref, id as Digest)
    }
  }

  get(id: Digest): StoredImage | undefined {
    return this.#images.get(encodedOf(id))
  }

  getByHex(hex: string): StoredImage | undefined {
    return this.#images.get(hex)
  }

  all(): StoredImage[] {
    return [...this.#images.values()]
  }

  /** Images whose hex id starts with `prefix`. */
  byPrefix(prefix: string): StoredImage[] {
    const out: StoredImage[] = []
    for (const [hex, img] of this.#images) if (hex.startsWith(prefix)) out.push(img)
    return out
  }

  /** The image a full reference string names ("docker.io/library/busybox:latest"). */
  lookup(ref: string): Digest | undefined {
    return this.#refs.get(ref)
  }

  /** References (tags and digests) naming `id`, sorted. */
  refsOf(id: Digest): Reference[] {
    const out: Reference[] = []
    for (const [ref, target] of this.#refs) if (target === id) out.push(parseReference(ref))
    return out.sort((a, b) => (a.tag ?? a.digest ?? '').localeCompare(b.tag ?? b.digest ?? ''))
  }

  allRefs(): Array<[string, Digest]> {
    return [...this.#refs.entries()]
  }

  /** Makes an image visible (its blobs and layers must already be committed). */
  async add(img: StoredImage): Promise<void> {
    await writeJsonAtomic(this.#paths.record(img.id), img.record)
    this.#images.set(encodedOf(img.id), img)
  }

  async updateRecord(id: Digest, patch: Partial<ImageRecord>): Promise<void> {
    const img = this.get(id)
    if (!img) return
    const record = { ...img.record, ...patch }
    await writeJsonAtomic(this.#paths.record(id), record)
    img.record = record
  }

  /** Removes the image record and every reference to it. Idempotent. */
  async delete(id: Digest): Promise<void> {
    const refs = [...this.#refs].filter(([, t]) => t === id).map(([r]) => r)
    if (refs.length > 0) await this.setRefs(refs.map((ref) => ({ ref, id: undefined })))
    await rm(this.#paths.record(id), { force: true })
    this.#images.delete(encodedOf(id))
  }

  /** Points each `ref` at `id`, or removes it when id is undefined; persists once. */
  async setRefs(changes: Array<{ ref: string; id: Digest | undefined }>): Promise<void> {
    const next = new Map(this.#refs)
    for (const { ref, id } of changes) {
      if (id === undefined) next.delete(ref)
      else next.set(ref, id)
    }
    await writeJsonAtomic(this.#paths.repositories, {
      refs: Object.fromEntries([...next].sort()),
    } satisfies RepositoriesFile)
    this.#refs.clear()
    for (const [k, v] of next) this.#refs.set(k, v)
  }

  static idFromHex(hex: string): Digest {
    return sha256FromHex(hex)
  }
}
