// ImageService: the image domain behind ImageServiceContract. Thin: each use case lives in
// its own file (import, load, save, remove, prune, list, history) over ImageCore's stores.
// Construct, then `await init()` once before use.
import type { Readable } from 'node:stream'
import type { Publisher } from '../events/index.ts'
import { InvalidArgumentError, UnauthorizedError } from '../lib/errors.ts'
import type { Logger } from '../lib/log.ts'
import { type Digest, parseNormalizedNamed } from '../oci/index.ts'
import { type AuthConfig, registryDomainOf } from './auth/index.ts'
import { commitLayer, imageLayerDirs, type LayerCommitRequest } from './build-commit.ts'
import { commitRootfs } from './commit.ts'
import { ImageCore, type ImageView, type UsageProbe } from './core.ts'
import { rootfsChanges } from './diff.ts'
import { type HistoryRow, imageHistory } from './history.ts'
import type {
  CommitRequest,
  ImageDeleteItem,
  ImageListOptions,
  ImageServiceContract,
  ProgressMessage,
  PullRequest,
  PushRequest,
  Rootfs,
  RootfsChange,
} from './image-service-contract.ts'
import { type ImportOptions, importRootfs } from './import.ts'
import { listImages } from './list.ts'
import { load } from './load.ts'
import { pruneImages } from './prune.ts'
import { type DistributionInspect, distributionInspect } from './pull/distribution-inspect.ts'
import { DistributionStore } from './pull/distribution-store.ts'
import { pull } from './pull/pull.ts'
import { push } from './push/push.ts'
import { Registries, type RegistryOptions } from './registry-client/index.ts'
import { removeImage } from './remove.ts'
import { save } from './save.ts'

export interface ImageServiceOptions {
  /** The daemon's data root; see paths.ts for what goes under it. */
  root: string
  publisher: Publisher
  log: Logger
  /** Registry settings for pull, push and login (insecure registries, concurrency). */
  registry?: RegistryOptions
}

export class ImageService implements ImageServiceContract {
  readonly #core: ImageCore
  readonly #registries: Registries
  readonly #distribution: DistributionStore

  constructor(opts: ImageServiceOptions) {
    this.#core = new ImageCore(opts)
    this.#registries = new Registries(opts.registry)
    this.#distribution = new DistributionStore(this.#core.paths)
  }

  /** Creates the directories, drops crash leftovers, and loads every index into memory. */
  async init(): Promise<void> {
    await this.#core.init()
  }

  async resolve(ref: string): Promise<ImageView> {
    return this.#core.view(this.#core.resolve(ref))
  }

  async list(opts?: ImageListOptions): Promise<ImageView[]> {
    return listImages(this.#core, opts)
  }

  async tag(source: string, target: string): Promise<void> {
    const img = this.#core.resolve(source)
    const ref = parseNormalizedNamed(target)
    if (ref.digest !== undefined)
      throw new InvalidArgumentError('refusing to create a tag with a digest reference')
    await this.#core.lock.run(() => this.#core.setTag({ ...ref, tag: ref.tag ?? 'latest' }, img.id))
  }

  remove(ref: string, opts: { force: boolean; noprune: boolean }): Promise<ImageDeleteItem[]> {
    return this.#core.lock.run(() => removeImage(this.#core, ref, opts))
  }

  async history(ref: string): Promise<HistoryRow[]> {
    return imageHistory(this.#core, this.#core.resolve(ref))
  }

  importRootfs(tar: Readable, opts: ImportOptions): Promise<ImageView> {
    return importRootfs(this.#core, tar, opts)
  }

  load(tar: Readable, opts?: { quiet?: boolean }): AsyncIterable<ProgressMessage> {
    const onLoaded = (id: Digest, info: { oci: boolean }) =>
      this.#distribution.setImageFormat(id, info.oci ? 'oci' : 'docker')
    return load(this.#core, tar, { ...opts, onLoaded })
  }

  async save(refs: string[]): Promise<Readable> {
    return save(this.#core, refs)
  }

  prune(opts: {
    all: boolean
    filters?: Record<string, string[]>
  }): Promise<{ ImagesDeleted: ImageDeleteItem[]; SpaceReclaimed: number }> {
    return this.#core.lock.run(() => pruneImages(this.#core, opts))
  }

  setUsageProbe(probe: UsageProbe): void {
    this.#core.usageProbe = probe
  }

  async createRootfs(imageId: string, key: string): Promise<Rootfs> {
    const img = this.#core.resolve(imageId)
    return this.#core.rootfs.create(key, img.id, img.chainIds)
  }

  mountRootfs(key: string): Promise<string> {
    return this.#core.rootfs.mount(key)
  }

  unmountRootfs(key: string): Promise<void> {
    return this.#core.rootfs.unmount(key)
  }

  removeRootfs(key: string): Promise<void> {
    return this.#core.rootfs.remove(key)
  }

  async rootfs(key: string): Promise<Rootfs> {
    return this.#core.rootfs.get(key)
  }

  rootfsUsage(key: string): Promise<number> {
    return this.#core.rootfs.usage(key)
  }

  commit(key: string, opts: CommitRequest): Promise<ImageView> {
    return commitRootfs(this.#core, key, opts)
  }

  async rootfsChanges(key: string, opts: { exclude?: string[] } = {}): Promise<RootfsChange[]> {
    const { upperDir, lowerDirs } = this.#core.rootfs.get(key)
    return rootfsChanges(upperDir, lowerDirs, opts)
  }

  pull(ref: string, opts: PullRequest): AsyncIterable<ProgressMessage> {
    const named = parseNormalizedNamed(ref)
    return pull(this.#distributionDeps(), named, { ...opts, auth: opts.auth ?? {} })
  }

  push(name: string, opts: PushRequest): AsyncIterable<ProgressMessage> {
    return push(this.#distributionDeps(), name, { ...opts, auth: opts.auth ?? {} })
  }

  /** What `name` resolves to in its registry (GET /distribution/{name}/json). */
  distributionInspect(
    name: string,
    opts: { auth?: AuthConfig; signal?: AbortSignal } = {},
  ): Promise<DistributionInspect> {
    return distributionInspect(this.#registries, name, { ...opts, auth: opts.auth ?? {} })
  }

  async login(auth: AuthConfig, opts: { signal?: AbortSignal } = {}): Promise<{ status: string }> {
    const domain = registryDomainOf(auth.serveraddress)
    if (auth.username === undefined && auth.identitytoken === undefined)
      throw new UnauthorizedError('login requires a username and password or an identity token')
    await this.#registries.client(domain, '', auth).ping(opts)
    return { status: 'Login Succeeded' }
  }

  #distributionDeps() {
    return { core: this.#core, registries: this.#registries, distribution: this.#distribution }
  }

  /** Builder: an image from a parent, an optional layer tar and a full run config, without a
   *  container (see build-commit.ts). Untagged. @throws NotFoundError (parent). */
  commitLayer(req: LayerCommitRequest): Promise<ImageView> {
    return commitLayer(this.#core, req)
  }

  /** Builder: an image's unpacked layer directories, topmost first (read-only). @throws NotFoundError. */
  layerDirs(imageId: string): string[] {
    return imageLayerDirs(this.#core, imageId)
  }

  async usage(): Promise<{ images: number; layersSize: number; sharedSize: Record<string, number> }> {
    const layersSize = this.#core.layers.all().reduce((n, l) => n + l.size, 0)
    const images = this.#core.store.all()
    const users = new Map<string, number>()
    for (const img of images) for (const c of new Set(img.chainIds)) users.set(c, (users.get(c) ?? 0) + 1)
    const sharedSize: Record<string, number> = {}
    for (const img of images) {
      sharedSize[img.id] = [...new Set(img.chainIds)]
        .filter((c) => (users.get(c) ?? 0) > 1)
        .reduce((n, c) => n + (this.#core.layers.get(c)?.size ?? 0), 0)
    }
    return { images: images.length, layersSize, sharedSize }
  }
}
