// `docker pull`: resolves the reference to a platform's manifest and config (resolve.ts),
// downloads and unpacks missing layers concurrently (download.ts), commits the unpacked layers
// in order, then commits the image, its tag and its RepoDigest. Progress is docker's JSON message sequence. Crash- and
// failure-safe by ordering: verified blobs, unpacked layers, image record, names. A failed pull
// leaves no image and no name; verified layer blobs stay so a retry continues (init's GC drops
// them if nothing ever uses them).
import { InternalError } from '../../lib/errors.ts'
import {
  chainIds,
  type Descriptor,
  type Digest,
  familiarName,
  familiarString,
  MediaType,
  nameOf,
  type Reference,
  refString,
  sha256Of,
} from '../../oci/index.ts'
import { type AuthConfig, hasCredentials } from '../auth/index.ts'
import type { ImageCore } from '../core.ts'
import type { ProgressMessage } from '../image-service-contract.ts'
import { parsePlatform } from '../import.ts'
import type { StagedLayer } from '../layer-store.ts'
import { isAbort, type Registries, type RegistryClient } from '../registry-client/index.ts'
import type { DistributionStore } from './distribution-store.ts'
import { downloadLayer, shortDigest } from './download.ts'
import { MessageQueue, runLimited } from './progress.ts'
import { type PullTarget, pullError, resolveImage } from './resolve.ts'

export interface PullDeps {
  core: ImageCore
  registries: Registries
  distribution: DistributionStore
}

export interface PullOptions {
  auth: AuthConfig
  /** "os[/arch[/variant]]"; default the host's platform. */
  platform?: string
  signal?: AbortSignal
}

/** Pulls `ref` (tagged or by digest; neither means every tag of the repository). The first
 *  message is yielded only once the manifest and config are fetched, so a missing tag or a
 *  refused login fails the first next() (the API answers it with a status, as dockerd does).
 *  @throws NotFoundError, ForbiddenError, UnavailableError, InvalidArgumentError. */
export async function* pull(
  deps: PullDeps,
  ref: Reference,
  opts: PullOptions,
): AsyncGenerator<ProgressMessage> {
  const platform = parsePlatform(opts.platform)
  const clients = deps.registries.pullClients(ref.domain, ref.path, opts.auth)
  const resolve = (c: RegistryClient, r: Reference) =>
    resolveImage(c, r, { platform, signal: opts.signal, authenticated: hasCredentials(opts.auth) })
  if (ref.tag !== undefined || ref.digest !== undefined) {
    const { client, value: target } = await firstAnswering(clients, (c) => resolve(c, ref), opts.signal)
    const { status } = yield* pullTarget(deps, client, ref, target, opts.signal)
    yield { status: `Status: ${status} for ${familiarString(ref)}` }
    return
  }
  const { client, value: tags } = await firstAnswering(clients, (c) => listTags(c, ref, opts), opts.signal)
  let newer = false
  for (const tag of tags) {
    const tagged = { ...ref, tag }
    const target = await resolve(client, tagged)
    const { status } = yield* pullTarget(deps, client, tagged, target, opts.signal)
    newer ||= status !== 'Image is up to date'
  }
  yield {
    status: `Status: ${newer ? 'Downloaded newer image' : 'Image is up to date'} for ${familiarName(ref)}`,
  }
}

/** Tries each endpoint in order (Docker Hub's mirrors, then the registry): a mirror that is
 *  down, refuses, or lacks the image is skipped, as dockerd does; the last endpoint's error is
 *  the one reported. */
export async function firstAnswering<T>(
  clients: RegistryClient[],
  fn: (c: RegistryClient) => Promise<T>,
  signal: AbortSignal | undefined,
): Promise<{ client: RegistryClient; value: T }> {
  for (const [i, client] of clients.entries()) {
    try {
      return { client, value: await fn(client) }
    } catch (err) {
      if (i === clients.length - 1 || isAbort(err) || signal?.aborted) throw err
    }
  }
  throw new InternalError('no registry endpoint to pull from')
}

async function listTags(client: RegistryClient, ref: Reference, opts: PullOptions): Promise<string[]> {
  try {
    const tags = await client.tags({ signal: opts.signal })
    return tags.sort()
  } catch (err) {
    throw pullError(err, ref, `${client.endpoint.base}/v2/${ref.path}/tags/list`, hasCredentials(opts.auth))
  }
}

type PullStatus = 'Downloaded newer image' | 'Image is up to date'

async function* pullTarget(
  deps: PullDeps,
  client: RegistryClient,
  ref: Reference,
  target: PullTarget,
  signal: AbortSignal | undefined,
): AsyncGenerator<ProgressMessage, { status: PullStatus }> {
  yield { status: `Pulling from ${ref.path}`, id: ref.tag ?? ref.digest }
  const queue = new MessageQueue<ProgressMessage>()
  let fetched = 0
  const work = fetchLayers(deps, client, target, (m) => queue.push(m), signal).then(
    (n) => {
      fetched = n
      queue.end()
    },
    (err: unknown) => queue.end(err),
  )
  yield* queue
  await work
  const changed = await commit(deps, ref, target)
  yield { status: `Digest: ${target.top.digest}` }
  return { status: changed || fetched > 0 ? 'Downloaded newer image' : 'Image is up to date' }
}

/** Downloads and unpacks (≤ maxConcurrentDownloads at once) the layers not yet present and
 *  commits them in order. Returns how many were downloaded. */
async function fetchLayers(
  deps: PullDeps,
  client: RegistryClient,
  target: PullTarget,
  emit: (m: ProgressMessage) => void,
  signal: AbortSignal | undefined,
): Promise<number> {
  const { core } = deps
  const diffIds = target.config.rootfs.diff_ids
  const chain = chainIds(diffIds)
  const layers = target.manifest.layers
  const ready = layers.map(() => Promise.withResolvers<void>())
  // Downloaded layers, unpacked into staging directories, waiting for their turn to be committed.
  const staged: Array<StagedLayer | undefined> = layers.map(() => undefined)
  const ctrl = new AbortController()
  const tasks: Array<() => Promise<void>> = []
  for (const [i, layer] of layers.entries()) {
    const id = shortDigest(layer.digest)
    if (core.layers.get(chain[i]!)) {
      emit({ status: 'Already exists', id, progressDetail: {} })
      ready[i]!.resolve()
    } else if (await core.content.has(diffIds[i]!)) {
      emit({ status: 'Download complete', id, progressDetail: {} })
      ready[i]!.resolve()
    } else {
      emit({ status: 'Pulling fs layer', id, progressDetail: {} })
      tasks.push(async () => {
        staged[i] = await downloadLayer(core, client, layer, diffIds[i]!, emit, ctrl.signal)
        ready[i]!.resolve()
      })
    }
  }
  const onAbort = () => ctrl.abort(signal?.reason)
  signal?.addEventListener('abort', onAbort, { once: true })
  try {
    const downloads = runLimited(tasks, deps.registries.options.maxConcurrentDownloads, ctrl)
    const failed = downloads.then(() => new Promise<void>(() => undefined))
    // Observed by the race in unpackInOrder; this handler only keeps an unobserved
    // rejection (unpacking was busy when a download failed) from being "unhandled".
    failed.catch(() => undefined)
    const unpack = unpackInOrder(deps, target, ready, staged, failed, emit).catch((err: unknown) => {
      ctrl.abort(err)
      throw err
    })
    const [d, u] = await Promise.allSettled([downloads, unpack])
    // An unpack failure aborts the downloads: report it, not their AbortErrors.
    const downloadErr = d.status === 'rejected' ? d.reason : undefined
    const unpackErr = u.status === 'rejected' ? u.reason : undefined
    const err = downloadErr !== undefined && !isAbort(downloadErr) ? downloadErr : (unpackErr ?? downloadErr)
    if (err !== undefined) throw isAbort(err) && signal?.aborted ? (signal.reason ?? err) : err
  } finally {
    signal?.removeEventListener('abort', onAbort)
    // A failed pull commits no further layer: drop what was unpacked but not committed.
    for (const s of staged) if (s) await core.layers.discard(s)
  }
  return tasks.length
}

async function unpackInOrder(
  deps: PullDeps,
  target: PullTarget,
  ready: Array<PromiseWithResolvers<void>>,
  staged: Array<StagedLayer | undefined>,
  failed: Promise<void>,
  emit: (m: ProgressMessage) => void,
): Promise<void> {
  const { core } = deps
  const diffIds = target.config.rootfs.diff_ids
  const chain = chainIds(diffIds)
  for (const [i, layer] of target.manifest.layers.entries()) {
    await Promise.race([ready[i]!.promise, failed])
    if (core.layers.get(chain[i]!)) continue
    const id = shortDigest(layer.digest)
    emit({ status: 'Extracting', id, progressDetail: {} })
    const s = staged[i]
    staged[i] = undefined
    if (s) await core.layers.commitStaged(diffIds.slice(0, i + 1), s)
    else await core.layers.ensure(diffIds.slice(0, i + 1), (d) => core.content.read(d))
    emit({ status: 'Pull complete', id, progressDetail: {} })
  }
}

/** Makes the image visible and names it. Returns true when the tag (or digest) now names an
 *  image it did not name before. */
async function commit(deps: PullDeps, ref: Reference, target: PullTarget): Promise<boolean> {
  const { core, distribution } = deps
  const repository = nameOf(ref)
  await distribution.putManifest(target.top.digest, target.top.bytes)
  const format = target.image.mediaType === MediaType.ociManifest ? 'oci' : 'docker'
  await distribution.setImageFormat(sha256Of(target.configBytes), format)
  if (target.image !== target.top) await distribution.putManifest(target.image.digest, target.image.bytes)
  const diffIds = target.config.rootfs.diff_ids
  for (const [i, layer] of target.manifest.layers.entries())
    await distribution.addSource(diffIds[i]!, sourceOf(layer, repository))
  return core.lock.run(async () => {
    const img = await core.commitImage(target.configBytes)
    const digestRef = refString({ domain: ref.domain, path: ref.path, digest: target.top.digest })
    const key =
      ref.tag !== undefined ? refString({ domain: ref.domain, path: ref.path, tag: ref.tag }) : digestRef
    const before = core.store.lookup(key)
    if (ref.tag !== undefined) await core.setTag({ domain: ref.domain, path: ref.path, tag: ref.tag }, img.id)
    if (core.store.lookup(digestRef) !== img.id) await core.store.setRefs([{ ref: digestRef, id: img.id }])
    core.publisher.publish('image', 'pull', familiarString(ref), { name: familiarName(ref) })
    return before !== img.id
  })
}

function sourceOf(layer: Descriptor, repository: string) {
  return { digest: layer.digest as Digest, mediaType: layer.mediaType, size: layer.size, repository }
}
