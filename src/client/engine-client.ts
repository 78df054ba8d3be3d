// EngineClient: the typed Engine API v1.47 client. One method per operationId (camelCase); it
// builds paths/queries and decodes JSON, nothing more. No CLI formatting, no retries.
import type { Duplex, Readable } from 'node:stream'
import type {
  ContainerConfig,
  ContainerCreateRequest,
  ContainerCreateResponse,
  ContainerInspectResponse,
  ContainerPruneResponse,
  ContainerSummary,
  ContainerTopResponse,
  ContainerUpdateRequest,
  ContainerUpdateResponse,
  ContainerWaitResponse,
  EventMessage,
  FilesystemChange,
  HistoryResponseItem,
  IdResponse,
  ImageDeleteResponseItem,
  ImageInspect,
  ImagePruneResponse,
  ImageSummary,
  JSONMessage,
  Network,
  NetworkConnectRequest,
  NetworkCreateRequest,
  NetworkCreateResponse,
  NetworkDisconnectRequest,
  NetworkPruneResponse,
  SystemDataUsageResponse,
  SystemInfo,
  SystemVersion,
  Volume,
} from '../api/types/index.ts'
import { type Endpoint, parseEndpoint, type TlsSettings } from './endpoint.ts'
import type { ContainerStatsResponse, ExecConfigRequest, ExecInspectResponse } from './exec-types.ts'
import { jsonLines, readText } from './json-stream.ts'
import type { HttpResponse, Query, RequestOptions, Transport } from './transport.ts'

/** The newest API version this client speaks; negotiation may lower it, never raise it. */
export const CLIENT_API_VERSION = '1.47'

/** `{"key": ["v1", "v2"]}`; encoded on the wire as docker's filters.ToJSON does. */
export type Filters = Record<string, string[]>

export interface EngineClientOptions {
  host: string
  tls?: TlsSettings
  /** Pin a version and skip negotiation (DOCKER_API_VERSION). */
  apiVersion?: string
  userAgent?: string
}

export interface StreamResult {
  stream: HttpResponse
  /** True when the body uses the 8-byte stdout/stderr framing (no TTY). */
  multiplexed: boolean
}

export interface AttachResult {
  socket: Duplex
  multiplexed: boolean
}

export interface VolumeListResponse {
  Volumes: Volume[] | null
  Warnings: string[] | null
}

export interface VolumePruneResponse {
  VolumesDeleted: string[] | null
  SpaceReclaimed: number
}

/** Engine API ContainerPathStat, decoded from the X-Docker-Container-Path-Stat header. */
export interface ContainerPathStat {
  name: string
  size: number
  /** Go's os.FileMode (ModeDir = 2^31, ModeSymlink = 2^27, permission bits below). */
  mode: number
  mtime: string
  linkTarget: string
}

export interface PingResult {
  apiVersion: string | undefined
  osType: string | undefined
  experimental: boolean
}

export class EngineClient {
  readonly endpoint: Endpoint
  readonly #userAgent: string | undefined
  #transport: Promise<Transport> | undefined
  #closed = false
  #version: Promise<string> | undefined

  constructor(opts: EngineClientOptions) {
    this.endpoint = parseEndpoint(opts.host, opts.tls)
    this.#userAgent = opts.userAgent
    if (opts.apiVersion) this.#version = Promise.resolve(opts.apiVersion)
  }

  /** The negotiated API version (pings the daemon on first use). */
  apiVersion(): Promise<string> {
    this.#version ??= this.systemPing().then(
      (p) => negotiate(p.apiVersion),
      (err) => {
        this.#version = undefined
        throw err
      },
    )
    return this.#version
  }

  /** Releases idle keep-alive connections. */
  close(): void {
    this.#closed = true
    this.#transport?.then(
      (t) => t.close(),
      () => undefined,
    )
  }

  /** The HTTP transport, created (and node:http loaded) on first use. */
  #http(): Promise<Transport> {
    if (this.#closed) throw new Error('client is closed')
    this.#transport ??= import('./transport.ts').then((m) =>
      m.Transport.create(this.endpoint, { userAgent: this.#userAgent }),
    )
    return this.#transport
  }

  // ---- system ----

  async systemPing(): Promise<PingResult> {
    const res = await (await this.#http()).request({ method: 'GET', path: '/_ping' })
    res.resume()
    const h = res.headers
    return {
      apiVersion: first(h['api-version']),
      osType: first(h.ostype),
      experimental: first(h['docker-experimental']) === 'true',
    }
  }

  systemVersion(): Promise<SystemVersion> {
    return this.#json({ method: 'GET', path: '/version' })
  }

  systemInfo(): Promise<SystemInfo> {
    return this.#json({ method: 'GET', path: '/info' })
  }

  /** Streams events until `until` passes or `signal` aborts. */
  async *systemEvents(
    opts: { since?: string; until?: string; filters?: Filters; signal?: AbortSignal } = {},
  ): AsyncGenerator<EventMessage> {
    const query = { since: opts.since, until: opts.until, filters: encodeFilters(opts.filters) }
    const res = await this.#request({ method: 'GET', path: '/events', query, signal: opts.signal })
    yield* jsonLines<EventMessage>(res)
  }

  systemDataUsage(opts: { type?: string[]; signal?: AbortSignal } = {}): Promise<SystemDataUsageResponse> {
    return this.#json({ method: 'GET', path: '/system/df', query: { type: opts.type }, signal: opts.signal })
  }

  // ---- containers ----

  containerList(
    opts: { all?: boolean; limit?: number; size?: boolean; filters?: Filters } = {},
  ): Promise<ContainerSummary[]> {
    const query = {
      all: opts.all || undefined,
      limit: opts.limit,
      size: opts.size || undefined,
      filters: encodeFilters(opts.filters),
    }
    return this.#json({ method: 'GET', path: '/containers/json', query })
  }

  containerCreate(
    body: ContainerCreateRequest,
    opts: { name?: string; platform?: string } = {},
  ): Promise<ContainerCreateResponse> {
    return this.#json({
      method: 'POST',
      path: '/containers/create',
      query: { name: opts.name, platform: opts.platform },
      body,
    })
  }

  containerInspect(id: string, opts: { size?: boolean } = {}): Promise<ContainerInspectResponse> {
    return this.#json({
      method: 'GET',
      path: `/containers/${enc(id)}/json`,
      query: { size: opts.size || undefined },
    })
  }

  containerStart(id: string, opts: { detachKeys?: string } = {}): Promise<void> {
    return this.#empty({
      method: 'POST',
      path: `/containers/${enc(id)}/start`,
      query: { detachKeys: opts.detachKeys },
    })
  }

  containerStop(id: string, opts: { signal?: string; timeout?: number } = {}): Promise<void> {
    return this.#empty({
      method: 'POST',
      path: `/containers/${enc(id)}/stop`,
      query: { signal: opts.signal, t: opts.timeout },
    })
  }

  containerRestart(id: string, opts: { signal?: string; timeout?: number } = {}): Promise<void> {
    return this.#empty({
      method: 'POST',
      path: `/containers/${enc(id)}/restart`,
      query: { signal: opts.signal, t: opts.timeout },
    })
  }

  containerKill(id: string, opts: { signal?: string } = {}): Promise<void> {
    return this.#empty({
      method: 'POST',
      path: `/containers/${enc(id)}/kill`,
      query: { signal: opts.signal },
    })
  }

  /** Long poll: resolves when the condition is met. The request is sent before this returns a
   *  settled value, so `run` can call it before start without missing a fast exit. */
  containerWait(
    id: string,
    opts: { condition?: 'not-running' | 'next-exit' | 'removed'; signal?: AbortSignal } = {},
  ): Promise<ContainerWaitResponse> {
    return this.#json({
      method: 'POST',
      path: `/containers/${enc(id)}/wait`,
      query: { condition: opts.condition },
      signal: opts.signal,
    })
  }

  /** Like containerWait, but resolves as soon as the daemon answers with headers, i.e. once
   *  the wait is registered (the daemon flushes headers before blocking, as moby does). `run`
   *  uses this before start so a fast exit cannot be missed. */
  async containerWaitRegistered(
    id: string,
    opts: { condition?: 'not-running' | 'next-exit' | 'removed'; signal?: AbortSignal } = {},
  ): Promise<{ result: Promise<ContainerWaitResponse> }> {
    const res = await this.#request({
      method: 'POST',
      path: `/containers/${enc(id)}/wait`,
      query: { condition: opts.condition },
      signal: opts.signal,
    })
    return { result: readText(res).then((t) => JSON.parse(t) as ContainerWaitResponse) }
  }

  containerDelete(
    id: string,
    opts: { force?: boolean; volumes?: boolean; link?: boolean } = {},
  ): Promise<void> {
    const query = {
      force: opts.force || undefined,
      v: opts.volumes || undefined,
      link: opts.link || undefined,
    }
    return this.#empty({ method: 'DELETE', path: `/containers/${enc(id)}`, query })
  }

  containerPause(id: string): Promise<void> {
    return this.#empty({ method: 'POST', path: `/containers/${enc(id)}/pause` })
  }

  containerUnpause(id: string): Promise<void> {
    return this.#empty({ method: 'POST', path: `/containers/${enc(id)}/unpause` })
  }

  containerUpdate(id: string, body: ContainerUpdateRequest): Promise<ContainerUpdateResponse> {
    return this.#json({ method: 'POST', path: `/containers/${enc(id)}/update`, body })
  }

  containerRename(id: string, name: string): Promise<void> {
    return this.#empty({ method: 'POST', path: `/containers/${enc(id)}/rename`, query: { name } })
  }

  containerTop(id: string, opts: { psArgs?: string } = {}): Promise<ContainerTopResponse> {
    return this.#json({ method: 'GET', path: `/containers/${enc(id)}/top`, query: { ps_args: opts.psArgs } })
  }

  containerResize(id: string, opts: { h: number; w: number }): Promise<void> {
    return this.#empty({
      method: 'POST',
      path: `/containers/${enc(id)}/resize`,
      query: { h: opts.h, w: opts.w },
    })
  }

  async containerLogs(
    id: string,
    opts: {
      follow?: boolean
      stdout?: boolean
      stderr?: boolean
      since?: string
      until?: string
      timestamps?: boolean
      tail?: string
      details?: boolean
      signal?: AbortSignal
    } = {},
  ): Promise<StreamResult> {
    const query: Query = {
      follow: opts.follow || undefined,
      stdout: opts.stdout ?? true,
      stderr: opts.stderr ?? true,
      since: opts.since,
      until: opts.until,
      timestamps: opts.timestamps || undefined,
      tail: opts.tail,
      details: opts.details || undefined,
    }
    const res = await this.#request({
      method: 'GET',
      path: `/containers/${enc(id)}/logs`,
      query,
      signal: opts.signal,
    })
    return { stream: res, multiplexed: isMultiplexed(first(res.headers['content-type']), true) }
  }

  /** Hijacks POST /containers/{id}/attach. `tty` says how to frame when the daemon does not tell. */
  async containerAttach(
    id: string,
    opts: {
      stream?: boolean
      logs?: boolean
      stdin?: boolean
      stdout?: boolean
      stderr?: boolean
      detachKeys?: string
      tty?: boolean
    },
  ): Promise<AttachResult> {
    const query: Query = {
      stream: opts.stream ?? true,
      logs: opts.logs || undefined,
      stdin: opts.stdin || undefined,
      stdout: opts.stdout || undefined,
      stderr: opts.stderr || undefined,
      detachKeys: opts.detachKeys,
    }
    const v = await this.apiVersion()
    const h = await (await this.#http()).hijack({
      method: 'POST',
      path: `/v${v}/containers/${enc(id)}/attach`,
      query,
    })
    return { socket: h.socket, multiplexed: isMultiplexed(h.contentType, !opts.tty) }
  }

  /** GET /containers/{id}/stats: one JSON document per sample (every second while streaming). */
  async *containerStats(
    id: string,
    opts: { stream?: boolean; oneShot?: boolean; signal?: AbortSignal } = {},
  ): AsyncGenerator<ContainerStatsResponse> {
    const query = { stream: opts.stream ?? true, 'one-shot': opts.oneShot || undefined }
    const res = await this.#request({
      method: 'GET',
      path: `/containers/${enc(id)}/stats`,
      query,
      signal: opts.signal,
    })
    yield* jsonLines<ContainerStatsResponse>(res)
  }

  // ---- exec ----

  containerExec(id: string, body: ExecConfigRequest): Promise<{ Id: string }> {
    return this.#json({ method: 'POST', path: `/containers/${enc(id)}/exec`, body })
  }

  /** POST /exec/{id}/start. Detached: resolves once started (undefined). Attached: hijacks the
   *  connection like containerAttach; `tty` says how to frame when the daemon does not tell. */
  async execStart(
    id: string,
    opts: { detach?: boolean; tty?: boolean; consoleSize?: [number, number] },
  ): Promise<AttachResult | undefined> {
    const body = { Detach: opts.detach === true, Tty: opts.tty === true, ConsoleSize: opts.consoleSize }
    if (opts.detach) {
      await this.#empty({ method: 'POST', path: `/exec/${enc(id)}/start`, body })
      return undefined
    }
    const v = await this.apiVersion()
    const h = await (await this.#http()).hijack({
      method: 'POST',
      path: `/v${v}/exec/${enc(id)}/start`,
      body,
    })
    return { socket: h.socket, multiplexed: isMultiplexed(h.contentType, !opts.tty) }
  }

  execInspect(id: string): Promise<ExecInspectResponse> {
    return this.#json({ method: 'GET', path: `/exec/${enc(id)}/json` })
  }

  execResize(id: string, opts: { h: number; w: number }): Promise<void> {
    return this.#empty({ method: 'POST', path: `/exec/${enc(id)}/resize`, query: { h: opts.h, w: opts.w } })
  }

  containerPrune(opts: { filters?: Filters } = {}): Promise<ContainerPruneResponse> {
    return this.#json({
      method: 'POST',
      path: '/containers/prune',
      query: { filters: encodeFilters(opts.filters) },
    })
  }

  // ---- images ----

  imageList(
    opts: {
      all?: boolean
      digests?: boolean
      sharedSize?: boolean
      manifests?: boolean
      filters?: Filters
    } = {},
  ): Promise<ImageSummary[]> {
    const query = {
      all: opts.all || undefined,
      digests: opts.digests || undefined,
      'shared-size': opts.sharedSize || undefined,
      manifests: opts.manifests || undefined,
      filters: encodeFilters(opts.filters),
    }
    return this.#json({ method: 'GET', path: '/images/json', query })
  }

  imageInspect(name: string): Promise<ImageInspect> {
    return this.#json({ method: 'GET', path: `/images/${encName(name)}/json` })
  }

  imageHistory(name: string, opts: { platform?: string } = {}): Promise<HistoryResponseItem[]> {
    return this.#json({
      method: 'GET',
      path: `/images/${encName(name)}/history`,
      query: { platform: opts.platform },
    })
  }

  imageTag(name: string, opts: { repo: string; tag?: string }): Promise<void> {
    return this.#empty({
      method: 'POST',
      path: `/images/${encName(name)}/tag`,
      query: { repo: opts.repo, tag: opts.tag },
    })
  }

  imageDelete(
    name: string,
    opts: { force?: boolean; noprune?: boolean } = {},
  ): Promise<ImageDeleteResponseItem[]> {
    const query = { force: opts.force || undefined, noprune: opts.noprune || undefined }
    return this.#json({ method: 'DELETE', path: `/images/${encName(name)}`, query })
  }

  /** POST /images/create with fromSrc (import). `source` is the tarball when fromSrc is "-". */
  async *imageCreate(opts: {
    fromSrc?: string
    fromImage?: string
    repo?: string
    tag?: string
    message?: string
    changes?: string[]
    platform?: string
    source?: Readable
    /** X-Registry-Auth for pulls: base64url JSON AuthConfig (see encodeRegistryAuth). */
    registryAuth?: string
  }): AsyncGenerator<JSONMessage> {
    const query: Query = {
      fromSrc: opts.fromSrc,
      fromImage: opts.fromImage,
      repo: opts.repo,
      tag: opts.tag,
      message: opts.message,
      changes: opts.changes,
      platform: opts.platform,
    }
    const res = await this.#request({
      method: 'POST',
      path: '/images/create',
      query,
      body: opts.source,
      contentType: 'application/x-tar',
      headers: opts.registryAuth ? { 'X-Registry-Auth': opts.registryAuth } : undefined,
    })
    yield* jsonLines<JSONMessage>(res)
  }

  /** POST /images/{name}/push; yields docker's push progress. No tag pushes every local tag. */
  async *imagePush(
    name: string,
    opts: { tag?: string; registryAuth?: string; signal?: AbortSignal } = {},
  ): AsyncGenerator<JSONMessage> {
    const res = await this.#request({
      method: 'POST',
      path: `/images/${encName(name)}/push`,
      query: { tag: opts.tag },
      // Engine API: the header is required; docker sends "{}" encoded when it has no credentials.
      headers: { 'X-Registry-Auth': opts.registryAuth || encodeRegistryAuth({}) },
      signal: opts.signal,
    })
    yield* jsonLines<JSONMessage>(res)
  }

  /** POST /auth: checks credentials against a registry. */
  systemAuth(auth: RegistryAuthConfig): Promise<{ Status: string; IdentityToken?: string }> {
    return this.#json({ method: 'POST', path: '/auth', body: auth })
  }

  /** POST /images/load; yields the progress/status lines (quiet suppresses progress bars). */
  async *imageLoad(
    source: Readable,
    opts: { quiet?: boolean; platform?: string } = {},
  ): AsyncGenerator<JSONMessage> {
    const res = await this.#request({
      method: 'POST',
      path: '/images/load',
      query: { quiet: opts.quiet || undefined, platform: opts.platform },
      body: source,
      contentType: 'application/x-tar',
    })
    const type = first(res.headers['content-type']) ?? ''
    if (type.includes('json')) {
      yield* jsonLines<JSONMessage>(res)
      return
    }
    // Older daemons answer with plain text.
    const text = await readText(res)
    if (text !== '') yield { stream: text }
  }

  /** GET /images/{name}/get: a tar stream of one image. */
  imageGet(name: string, opts: { platform?: string } = {}): Promise<HttpResponse> {
    return this.#request({
      method: 'GET',
      path: `/images/${encName(name)}/get`,
      query: { platform: opts.platform },
    })
  }

  /** GET /images/get?names=…: a tar stream of several images. */
  imageGetAll(names: string[], opts: { platform?: string } = {}): Promise<HttpResponse> {
    return this.#request({ method: 'GET', path: '/images/get', query: { names, platform: opts.platform } })
  }

  imagePrune(opts: { filters?: Filters } = {}): Promise<ImagePruneResponse> {
    return this.#json({
      method: 'POST',
      path: '/images/prune',
      query: { filters: encodeFilters(opts.filters) },
    })
  }

  /** POST /build (legacy builder): `context` is the tar (or gzip) body; yields docker's
   *  JSONMessage stream. `registryConfig`: X-Registry-Config, encodeRegistryAuth of a
   *  registry → AuthConfig map. */
  async *imageBuild(context: Readable, opts: ImageBuildOptions = {}): AsyncGenerator<JSONMessage> {
    const query: Query = {
      dockerfile: opts.dockerfile,
      t: opts.tags,
      extrahosts: opts.extraHosts?.length ? opts.extraHosts.join(',') : undefined,
      q: opts.quiet || undefined,
      nocache: opts.noCache || undefined,
      pull: opts.pull || undefined,
      rm: opts.rm === false ? false : undefined,
      forcerm: opts.forceRm || undefined,
      buildargs:
        opts.buildArgs && Object.keys(opts.buildArgs).length ? JSON.stringify(opts.buildArgs) : undefined,
      labels: opts.labels && Object.keys(opts.labels).length ? JSON.stringify(opts.labels) : undefined,
      networkmode: opts.networkMode,
      platform: opts.platform,
      target: opts.target,
      version: '1',
    }
    const res = await this.#request({
      method: 'POST',
      path: '/build',
      query,
      body: context,
      contentType: 'application/x-tar',
      headers: opts.registryConfig ? { 'X-Registry-Config': opts.registryConfig } : undefined,
      signal: opts.signal,
    })
    yield* jsonLines<JSONMessage>(res)
  }

  /** POST /build/prune. */
  buildPrune(
    opts: { all?: boolean; filters?: Filters; keepStorage?: number } = {},
  ): Promise<BuildPruneResponse> {
    return this.#json({
      method: 'POST',
      path: '/build/prune',
      query: {
        all: opts.all || undefined,
        filters: encodeFilters(opts.filters),
        'keep-storage': opts.keepStorage || undefined,
      },
    })
  }

  // ---- volumes ----

  volumeList(opts: { filters?: Filters } = {}): Promise<VolumeListResponse> {
    return this.#json({ method: 'GET', path: '/volumes', query: { filters: encodeFilters(opts.filters) } })
  }

  volumeCreate(body: {
    Name?: string
    Driver?: string
    DriverOpts?: Record<string, string>
    Labels?: Record<string, string>
  }): Promise<Volume> {
    return this.#json({ method: 'POST', path: '/volumes/create', body })
  }

  volumeInspect(name: string): Promise<Volume> {
    return this.#json({ method: 'GET', path: `/volumes/${enc(name)}` })
  }

  volumeDelete(name: string, opts: { force?: boolean } = {}): Promise<void> {
    return this.#empty({
      method: 'DELETE',
      path: `/volumes/${enc(name)}`,
      query: { force: opts.force || undefined },
    })
  }

  volumePrune(opts: { filters?: Filters } = {}): Promise<VolumePruneResponse> {
    return this.#json({
      method: 'POST',
      path: '/volumes/prune',
      query: { filters: encodeFilters(opts.filters) },
    })
  }

  // ---- networks ----

  networkList(opts: { filters?: Filters } = {}): Promise<Network[]> {
    return this.#json({ method: 'GET', path: '/networks', query: { filters: encodeFilters(opts.filters) } })
  }

  networkInspect(id: string, opts: { verbose?: boolean; scope?: string } = {}): Promise<Network> {
    return this.#json({
      method: 'GET',
      path: `/networks/${enc(id)}`,
      query: { verbose: opts.verbose ? 'true' : undefined, scope: opts.scope },
    })
  }

  networkCreate(body: NetworkCreateRequest): Promise<NetworkCreateResponse> {
    return this.#json({ method: 'POST', path: '/networks/create', body })
  }

  networkDelete(id: string): Promise<void> {
    return this.#empty({ method: 'DELETE', path: `/networks/${enc(id)}` })
  }

  networkConnect(id: string, body: NetworkConnectRequest): Promise<void> {
    return this.#empty({ method: 'POST', path: `/networks/${enc(id)}/connect`, body })
  }

  networkDisconnect(id: string, body: NetworkDisconnectRequest): Promise<void> {
    return this.#empty({ method: 'POST', path: `/networks/${enc(id)}/disconnect`, body })
  }

  networkPrune(opts: { filters?: Filters } = {}): Promise<NetworkPruneResponse> {
    return this.#json({
      method: 'POST',
      path: '/networks/prune',
      query: { filters: encodeFilters(opts.filters) },
    })
  }

  // ---- archive ----

  /** HEAD /containers/{id}/archive: the stat of a path in the container. */
  async containerArchiveInfo(id: string, path: string): Promise<ContainerPathStat> {
    const res = await this.#request({
      method: 'HEAD',
      path: `/containers/${enc(id)}/archive`,
      query: { path },
    })
    res.resume()
    return decodePathStat(res.headers['x-docker-container-path-stat'])
  }

  /** GET /containers/{id}/archive: a tar of the path, with its stat. */
  async containerArchive(id: string, path: string): Promise<{ stat: ContainerPathStat; tar: HttpResponse }> {
    const res = await this.#request({
      method: 'GET',
      path: `/containers/${enc(id)}/archive`,
      query: { path },
    })
    return { stat: decodePathStat(res.headers['x-docker-container-path-stat']), tar: res }
  }

  /** PUT /containers/{id}/archive: extracts `tar` into the directory `path`. */
  putContainerArchive(
    id: string,
    path: string,
    tar: Readable,
    opts: { noOverwriteDirNonDir?: boolean; copyUIDGID?: boolean } = {},
  ): Promise<void> {
    return this.#empty({
      method: 'PUT',
      path: `/containers/${enc(id)}/archive`,
      query: {
        path,
        noOverwriteDirNonDir: opts.noOverwriteDirNonDir || undefined,
        copyUIDGID: opts.copyUIDGID || undefined,
      },
      body: tar,
      contentType: 'application/x-tar',
    })
  }

  /** POST /commit: a new image from the container's changes; `config` overrides its run config. */
  imageCommit(opts: {
    container: string
    repo?: string
    tag?: string
    comment?: string
    author?: string
    pause?: boolean
    changes?: string[]
    config?: ContainerConfig
  }): Promise<IdResponse> {
    return this.#json({
      method: 'POST',
      path: '/commit',
      query: {
        container: opts.container,
        repo: opts.repo,
        tag: opts.tag,
        comment: opts.comment,
        author: opts.author,
        pause: opts.pause === undefined ? undefined : opts.pause ? '1' : '0',
        changes: opts.changes,
      },
      body: opts.config,
    })
  }

  /** GET /containers/{id}/changes: what the container changed in its filesystem. */
  async containerChanges(id: string): Promise<FilesystemChange[]> {
    return (
      (await this.#json<FilesystemChange[] | null>({
        method: 'GET',
        path: `/containers/${enc(id)}/changes`,
      })) ?? []
    )
  }

  /** GET /containers/{id}/export: the container's filesystem as a tar. */
  containerExport(id: string): Promise<HttpResponse> {
    return this.#request({ method: 'GET', path: `/containers/${enc(id)}/export` })
  }

  // ---- plumbing ----

  async #versioned(opts: RequestOptions): Promise<RequestOptions> {
    const v = await this.apiVersion()
    return { ...opts, path: `/v${v}${opts.path}` }
  }

  async #request(opts: RequestOptions): Promise<HttpResponse> {
    return (await this.#http()).request(await this.#versioned(opts))
  }

  async #json<T>(opts: RequestOptions): Promise<T> {
    return (await this.#http()).json<T>(await this.#versioned(opts))
  }

  async #empty(opts: RequestOptions): Promise<void> {
    return (await this.#http()).empty(await this.#versioned(opts))
  }
}

/** POST /build query parameters of the legacy builder. */
export interface ImageBuildOptions {
  dockerfile?: string
  tags?: string[]
  extraHosts?: string[]
  quiet?: boolean
  noCache?: boolean
  pull?: boolean
  /** Engine default true; false is sent as rm=0. */
  rm?: boolean
  forceRm?: boolean
  buildArgs?: Record<string, string | null>
  labels?: Record<string, string>
  networkMode?: string
  platform?: string
  target?: string
  registryConfig?: string
  signal?: AbortSignal
}

/** Engine BuildPruneResponse (CachesDeleted is null when nothing was deleted). */
export interface BuildPruneResponse {
  CachesDeleted: string[] | null
  SpaceReclaimed: number
}

/** Engine API AuthConfig as clients send it (X-Registry-Auth, POST /auth). */
export interface RegistryAuthConfig {
  username?: string
  password?: string
  serveraddress?: string
  identitytoken?: string
  registrytoken?: string
}

/** The X-Registry-Auth header value: base64url of the JSON AuthConfig, as docker encodes it. */
export function encodeRegistryAuth(auth: RegistryAuthConfig): string {
  // Go's base64.URLEncoding keeps the "=" padding; dockerd's decoder expects it.
  return Buffer.from(JSON.stringify(auth)).toString('base64').replace(/\+/g, '-').replace(/\//g, '_')
}

/** The lower of our version and the daemon's, as docker's NegotiateAPIVersion does. */
export function negotiate(serverVersion: string | undefined): string {
  if (!serverVersion) return CLIENT_API_VERSION
  return compareVersions(serverVersion, CLIENT_API_VERSION) < 0 ? serverVersion : CLIENT_API_VERSION
}

export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number)
  const pb = b.split('.').map(Number)
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0)
    if (d !== 0) return d < 0 ? -1 : 1
  }
  return 0
}

/** docker's filters.ToJSON: {"key":{"value":true}}; undefined when empty. */
export function encodeFilters(filters: Filters | undefined): string | undefined {
  if (!filters) return undefined
  const entries = Object.entries(filters).filter(([, v]) => v.length > 0)
  if (entries.length === 0) return undefined
  return JSON.stringify(
    Object.fromEntries(entries.map(([k, vs]) => [k, Object.fromEntries(vs.map((v) => [v, true]))])),
  )
}

function decodePathStat(header: string | string[] | undefined): ContainerPathStat {
  const raw = first(header)
  if (!raw) throw new Error('the daemon sent no X-Docker-Container-Path-Stat header')
  return JSON.parse(Buffer.from(raw, 'base64').toString('utf8')) as ContainerPathStat
}

function isMultiplexed(contentType: string | undefined, fallback: boolean): boolean {
  if (contentType?.includes('multiplexed-stream')) return true
  if (contentType?.includes('raw-stream')) return false
  return fallback
}

function first(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v
}

/** Path-segment escaping as Go's url.URL.EscapedPath: ':' and '@' stay literal (name:tag@digest). */
const enc = (s: string) => encodeURIComponent(s).replace(/%3A/gi, ':').replace(/%40/gi, '@')
/** Image references keep their slashes (docker does not escape them in paths). */
const encName = (s: string) => s.split('/').map(enc).join('/')
