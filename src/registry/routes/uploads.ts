// Upload routes (spec end-4a/4b/4c, end-5, end-6, end-11, end-13, end-14): start (with
// monolithic POST and cross-repository mount), PATCH chunks, PUT to finish, status, cancel.
import { algorithmOf, type Digest } from '../../oci/index.ts'
import { BlobUnknownError, BlobUploadInvalidError, DigestInvalidError, SizeInvalidError } from '../errors.ts'
import type { RegistryRequest, Reply, Route } from '../http.ts'
import { header, nameOf } from '../http.ts'
import { type DigestAlgorithm, isAlgorithm, parseRegistryDigest, parseRepoName } from '../storage/names.ts'
import type { RegistryStorage } from '../storage/registry-storage.ts'
import type { UploadState } from '../storage/uploads.ts'
import { parseContentRange } from './range.ts'

export function uploadRoutes(storage: RegistryStorage): Route[] {
  return [
    {
      method: 'POST',
      kind: 'uploads',
      access: 'push',
      extra: mountSource,
      handler: (r) => uploadStart(storage, r),
    },
    { method: 'PATCH', kind: 'upload', access: 'push', handler: (r) => uploadChunk(storage, r) },
    { method: 'PUT', kind: 'upload', access: 'push', handler: (r) => uploadFinish(storage, r) },
    { method: 'GET', kind: 'upload', access: 'push', handler: (r) => uploadStatus(storage, r) },
    { method: 'DELETE', kind: 'upload', access: 'push', handler: (r) => uploadCancel(storage, r) },
  ]
}

function mountSource(req: RegistryRequest): { name: string; action: 'pull' }[] {
  const from = req.query.get('from')
  return req.query.has('mount') && from ? [{ name: parseRepoName(from), action: 'pull' }] : []
}

async function uploadStart(storage: RegistryStorage, req: RegistryRequest): Promise<Reply> {
  const name = nameOf(req)
  const mount = req.query.get('mount')
  if (mount !== null) {
    const mounted = await tryMount(storage, name, parseRegistryDigest(mount), req.query.get('from'))
    if (mounted) return mounted
  }
  const algParam = req.query.get('digest-algorithm')
  if (algParam !== null && !isAlgorithm(algParam))
    throw new DigestInvalidError(`unsupported digest algorithm ${algParam}`)
  const digestParam = req.query.get('digest')
  const digest = digestParam === null ? undefined : parseRegistryDigest(digestParam)
  const state = await storage.uploads.start(name, {
    algorithm: digest ? (algorithmOf(digest) as DigestAlgorithm) : (algParam ?? undefined),
  })
  if (digest) {
    // Single-POST monolithic upload (spec "Single POST"); a failed one leaves no session.
    try {
      checkLength(req)
      const blob = await storage.uploads.finish(name, state.id, digest, req.body)
      return created(name, blob.digest)
    } catch (err) {
      await storage.uploads.cancel(name, state.id)
      throw err
    }
  }
  return { status: 202, headers: sessionHeaders(state) }
}

/** Cross-repository mount; with no `from` (the anonymous form) any stored copy will do. */
async function tryMount(
  storage: RegistryStorage,
  name: string,
  digest: Digest,
  from: string | null,
): Promise<Reply | undefined> {
  try {
    if (from !== null) await storage.blobs.stat(parseRepoName(from), digest)
    await storage.blobs.link(name, digest)
    return created(name, digest)
  } catch (err) {
    // Spec end-11: a blob that cannot be mounted starts an ordinary upload (202) instead.
    if (err instanceof BlobUnknownError) return undefined
    throw err
  }
}

async function uploadChunk(storage: RegistryStorage, req: RegistryRequest): Promise<Reply> {
  const name = nameOf(req)
  const range = parseContentRange(header(req, 'content-range'))
  if (range) {
    const len = header(req, 'content-length')
    if (len !== undefined && Number(len) !== range.end - range.start + 1) {
      throw new SizeInvalidError(
        `Content-Length ${len} does not match Content-Range ${range.start}-${range.end}`,
      )
    }
  }
  const state = await storage.uploads.append(name, req.params.uuid!, req.body, { rangeStart: range?.start })
  return { status: 202, headers: sessionHeaders(state) }
}

async function uploadFinish(storage: RegistryStorage, req: RegistryRequest): Promise<Reply> {
  const name = nameOf(req)
  const digestParam = req.query.get('digest')
  if (digestParam === null) throw new DigestInvalidError('digest query parameter is required')
  const digest = parseRegistryDigest(digestParam)
  const range = parseContentRange(header(req, 'content-range'))
  const hasBody = range !== undefined || Number(header(req, 'content-length') ?? '0') > 0 || isChunked(req)
  const blob = await storage.uploads.finish(name, req.params.uuid!, digest, hasBody ? req.body : undefined, {
    rangeStart: range?.start,
  })
  return created(name, blob.digest)
}

async function uploadStatus(storage: RegistryStorage, req: RegistryRequest): Promise<Reply> {
  const state = await storage.uploads.get(nameOf(req), req.params.uuid!)
  return { status: 204, headers: sessionHeaders(state) }
}

async function uploadCancel(storage: RegistryStorage, req: RegistryRequest): Promise<Reply> {
  await storage.uploads.cancel(nameOf(req), req.params.uuid!)
  return { status: 204 }
}

function sessionHeaders(state: UploadState): Record<string, string> {
  return {
    Location: `/v2/${state.name}/blobs/uploads/${state.id}`,
    // distribution sends "0-0" for an empty session; clients expect that form.
    Range: `0-${Math.max(state.size - 1, 0)}`,
    'Docker-Upload-UUID': state.id,
  }
}

function created(name: string, digest: Digest): Reply {
  return {
    status: 201,
    headers: { Location: `/v2/${name}/blobs/${digest}`, 'Docker-Content-Digest': digest },
  }
}

function isChunked(req: RegistryRequest): boolean {
  return (header(req, 'transfer-encoding') ?? '').includes('chunked')
}

function checkLength(req: RegistryRequest): void {
  const len = header(req, 'content-length')
  if (len === undefined && !isChunked(req)) throw new BlobUploadInvalidError('Content-Length is required')
}
