// What pull and push learnt from registries, kept beside the image store: manifest bytes by
// digest (a RepoDigest names one) and, per layer diffId, the compressed blobs known to carry it
// and in which repository, so push can skip or mount instead of uploading again. Lives outside
// content/ so the image store's init-time GC never drops it. Layout: see paths.ts, plus
// formats.json beside layers.json: {"<imageId>": "oci" | "docker"}, the manifest format an image
// came in (pulled or loaded from an OCI layout), so push keeps OCI media types for OCI images.
// Writes to each JSON file are serialised here (one in-memory map, rewritten atomically).
import { readFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { isNotFound } from '../../lib/errors.ts'
import { readJsonIfExists, writeFileAtomic, writeJsonAtomic } from '../../lib/fs-atomic.ts'
import type { Digest } from '../../oci/index.ts'
import type { StorePaths } from '../paths.ts'

export interface BlobSource {
  /** Digest of the compressed (or not) blob as a registry stores it. */
  digest: Digest
  mediaType: string
  size: number
  /** "registry/path" of a repository known to have it ("127.0.0.1:5000/busybox"). */
  repository: string
}

/** The manifest family an image is pushed as: Docker schema 2 (docker's default) or OCI. */
export type ImageFormat = 'oci' | 'docker'

/** At most this many repositories are remembered per blob (oldest dropped first). */
const MAX_SOURCES = 16

export class DistributionStore {
  readonly #paths: StorePaths
  #layers: Record<string, BlobSource[]> | undefined
  #writes: Promise<void> = Promise.resolve()
  #formats: Promise<Record<string, ImageFormat>> | undefined
  #formatWrites: Promise<void> = Promise.resolve()

  constructor(paths: StorePaths) {
    this.#paths = paths
  }

  async #load(): Promise<Record<string, BlobSource[]>> {
    this.#layers ??=
      (await readJsonIfExists<Record<string, BlobSource[]>>(this.#paths.distributionLayers)) ?? {}
    return this.#layers
  }

  /** Known blobs carrying `diffId`, most recent first. */
  async sources(diffId: Digest): Promise<BlobSource[]> {
    return [...((await this.#load())[diffId] ?? [])]
  }

  /** Records that `repository` has `source` for `diffId`. Idempotent. */
  async addSource(diffId: Digest, source: BlobSource): Promise<void> {
    const layers = await this.#load()
    const list = (layers[diffId] ?? []).filter(
      (s) => !(s.digest === source.digest && s.repository === source.repository),
    )
    layers[diffId] = [source, ...list].slice(0, MAX_SOURCES)
    const write = this.#writes.then(() => writeJsonAtomic(this.#paths.distributionLayers, layers))
    // The next write rewrites the whole map, so one failed write must not block it.
    this.#writes = write.catch(() => undefined)
    await write
  }

  get #formatsPath(): string {
    return join(dirname(this.#paths.distributionLayers), 'formats.json')
  }

  /** The format image `id` arrived in; undefined when unknown (imported, built, committed). */
  async imageFormat(id: Digest): Promise<ImageFormat | undefined> {
    this.#formats ??= readJsonIfExists<Record<string, ImageFormat>>(this.#formatsPath).then((f) => f ?? {})
    return (await this.#formats)[id]
  }

  /** Records the format image `id` arrived in. Idempotent. */
  async setImageFormat(id: Digest, format: ImageFormat): Promise<void> {
    if ((await this.imageFormat(id)) === format) return
    const formats = await this.#formats!
    formats[id] = format
    const write = this.#formatWrites.then(() => writeJsonAtomic(this.#formatsPath, formats))
    // As for layers.json: the next write rewrites the whole map.
    this.#formatWrites = write.catch(() => undefined)
    await write
  }

  async putManifest(digest: Digest, bytes: Buffer): Promise<void> {
    await writeFileAtomic(this.#paths.manifest(digest), bytes)
  }

  async manifest(digest: Digest): Promise<Buffer | undefined> {
    try {
      return await readFile(this.#paths.manifest(digest))
    } catch (err) {
      if (isNotFound(err)) return undefined
      throw err
    }
  }
}
