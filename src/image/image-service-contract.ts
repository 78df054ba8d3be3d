// The contract of the image domain as the rest of berth uses it (API routes, the container
// service). The image helper implements it in image-service.ts; this file holds only types.
import type { Readable } from 'node:stream'
import type { ImageConfigConfig } from '../oci/index.ts'
import type { AuthConfig } from './auth/index.ts'

/** The `config` section of an image config, with Docker's field names (defined once in oci/). */
export type ImageRunConfig = ImageConfigConfig

export interface ImageHistoryEntry {
  created?: string
  created_by?: string
  author?: string
  comment?: string
  empty_layer?: boolean
}

export interface Image {
  /** "sha256:<hex>" digest of the image config blob. */
  id: string
  repoTags: string[]
  repoDigests: string[]
  parent: string
  comment: string
  created: string
  author: string
  architecture: string
  variant?: string
  os: string
  config: ImageRunConfig
  /** Sum of the uncompressed layer sizes. */
  size: number
  rootfs: { type: 'layers'; diffIds: string[] }
  history: ImageHistoryEntry[]
  /** Time the image was last tagged in this store (Metadata.LastTagTime). */
  lastTagTime?: string
}

/** Paths of one container's overlay rootfs (Engine API GraphDriver.Data for overlay2). */
export interface Rootfs {
  lowerDirs: string[]
  upperDir: string
  workDir: string
  mergedDir: string
}

export interface ImageDeleteItem {
  Untagged?: string
  Deleted?: string
}

/** One JSON message of a progress stream, as the Engine API sends it. */
export interface ProgressMessage {
  stream?: string
  status?: string
  id?: string
  progress?: string
  progressDetail?: { current?: number; total?: number }
  error?: string
  errorDetail?: { message: string }
  aux?: Record<string, unknown>
}

export interface ImageListOptions {
  all?: boolean
  /** Engine API filters: dangling, label, reference, before, since, until. */
  filters?: Record<string, string[]>
}

export interface ImageServiceContract {
  /** Finds an image by id (full, "sha256:" prefixed or unique prefix ≥ 1 char of the hex),
   *  name[:tag] (normalised like Docker: "busybox" = "docker.io/library/busybox:latest") or
   *  name@digest. @throws NotFoundError "No such image: <ref>". */
  resolve(ref: string): Promise<Image>
  list(opts?: ImageListOptions): Promise<Image[]>
  /** Adds `target` (repo[:tag]) to the image `source`. Moves the tag if it pointed elsewhere.
   *  @throws NotFoundError, InvalidArgumentError for a bad reference. Idempotent. */
  tag(source: string, target: string): Promise<void>
  /** Docker's rmi: untags a reference, deletes the image when no tag is left (or `force`).
   *  `inUseBy(imageId)` returns a container id using it or undefined.
   *  @throws ConflictError when in use (unless force for a stopped user) or tagged in several repos
   *  and referenced by id without force; NotFoundError. */
  remove(ref: string, opts: { force: boolean; noprune: boolean }): Promise<ImageDeleteItem[]>
  history(ref: string): Promise<Array<ImageHistoryEntry & { id: string; size: number; tags: string[] }>>
  /** Creates an image from a rootfs tarball (plain, gzip or zstd). `changes` are Dockerfile
   *  instructions (CMD, ENTRYPOINT, ENV, EXPOSE, LABEL, USER, VOLUME, WORKDIR, STOPSIGNAL).
   *  @throws InvalidArgumentError for a bad tarball or change. */
  importRootfs(
    tar: Readable,
    opts: { reference?: string; changes?: string[]; message?: string; platform?: string },
  ): Promise<Image>
  /** Loads docker-save tarballs and OCI image layouts; yields progress messages
   *  ("Loaded image: name:tag" / "Loaded image ID: sha256:…" as `stream`). */
  load(tar: Readable, opts?: { quiet?: boolean }): AsyncIterable<ProgressMessage>
  /** A docker-save tarball (with OCI layout files) of the given images. @throws NotFoundError. */
  save(refs: string[]): Promise<Readable>
  prune(opts: {
    all: boolean
    filters?: Record<string, string[]>
  }): Promise<{ ImagesDeleted: ImageDeleteItem[]; SpaceReclaimed: number }>
  /** Registers who answers "which container uses this image?" (wired by the daemon). */
  setUsageProbe(probe: (imageId: string) => { containerId: string; running: boolean } | undefined): void

  /** Prepares (but does not mount) an overlay rootfs for `key` (a container id) on top of
   *  the image's layers. Idempotent. @throws NotFoundError. */
  createRootfs(imageId: string, key: string): Promise<Rootfs>
  /** Mounts the rootfs if it is not mounted; returns mergedDir. Idempotent. */
  mountRootfs(key: string): Promise<string>
  /** Unmounts if mounted. Idempotent. */
  unmountRootfs(key: string): Promise<void>
  /** Unmounts and deletes the rootfs and its writable layer. Idempotent. */
  removeRootfs(key: string): Promise<void>
  /** Paths of an existing rootfs. @throws NotFoundError. */
  rootfs(key: string): Promise<Rootfs>
  /** Bytes in the writable layer (SizeRw). */
  rootfsUsage(key: string): Promise<number>
  /** docker commit: the writable layer of rootfs `key` becomes a new layer over `imageId`'s,
   *  with `config` plus `changes` as the run config; tags it when `reference` is given. The
   *  caller keeps the rootfs still (pauses the container). Not idempotent: each call adds an
   *  image (the same content and time give the same id).
   *  @throws NotFoundError (rootfs or image), InvalidArgumentError (reference, change). */
  commit(key: string, opts: CommitRequest): Promise<Image>
  /** docker diff: what the writable layer of `key` changed over the image's layers, in walk
   *  order. `exclude` as in CommitRequest (their directories count as changed only when their
   *  mode differs). Read-only. @throws NotFoundError. */
  rootfsChanges(key: string, opts?: { exclude?: string[] }): Promise<RootfsChange[]>
  /** Totals for /system/df and /info; `sharedSize`: per image id, the bytes of its layers that
   *  other images use too (Docker's SharedSize). */
  usage(): Promise<{ images: number; layersSize: number; sharedSize: Record<string, number> }>

  /** Pulls `ref` from its registry ("name:tag", "name@digest"; a bare name pulls every tag).
   *  Yields docker's pull progress. The first message comes once the manifest and config are
   *  fetched, so "not found" or "access denied" fail the first next() rather than mid-stream.
   *  A failed pull leaves no image and no name. @throws NotFoundError, ForbiddenError,
   *  UnavailableError, InvalidArgumentError (bad reference or registry data). */
  pull(ref: string, opts: PullRequest): AsyncIterable<ProgressMessage>
  /** Pushes the local tags of repository `name` (`tag`, or all when undefined) to its registry;
   *  yields docker's push progress. @throws NotFoundError before the first message when the
   *  image is not local; registry failures end the stream with the error. */
  push(name: string, opts: PushRequest): AsyncIterable<ProgressMessage>
  /** Checks credentials against a registry (POST /auth). @throws UnauthorizedError, UnavailableError. */
  login(
    auth: AuthConfig,
    opts?: { signal?: AbortSignal },
  ): Promise<{ status: string; identityToken?: string }>
}

export interface CommitRequest {
  /** The image the rootfs was created from (the new image's parent). */
  imageId: string
  /** The container's run config; `changes` are applied on top of it. */
  config: ImageRunConfig
  /** Dockerfile instructions as `docker commit -c`. */
  changes?: string[]
  /** "repo[:tag]" for the new image. */
  reference?: string
  comment?: string
  author?: string
  /** created_by of the new history entry: the container's command. */
  createdBy: string
  /** Container paths ("/etc/hosts") left out of the layer: mount-point stubs the runtime made. */
  exclude?: string[]
}

/** One entry of docker diff; kind as Engine API FilesystemChange: 0 modified, 1 added, 2 deleted. */
export interface RootfsChange {
  path: string
  kind: 0 | 1 | 2
}

export interface PullRequest {
  auth?: AuthConfig
  /** "os[/arch[/variant]]"; default the host's. */
  platform?: string
  signal?: AbortSignal
}

export interface PushRequest {
  tag?: string
  auth?: AuthConfig
  signal?: AbortSignal
}
