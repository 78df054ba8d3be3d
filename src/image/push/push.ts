// `docker push`: for each tag of the repository (one, or all), pushes the image's layers
// (push-layer.ts, ≤ maxConcurrentUploads at once), its config, then a Docker schema 2
// manifest by tag (an OCI manifest, with OCI media types throughout, for images that arrived
// as OCI), and records the pushed digest as a RepoDigest. Progress is docker's JSON
// message sequence, ending with "<tag>: digest: … size: N" and the aux {Tag, Digest, Size}.
import { NotFoundError } from '../../lib/errors.ts'
import {
  type Descriptor,
  type Digest,
  familiarName,
  familiarString,
  type Manifest,
  MediaType,
  nameOf,
  parseNormalizedNamed,
  type Reference,
  refString,
} from '../../oci/index.ts'
import type { AuthConfig } from '../auth/index.ts'
import type { ImageCore } from '../core.ts'
import type { ProgressMessage } from '../image-service-contract.ts'
import type { StoredImage } from '../image-store.ts'
import type { DistributionStore } from '../pull/distribution-store.ts'
import { MessageQueue, runLimited } from '../pull/progress.ts'
import type { Registries, RegistryClient } from '../registry-client/index.ts'
import { Compressor } from './compress.ts'
import { layerProgressId, pushLayer } from './push-layer.ts'

export interface PushDeps {
  core: ImageCore
  registries: Registries
  distribution: DistributionStore
}

export interface PushOptions {
  /** The tag to push; undefined pushes every local tag of the repository (Engine API). */
  tag?: string
  auth: AuthConfig
  signal?: AbortSignal
}

/** The local tags to push, checked before anything is sent. @throws NotFoundError. */
function targetsOf(
  core: ImageCore,
  repo: Reference,
  tag: string | undefined,
): Array<{ tag: string; image: StoredImage }> {
  const name = nameOf(repo)
  const tags =
    tag !== undefined
      ? [tag]
      : core.store
          .allRefs()
          .map(([r]) => r)
          .filter((r) => r.startsWith(`${name}:`) && !r.includes('@'))
          .map((r) => r.slice(name.length + 1))
          .sort()
  const out = tags.flatMap((t) => {
    const id = core.store.lookup(refString({ ...repo, tag: t }))
    const image = id ? core.store.get(id) : undefined
    return image ? [{ tag: t, image }] : []
  })
  if (out.length === 0 || out.length < tags.length)
    throw new NotFoundError(
      `An image does not exist locally with the tag: ${familiarString(tag !== undefined ? { ...repo, tag } : repo)}`,
    )
  return out
}

/** Pushes `name` (a repository, optionally with a tag that `opts.tag` overrides). The first
 *  message comes only after the local image is found, so a missing one fails the first next().
 *  @throws NotFoundError; registry failures end the stream. */
export async function* push(
  deps: PushDeps,
  name: string,
  opts: PushOptions,
): AsyncGenerator<ProgressMessage> {
  const named = parseNormalizedNamed(name)
  const repo: Reference = { domain: named.domain, path: named.path }
  const targets = targetsOf(deps.core, repo, opts.tag || named.tag)
  yield { status: `The push refers to repository [${nameOf(repo)}]` }
  const client = deps.registries.client(repo.domain, repo.path, opts.auth)
  for (const t of targets) yield* pushTag(deps, client, repo, t, opts.signal)
}

async function* pushTag(
  deps: PushDeps,
  client: RegistryClient,
  repo: Reference,
  target: { tag: string; image: StoredImage },
  signal: AbortSignal | undefined,
): AsyncGenerator<ProgressMessage> {
  const { core } = deps
  const diffIds = target.image.config.rootfs.diff_ids
  const unique = [...new Set(diffIds)]
  const queue = new MessageQueue<ProgressMessage>()
  for (const d of [...unique].reverse())
    queue.push({ status: 'Preparing', id: layerProgressId(d), progressDetail: {} })
  const descriptors = new Map<Digest, Descriptor>()
  const ctrl = new AbortController()
  const onAbort = () => ctrl.abort(signal?.reason)
  signal?.addEventListener('abort', onAbort, { once: true })
  const oci = (await deps.distribution.imageFormat(target.image.id)) === 'oci'
  const types = oci
    ? { manifest: MediaType.ociManifest, config: MediaType.ociConfig, layer: MediaType.ociLayerGzip }
    : { manifest: MediaType.dockerManifest, config: MediaType.dockerConfig, layer: MediaType.dockerLayerGzip }
  const ctx = {
    core,
    layerMediaType: types.layer,
    distribution: deps.distribution,
    client,
    repository: nameOf(repo),
    chunkSize: deps.registries.options.chunkSize,
    compressor: await Compressor.create(),
    emit: (m: ProgressMessage) => queue.push(m),
    signal: ctrl.signal,
  }
  const tasks = unique.map((d) => async () => {
    descriptors.set(d, await pushLayer(ctx, d))
  })
  const work = runLimited(tasks, deps.registries.options.maxConcurrentUploads, ctrl).then(
    () => queue.end(),
    (err: unknown) => queue.end(err),
  )
  try {
    yield* queue
    await work
  } finally {
    signal?.removeEventListener('abort', onAbort)
  }
  const configBytes = await core.content.readBuffer(target.image.id)
  const config: Descriptor = {
    mediaType: types.config,
    digest: target.image.id,
    size: configBytes.length,
  }
  if (!(await client.blobExists(config.digest, { signal })))
    await client.upload(config, async (o, n) => configBytes.subarray(o, o + n), { signal })
  const manifest: Manifest = {
    schemaVersion: 2,
    mediaType: types.manifest,
    config,
    layers: diffIds.map((d) => descriptors.get(d)!),
  }
  const bytes = Buffer.from(JSON.stringify(manifest, null, 3))
  const digest = await client.putManifest(target.tag, bytes, types.manifest, signal)
  await recordPush(deps, repo, target, digest, bytes)
  yield { status: `${target.tag}: digest: ${digest} size: ${bytes.length}` }
  yield { progressDetail: {}, aux: { Tag: target.tag, Digest: digest, Size: bytes.length } }
}

async function recordPush(
  deps: PushDeps,
  repo: Reference,
  target: { tag: string; image: StoredImage },
  digest: Digest,
  bytes: Buffer,
): Promise<void> {
  const { core } = deps
  await deps.distribution.putManifest(digest, bytes)
  await core.lock.run(async () => {
    // The tag may have moved while pushing: record the digest only for the image pushed.
    if (!core.store.get(target.image.id)) return
    await core.store.setRefs([{ ref: refString({ ...repo, digest }), id: target.image.id }])
  })
  core.publisher.publish('image', 'push', familiarString({ ...repo, tag: target.tag }), {
    name: familiarName(repo),
  })
}
