// The first half of a pull: from a reference to one verified image manifest and its config.
// Follows a manifest list / OCI index to the entry for the wanted platform, and turns the
// registry's failures into docker's pull messages ("manifest for … not found", "pull access
// denied for …"). Reads nothing but manifests and the config; writes nothing.
import {
  BerthError,
  ForbiddenError,
  InvalidArgumentError,
  NotFoundError,
  UnauthorizedError,
} from '../../lib/errors.ts'
import {
  type Descriptor,
  familiarName,
  familiarString,
  type ImageConfig,
  type Index,
  isDigest,
  isIndexMediaType,
  isManifestMediaType,
  layerCompression,
  type Manifest,
  type Platform,
  type Reference,
} from '../../oci/index.ts'
import { type FetchedManifest, type RegistryClient, RegistryNotFoundError } from '../registry-client/index.ts'

export interface PullTarget {
  /** What the reference named: an index or the manifest itself. Its digest is the RepoDigest. */
  top: FetchedManifest
  /** The platform's image manifest (the same object as `top` when there is no index). */
  image: FetchedManifest
  manifest: Manifest
  configBytes: Buffer
  config: ImageConfig
}

/** Docker's translatePullError: what a failed manifest fetch means to the user. */
export function pullError(err: unknown, ref: Reference, url: string, authenticated: boolean): unknown {
  if (!(err instanceof BerthError)) return err
  const denied = `pull access denied for ${familiarName(ref)}, repository does not exist or may require 'docker login'`
  if (err instanceof RegistryNotFoundError) {
    if (err.codes.includes('NAME_UNKNOWN'))
      return new NotFoundError(`repository ${familiarName(ref)} not found: ${err.message}`, { cause: err })
    return new NotFoundError(`manifest for ${familiarString(ref)} not found: ${err.message}`, { cause: err })
  }
  if (err instanceof UnauthorizedError || err instanceof ForbiddenError) {
    // With credentials the registry refused them: say so (not 401, which makes docker's CLI
    // prompt for a login); without, it is docker's "pull access denied".
    if (authenticated) return new ForbiddenError(`Get "${url}": ${err.message}`, { cause: err })
    return new NotFoundError(`${denied}: ${err.message}`, { cause: err })
  }
  return err
}

function parseJson<T>(bytes: Buffer, what: string): T {
  try {
    return JSON.parse(bytes.toString('utf8')) as T
  } catch (err) {
    throw new InvalidArgumentError(`${what} is not valid JSON`, { cause: err })
  }
}

function checkDescriptor(d: unknown, what: string): Descriptor {
  const desc = d as Descriptor
  if (
    typeof desc?.digest !== 'string' ||
    !isDigest(desc.digest) ||
    !desc.digest.startsWith('sha256:') ||
    typeof desc.size !== 'number' ||
    desc.size < 0
  )
    throw new InvalidArgumentError(`invalid ${what} descriptor in manifest`)
  return desc
}

/** Picks the index entry for `want` (os/arch, then variant when asked for). */
export function selectManifest(index: Index, want: Platform): Descriptor {
  const images = index.manifests.filter(
    (m) =>
      isManifestMediaType(m.mediaType) &&
      m.platform?.os === want.os &&
      m.platform.architecture === want.architecture,
  )
  const pick =
    (want.variant
      ? images.find((m) => m.platform?.variant === want.variant)
      : (images.find((m) => !m.platform?.variant || m.platform.variant === 'v8') ?? images[0])) ?? undefined
  if (!pick) {
    const p = [want.os, want.architecture, want.variant].filter(Boolean).join('/')
    throw new NotFoundError(`no matching manifest for ${p} in the manifest list entries`)
  }
  return checkDescriptor(pick, 'manifest')
}

function validManifest(m: FetchedManifest): Manifest {
  const body = parseJson<Manifest>(m.bytes, 'manifest')
  if (body?.schemaVersion !== 2 || !Array.isArray(body.layers))
    throw new InvalidArgumentError(`unsupported manifest format (media type ${m.mediaType})`)
  checkDescriptor(body.config, 'config')
  for (const l of body.layers) {
    checkDescriptor(l, 'layer')
    if (layerCompression(l.mediaType) === undefined)
      throw new InvalidArgumentError(`unsupported layer media type ${l.mediaType}`)
  }
  return body
}

function validConfig(bytes: Buffer, layers: number): ImageConfig {
  const c = parseJson<ImageConfig>(bytes, 'image config')
  const ids = c?.rootfs?.diff_ids
  if (!Array.isArray(ids) || !ids.every((d) => typeof d === 'string' && isDigest(d)))
    throw new InvalidArgumentError('invalid image config: no rootfs.diff_ids')
  if (ids.length !== layers)
    throw new InvalidArgumentError(`invalid image config: ${ids.length} diff_ids but ${layers} layers`)
  return c
}

/** Fetches and verifies everything up to the config. @throws docker's pull errors. */
export async function resolveImage(
  client: RegistryClient,
  ref: Reference,
  opts: { platform: Platform; signal?: AbortSignal; authenticated: boolean },
): Promise<PullTarget> {
  const reference = (ref.digest ?? ref.tag)!
  const url = `${client.endpoint.base}/v2/${client.repository}/manifests/${reference}`
  let top: FetchedManifest
  try {
    top = await client.manifest(reference, { signal: opts.signal })
  } catch (err) {
    throw pullError(err, ref, url, opts.authenticated)
  }
  let image = top
  if (isIndexMediaType(top.mediaType)) {
    const index = parseJson<Index>(top.bytes, 'manifest list')
    if (!Array.isArray(index?.manifests)) throw new InvalidArgumentError('invalid manifest list')
    const entry = selectManifest(index, opts.platform)
    image = await client.manifest(entry.digest, { signal: opts.signal })
  } else if (!isManifestMediaType(top.mediaType)) {
    throw new InvalidArgumentError(`unsupported manifest media type ${top.mediaType}`)
  }
  const manifest = validManifest(image)
  const configBytes = await client.blobBytes(manifest.config, { signal: opts.signal })
  const config = validConfig(configBytes, manifest.layers.length)
  return { top, image, manifest, configBytes, config }
}
