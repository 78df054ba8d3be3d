// What pull and push learnt from registries, kept beside the image store: manifest bytes by
// digest (a RepoDigest names one) and, per layer diffId, the compressed blobs known to carry it
// and in which repository, so push can skip or mount instead of uploading again. Lives outside
// content/ so the image store's init-time GC never drops it. Layout: see paths.ts.
// Callers serialise writes to layers.json (one in-memory map, rewritten atomically).
import { readFile } from 'node:fs/promises'
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

/** At most this many repositories are remembered per blob (oldest dropped first). */
const MAX_SOURCES = 16

export class DistributionStore {
  readonly #paths: StorePaths
  #layers: Record<string, BlobSource[]> | undefined
  #writes: Promise<void> = Promise.resolve()

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
