// `GET /distribution/{name}/json`: what a reference names in its registry, without pulling.
// The descriptor of the manifest or index the reference resolves to, and the platforms it
// offers (an index's entries, or a single manifest's config os/architecture), as dockerd's
// distribution router answers. Reads manifests and at most one config blob; writes nothing.
import { InvalidArgumentError } from '../../lib/errors.ts'
import {
  type Descriptor,
  type ImageConfig,
  type Index,
  isIndexMediaType,
  isManifestMediaType,
  type Manifest,
  type Platform,
  parseDockerRef,
} from '../../oci/index.ts'
import { type AuthConfig, hasCredentials } from '../auth/index.ts'
import type { Registries } from '../registry-client/index.ts'
import { firstAnswering } from './pull.ts'
import { pullError } from './resolve.ts'

export interface DistributionInspect {
  descriptor: Descriptor
  platforms: Platform[]
}

/** @throws InvalidArgumentError for a bad reference, and pull's errors (NotFoundError for an
 *  unknown repository or tag, ForbiddenError for refused credentials, UnavailableError). */
export async function distributionInspect(
  registries: Registries,
  name: string,
  opts: { auth: AuthConfig; signal?: AbortSignal },
): Promise<DistributionInspect> {
  const ref = parseDockerRef(name)
  const reference = (ref.digest ?? ref.tag)!
  const clients = registries.pullClients(ref.domain, ref.path, opts.auth)
  const { client, value: top } = await firstAnswering(
    clients,
    async (c) => {
      try {
        return await c.manifest(reference, { signal: opts.signal })
      } catch (err) {
        const url = `${c.endpoint.base}/v2/${ref.path}/manifests/${reference}`
        throw pullError(err, ref, url, hasCredentials(opts.auth))
      }
    },
    opts.signal,
  )
  const descriptor: Descriptor = { mediaType: top.mediaType, digest: top.digest, size: top.bytes.length }
  const body = parseJson(top.bytes)
  if (isIndexMediaType(top.mediaType)) {
    const index = body as Index
    if (!Array.isArray(index.manifests)) throw new InvalidArgumentError('invalid manifest list')
    const platforms = index.manifests
      .map((m) => m.platform)
      .filter((p): p is Platform => p !== undefined && p.os !== 'unknown')
    return { descriptor, platforms }
  }
  if (!isManifestMediaType(top.mediaType))
    throw new InvalidArgumentError(`unsupported manifest media type ${top.mediaType}`)
  const manifest = body as Manifest
  if (!manifest.config) throw new InvalidArgumentError('invalid manifest: no config')
  const config = parseJson(await client.blobBytes(manifest.config, { signal: opts.signal })) as ImageConfig
  return { descriptor, platforms: [platformOf(config)] }
}

function platformOf(c: ImageConfig): Platform {
  const p: Platform = { architecture: c.architecture ?? '', os: c.os ?? '' }
  if (c.variant) p.variant = c.variant
  if (c['os.version']) p['os.version'] = c['os.version']
  if (c['os.features']?.length) p['os.features'] = c['os.features']
  return p
}

function parseJson(bytes: Buffer): unknown {
  try {
    return JSON.parse(bytes.toString('utf8'))
  } catch (err) {
    throw new InvalidArgumentError('registry returned a manifest that is not JSON', { cause: err })
  }
}
