// The image domain's shared state and the small operations every use case needs: resolving
// references in memory, turning stored images into the contract's Image, committing a new
// image, and deleting an image's data. Use cases (import.ts, load.ts, remove.ts …) take an
// ImageCore; ImageService wires them to the contract.
import { mkdir, readdir, rm } from 'node:fs/promises'
import { join } from 'node:path'
import type { Publisher } from '../events/index.ts'
import { InvalidArgumentError, NotFoundError } from '../lib/errors.ts'
import type { Logger } from '../lib/log.ts'
import {
  chainIds,
  type Digest,
  encodedOf,
  familiarString,
  type ImageConfig,
  isSha256Hex,
  parseDigest,
  parseNormalizedNamed,
  type Reference,
  refString,
  sha256Of,
} from '../oci/index.ts'
import { ContentStore } from './content-store.ts'
import type { Image } from './image-service-contract.ts'
import { ImageStore, type StoredImage } from './image-store.ts'
import { LayerStore } from './layer-store.ts'
import { Mutex } from './mutex.ts'
import { StorePaths } from './paths.ts'
import { RootfsStore } from './rootfs-store.ts'

export type UsageProbe = (imageId: string) => { containerId: string; running: boolean } | undefined

/** The contract's Image plus what inspect shows about storage (Engine API GraphDriver). */
export interface ImageView extends Image {
  graphDriver: { name: 'overlay2'; data: Record<string, string> }
}

export interface ImageCoreOptions {
  root: string
  publisher: Publisher
  log: Logger
}

export class ImageCore {
  readonly paths: StorePaths
  readonly content: ContentStore
  readonly layers: LayerStore
  readonly rootfs: RootfsStore
  readonly store: ImageStore
  readonly publisher: Publisher
  readonly log: Logger
  readonly lock = new Mutex()
  usageProbe: UsageProbe = () => undefined

  constructor(opts: ImageCoreOptions) {
    this.paths = new StorePaths(opts.root)
    this.log = opts.log
    this.publisher = opts.publisher
    this.content = new ContentStore(this.paths)
    this.layers = new LayerStore(this.paths, opts.log)
    this.rootfs = new RootfsStore(this.paths, this.layers, opts.log)
    this.store = new ImageStore(this.paths, this.content, opts.log)
  }

  async init(): Promise<void> {
    for (const d of this.paths.all) await mkdir(d, { recursive: true, mode: 0o700 })
    // Leftovers of interrupted ingests and loads are never referenced: drop them.
    for (const d of [this.paths.ingestDir, this.paths.imageTmp]) {
      await rm(d, { recursive: true, force: true })
      await mkdir(d, { recursive: true, mode: 0o700 })
    }
    await this.layers.init()
    await this.rootfs.init()
    await this.store.init((config) => chainIds(config.rootfs.diff_ids))
    await this.#collectGarbage()
  }

  /** Deletes blobs and layers no image or rootfs references: what a crash between writing
   *  them and committing the image record (or during a delete) left behind. */
  async #collectGarbage(): Promise<void> {
    const images = this.store.all()
    const blobs = new Set<string>(images.flatMap((i) => [i.id, ...i.config.rootfs.diff_ids].map(encodedOf)))
    const chains = new Set<string>([
      ...images.flatMap((i) => i.chainIds.map(encodedOf)),
      ...this.rootfs.chainsInUse(),
    ])
    for (const hex of await readdir(this.paths.blobsDir)) {
      if (!blobs.has(hex)) await rm(join(this.paths.blobsDir, hex), { force: true })
    }
    for (const layer of this.layers.all()) {
      if (!chains.has(encodedOf(layer.chainId))) await this.layers.remove(layer.chainId)
    }
  }

  /** In-memory resolution; see ImageServiceContract.resolve. @throws NotFoundError. */
  resolve(ref: string): StoredImage {
    const hexish = ref.startsWith('sha256:') ? ref.slice(7) : ref
    if (isSha256Hex(hexish)) {
      const img = this.store.getByHex(hexish)
      if (img) return img
      throw new NotFoundError(`No such image: ${ref}`)
    }
    let named: Reference | undefined
    try {
      named = parseNormalizedNamed(ref)
    } catch {
      // Not a name: it may still be a short id, tried below.
      named = undefined
    }
    if (named) {
      const key =
        named.digest !== undefined ? refString(named) : refString({ ...named, tag: named.tag ?? 'latest' })
      const id = this.store.lookup(key)
      if (id) return this.store.get(id)!
      // name@<image id> names the image itself when that repository has it (Docker does the same).
      if (named.digest !== undefined && named.tag === undefined) {
        const img = this.store.get(named.digest)
        if (img && this.store.refsOf(img.id).some((r) => r.path === named.path && r.domain === named.domain))
          return img
      }
    }
    if (/^[a-f0-9]+$/.test(hexish) && hexish === ref.replace(/^sha256:/, '')) {
      const hits = this.store.byPrefix(hexish)
      if (hits.length === 1) return hits[0]!
      if (hits.length > 1) throw new InvalidArgumentError(`ambiguous image id prefix: ${ref}`)
    }
    const shown =
      named && named.digest === undefined ? familiarString({ ...named, tag: named.tag ?? 'latest' }) : ref
    throw new NotFoundError(`No such image: ${shown}`)
  }

  view(s: StoredImage): ImageView {
    const refs = this.store.refsOf(s.id)
    const c = s.config
    const diffs = s.chainIds.map((ch) => this.layers.diffDir(ch)).reverse()
    const data: Record<string, string> = {}
    if (diffs.length > 0) {
      data.UpperDir = diffs[0]!
      data.WorkDir = diffs[0]!.replace(/\/diff$/, '/work')
      data.MergedDir = diffs[0]!.replace(/\/diff$/, '/merged')
      if (diffs.length > 1) data.LowerDir = diffs.slice(1).join(':')
    }
    return {
      id: s.id,
      repoTags: refs.filter((r) => r.tag !== undefined).map(familiarString),
      repoDigests: refs.filter((r) => r.digest !== undefined).map(familiarString),
      parent: s.record.parent,
      comment: c.comment ?? '',
      created: c.created ?? '',
      author: c.author ?? '',
      architecture: c.architecture,
      variant: c.variant,
      os: c.os,
      config: c.config ?? {},
      size: s.record.size,
      rootfs: { type: 'layers', diffIds: [...c.rootfs.diff_ids] },
      history: c.history ?? [],
      lastTagTime: s.record.lastTagTime,
      graphDriver: { name: 'overlay2', data },
    }
  }

  /** Stores a config whose layers are already in the layer store and makes the image visible.
   *  Caller holds the lock. */
  async commitImage(configBytes: Buffer, opts: { parent?: string } = {}): Promise<StoredImage> {
    const id = await this.content.put(configBytes)
    const existing = this.store.get(id)
    if (existing) return existing
    const config = JSON.parse(configBytes.toString('utf8')) as ImageConfig
    const chain = chainIds(config.rootfs.diff_ids)
    let size = 0
    for (const c of chain) {
      const layer = this.layers.get(c)
      if (!layer) throw new InvalidArgumentError(`layer ${c} is missing`)
      size += layer.size
    }
    const img: StoredImage = { id, config, chainIds: chain, record: { id, parent: opts.parent ?? '', size } }
    await this.store.add(img)
    return img
  }

  /** Points `ref` (a normalised, tagged reference) at `id`; returns the image it pointed to
   *  before if that was another one. Caller holds the lock. */
  async setTag(ref: Reference, id: Digest): Promise<Digest | undefined> {
    const key = refString(ref)
    const before = this.store.lookup(key)
    await this.store.setRefs([{ ref: key, id }])
    await this.store.updateRecord(id, { lastTagTime: new Date().toISOString() })
    this.publisher.publish('image', 'tag', id, { name: familiarString(ref) })
    return before !== id ? before : undefined
  }

  /** Deletes an image's record, then its blobs and layers that nothing else uses. Returns the
   *  chainIds of deleted layers and their total size. Caller holds the lock. */
  async deleteImage(id: Digest): Promise<{ layers: Digest[]; size: number }> {
    const img = this.store.get(id)
    if (!img) return { layers: [], size: 0 }
    await this.store.delete(id) // the image is gone from here on; the rest is garbage collection
    this.publisher.publish('image', 'delete', id, { name: id })
    const others = this.store.all()
    const usedBlobs = new Set<string>(others.flatMap((o) => [o.id, ...o.config.rootfs.diff_ids]))
    const usedChains = new Set<string>([
      ...others.flatMap((o) => o.chainIds.map(encodedOf)),
      ...this.rootfs.chainsInUse(),
    ])
    for (const d of [id, ...img.config.rootfs.diff_ids]) if (!usedBlobs.has(d)) await this.content.delete(d)
    const removed: Digest[] = []
    let size = 0
    for (const c of [...img.chainIds].reverse()) {
      if (usedChains.has(encodedOf(c))) continue
      size += this.layers.get(c)?.size ?? 0
      await this.layers.remove(c)
      removed.push(c)
    }
    return { layers: removed, size }
  }

  children(id: Digest): StoredImage[] {
    return this.store.all().filter((i) => i.record.parent === id)
  }

  static configDigest(bytes: Buffer): Digest {
    return parseDigest(sha256Of(bytes))
  }
}
