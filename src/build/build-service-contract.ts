// What POST /build and `builder prune` need from the builder. Messages are Docker's legacy
// JSONMessage stream: the docker CLI prints them as they are.
export interface BuildOptions {
  /** Path of the Dockerfile inside the context ('Dockerfile' by default). */
  dockerfile: string
  tags: string[]
  buildArgs: Record<string, string | null>
  target?: string
  noCache: boolean
  pull: boolean
  /** Remove intermediate containers after a successful build (default true) / always. */
  rm: boolean
  forceRm: boolean
  labels: Record<string, string>
  networkMode?: string
  platform?: string
  /** q=1: only the final `sha256:…` id is streamed. */
  quiet: boolean
  extraHosts: string[]
  /** Registry auth for FROM of images not present locally, per registry (X-Registry-Config). */
  registryAuth?: Record<
    string,
    { username?: string; password?: string; auth?: string; identitytoken?: string }
  >
}
export interface BuildMessage {
  stream?: string
  aux?: { ID: string }
  error?: string
  errorDetail?: { code?: number; message: string }
}
export interface BuildCacheRecord {
  ID: string
  Parent?: string
  Type: 'regular' | 'source.local' | 'exec.cachemount' | 'internal'
  Description: string
  InUse: boolean
  Shared: boolean
  Size: number
  CreatedAt: string
  LastUsedAt: string | null
  UsageCount: number
}
export interface BuildService {
  /** Builds from a context tar (plain or gzip). Emits messages as it goes; resolves to the image id
   *  (`sha256:…`). A failure is emitted as an error message AND rejected (InvalidArgumentError for
   *  Dockerfile/user errors, which the route reports in-stream since the 200 header is already sent). */
  build(
    context: NodeJS.ReadableStream,
    opts: BuildOptions,
    emit: (m: BuildMessage) => void,
    signal?: AbortSignal,
  ): Promise<string>
  /** POST /build/prune: all, filters (until, id, parent, type, description, inuse, shared, private), keep-storage/reserved-space. */
  prune(opts: {
    all: boolean
    filters: Record<string, string[]>
    keepStorage?: number
  }): Promise<{ CachesDeleted: string[]; SpaceReclaimed: number }>
  /** For /system/df BuildCache. */
  usage(): Promise<BuildCacheRecord[]>
}
