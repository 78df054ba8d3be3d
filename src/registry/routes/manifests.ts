// Manifest routes (spec end-3, end-7a/7b, end-9) and the referrers API (end-12a/12b).
import { MediaType } from '../../oci/index.ts'
import { ManifestTooLargeError, UnsupportedError } from '../errors.ts'
import type { Handler, RegistryRequest, Reply, Route } from '../http.ts'
import { header, nameOf } from '../http.ts'
import { MAX_MANIFEST_BYTES } from '../storage/manifests.ts'
import { parseExistingRef, parseManifestRef, parseRegistryDigest, parseTag } from '../storage/names.ts'
import type { RegistryStorage } from '../storage/registry-storage.ts'
import { readLimited } from './body.ts'

export function manifestRoutes(storage: RegistryStorage, opts: { deleteEnabled: boolean }): Route[] {
  const get: Handler = (req) => manifestGet(storage, req)
  return [
    { method: 'GET', kind: 'manifest', access: 'pull', handler: get },
    { method: 'HEAD', kind: 'manifest', access: 'pull', handler: get },
    { method: 'PUT', kind: 'manifest', access: 'push', handler: (req) => manifestPut(storage, req) },
    {
      method: 'DELETE',
      kind: 'manifest',
      access: 'delete',
      handler: (req) => manifestDelete(storage, req, opts),
    },
    { method: 'GET', kind: 'referrers', access: 'pull', handler: (req) => referrersGet(storage, req) },
  ]
}

async function manifestGet(storage: RegistryStorage, req: RegistryRequest): Promise<Reply> {
  const ref = parseExistingRef(req.params.reference!)
  const m = await storage.manifests.get(nameOf(req), ref)
  const headers = {
    'Content-Type': m.mediaType,
    'Content-Length': String(m.size),
    'Docker-Content-Digest': m.digest,
    ETag: `"${m.digest}"`,
  }
  return req.method === 'HEAD' ? { status: 200, headers } : { status: 200, headers, body: m.content }
}

async function manifestPut(storage: RegistryStorage, req: RegistryRequest): Promise<Reply> {
  const name = nameOf(req)
  const ref = parseManifestRef(req.params.reference!)
  // Spec end-7b: extra tags only when pushing by digest.
  const extraTags = ref.digest ? req.query.getAll('tag').map(parseTag) : []
  const content = await readLimited(
    req.body,
    MAX_MANIFEST_BYTES,
    () => new ManifestTooLargeError(`manifest is larger than ${MAX_MANIFEST_BYTES} bytes`),
  )
  const contentType = header(req, 'content-type')?.split(';')[0]?.trim() || undefined
  const result = await storage.manifests.put(name, ref, content, { contentType, extraTags })
  const headers: Record<string, string | string[]> = {
    Location: `/v2/${name}/manifests/${result.digest}`,
    'Docker-Content-Digest': result.digest,
  }
  if (result.subject) headers['OCI-Subject'] = result.subject
  if (extraTags.length > 0) headers['OCI-Tag'] = extraTags
  return { status: 201, headers }
}

async function manifestDelete(
  storage: RegistryStorage,
  req: RegistryRequest,
  opts: { deleteEnabled: boolean },
): Promise<Reply> {
  if (!opts.deleteEnabled) throw new UnsupportedError('manifest deletion is disabled')
  const name = nameOf(req)
  const ref = parseExistingRef(req.params.reference!)
  if (ref.tag !== undefined) await storage.tags.delete(name, ref.tag)
  else await storage.manifests.delete(name, ref.digest)
  return { status: 202 }
}

async function referrersGet(storage: RegistryStorage, req: RegistryRequest): Promise<Reply> {
  const subject = parseRegistryDigest(req.params.digest!)
  const artifactType = req.query.get('artifactType') ?? undefined
  const manifests = await storage.manifests.referrers(nameOf(req), subject, { artifactType })
  const headers: Record<string, string> = { 'Content-Type': MediaType.ociIndex }
  if (artifactType !== undefined) headers['OCI-Filters-Applied'] = 'artifactType'
  const body = JSON.stringify({ schemaVersion: 2, mediaType: MediaType.ociIndex, manifests })
  return { status: 200, headers, body }
}
