// One layer of a push. The store keeps layers uncompressed (by diffId), registries want them
// gzip-compressed: reuse a compressed blob the registry is known to have (HEAD in this
// repository, or a cross-repository mount from another repository of the same registry),
// else gzip the layer into a temporary file (compress.ts; deterministic: the same layer always
// gives the same digest) and upload it, monolithic or chunked. Records what it learnt for next time.
import { randomBytes } from 'node:crypto'
import { open, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { type Descriptor, type Digest, encodedOf, MediaType } from '../../oci/index.ts'
import type { ImageCore } from '../core.ts'
import type { ProgressMessage } from '../image-service-contract.ts'
import type { BlobSource, DistributionStore } from '../pull/distribution-store.ts'
import { progressMessage, throttled } from '../pull/progress.ts'
import type { RegistryClient } from '../registry-client/index.ts'
import type { Compressor } from './compress.ts'

export interface LayerPushContext {
  core: ImageCore
  distribution: DistributionStore
  client: RegistryClient
  /** The manifest's media type for a gzip layer (Docker's or OCI's). */
  layerMediaType: string
  /** "registry/path" of the target repository. */
  repository: string
  chunkSize: number
  /** Shared by the layers of one push (one piece per core at once). */
  compressor: Compressor
  emit: (m: ProgressMessage) => void
  signal: AbortSignal
}

const GZIP_TYPES = new Set<string>([MediaType.dockerLayerGzip, MediaType.ociLayerGzip])
/** Mount attempts per layer before falling back to an upload. */
const MAX_MOUNT_TRIES = 3

export function layerProgressId(diffId: Digest): string {
  return encodedOf(diffId).slice(0, 12)
}

function descriptorOf(ctx: LayerPushContext, digest: Digest, size: number): Descriptor {
  return { mediaType: ctx.layerMediaType, digest, size }
}

/** Pushes the layer `diffId`; returns its descriptor for the manifest. */
export async function pushLayer(ctx: LayerPushContext, diffId: Digest): Promise<Descriptor> {
  const reused = await reuseKnown(ctx, diffId)
  if (reused) return reused
  const id = layerProgressId(diffId)
  const blob = await compressLayer(ctx, diffId)
  try {
    const source: BlobSource = {
      digest: blob.digest,
      mediaType: ctx.layerMediaType,
      size: blob.size,
      repository: ctx.repository,
    }
    if (await ctx.client.blobExists(blob.digest, { signal: ctx.signal })) {
      ctx.emit({ status: 'Layer already exists', id, progressDetail: {} })
    } else {
      await uploadFile(ctx, blob, id)
      ctx.emit({ status: 'Pushed', id, progressDetail: {} })
    }
    await ctx.distribution.addSource(diffId, source)
    return descriptorOf(ctx, blob.digest, blob.size)
  } finally {
    await rm(blob.path, { force: true })
  }
}

/** A known gzip blob of this layer that the registry already has or can mount. */
async function reuseKnown(ctx: LayerPushContext, diffId: Digest): Promise<Descriptor | undefined> {
  const domain = ctx.client.endpoint.domain
  const id = layerProgressId(diffId)
  const sources = (await ctx.distribution.sources(diffId)).filter(
    (s) => GZIP_TYPES.has(s.mediaType) && s.repository.startsWith(`${domain}/`),
  )
  for (const s of sources.filter((s) => s.repository === ctx.repository)) {
    if (await ctx.client.blobExists(s.digest, { signal: ctx.signal })) {
      ctx.emit({ status: 'Layer already exists', id, progressDetail: {} })
      return descriptorOf(ctx, s.digest, s.size)
    }
  }
  const others = sources.filter((s) => s.repository !== ctx.repository).slice(0, MAX_MOUNT_TRIES)
  for (const s of others) {
    const from = s.repository.slice(domain.length + 1)
    if (await ctx.client.mount(s.digest, from, { signal: ctx.signal })) {
      ctx.emit({ status: `Mounted from ${from}`, id, progressDetail: {} })
      await ctx.distribution.addSource(diffId, { ...s, repository: ctx.repository })
      return descriptorOf(ctx, s.digest, s.size)
    }
  }
  return undefined
}

interface CompressedBlob {
  path: string
  digest: Digest
  size: number
}

/** gzips the stored layer tar into the image tmp directory (compress.ts: in pieces, across
 *  cores, libdeflate when installed). Compression is what bounds a push's throughput. */
async function compressLayer(ctx: LayerPushContext, diffId: Digest): Promise<CompressedBlob> {
  const path = join(ctx.core.paths.imageTmp, `push-${randomBytes(8).toString('hex')}.tar.gz`)
  const { digest, size } = await ctx.compressor.gzipFile(ctx.core.content.path(diffId), path)
  return { path, digest, size }
}

async function uploadFile(ctx: LayerPushContext, blob: CompressedBlob, id: string): Promise<void> {
  const fh = await open(blob.path, 'r')
  const report = throttled(100, (n) => ctx.emit(progressMessage('Pushing', id, n, blob.size)))
  try {
    const read = async (offset: number, length: number) => {
      const buf = Buffer.allocUnsafe(length) // fully read below, or cut to what was read
      let got = 0
      while (got < length) {
        const { bytesRead } = await fh.read(buf, got, length - got, offset + got)
        if (bytesRead === 0) break
        got += bytesRead
      }
      return buf.subarray(0, got)
    }
    await ctx.client.upload(blob, read, { chunkSize: ctx.chunkSize, onProgress: report, signal: ctx.signal })
    report(blob.size, true)
  } finally {
    await fh.close()
  }
}
