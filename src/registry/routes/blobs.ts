// Blob routes (spec end-2, end-10): GET/HEAD with Range, DELETE (removes the repository link).

import { UnsupportedError } from '../errors.ts'
import type { Handler, RegistryRequest, Reply, Route } from '../http.ts'
import { header, nameOf } from '../http.ts'
import { parseRegistryDigest } from '../storage/names.ts'
import type { RegistryStorage } from '../storage/registry-storage.ts'
import { parseRange } from './range.ts'

export function blobRoutes(storage: RegistryStorage, opts: { deleteEnabled: boolean }): Route[] {
  const get: Handler = (req) => blobGet(storage, req)
  return [
    { method: 'GET', kind: 'blob', access: 'pull', handler: get },
    { method: 'HEAD', kind: 'blob', access: 'pull', handler: get },
    { method: 'DELETE', kind: 'blob', access: 'delete', handler: (req) => blobDelete(storage, req, opts) },
  ]
}

async function blobGet(storage: RegistryStorage, req: RegistryRequest): Promise<Reply> {
  const name = nameOf(req)
  const digest = parseRegistryDigest(req.params.digest!)
  const { size } = await storage.blobs.stat(name, digest)
  const headers: Record<string, string> = {
    'Content-Type': 'application/octet-stream',
    'Docker-Content-Digest': digest,
    ETag: `"${digest}"`,
    'Accept-Ranges': 'bytes',
    'Cache-Control': 'max-age=31536000',
  }
  const range = req.method === 'GET' ? parseRange(header(req, 'range'), size) : undefined
  if (range) {
    headers['Content-Range'] = `bytes ${range.offset}-${range.offset + range.length - 1}/${size}`
    headers['Content-Length'] = String(range.length)
    return { status: 206, headers, body: await storage.blobs.open(name, digest, range) }
  }
  headers['Content-Length'] = String(size)
  if (req.method === 'HEAD') return { status: 200, headers }
  return { status: 200, headers, body: await storage.blobs.open(name, digest) }
}

async function blobDelete(
  storage: RegistryStorage,
  req: RegistryRequest,
  opts: { deleteEnabled: boolean },
): Promise<Reply> {
  if (!opts.deleteEnabled) throw new UnsupportedError('blob deletion is disabled')
  const digest = parseRegistryDigest(req.params.digest!)
  await storage.blobs.unlink(nameOf(req), digest)
  return { status: 202, headers: { 'Docker-Content-Digest': digest } }
}
