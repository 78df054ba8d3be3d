// One layer of a push. The store keeps layers uncompressed (by diffId), registries want them
// gzip-compressed: reuse a compressed blob the registry is known to have (HEAD in this
// repository, or a cross-repository mount from another repository of the same registry),
// else gzip the layer into a temporary file (deterministic: the same layer always gives the
// same digest) and upload it, monolithic or chunked. Records what it learnt for next time.
import { randomBytes } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import { open, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { constants, createGzip } from 'node:zlib'
import { type Descriptor, type Digest, encodedOf, MediaType, Sha256Digester } from '../../oci/index.ts'
import type { ImageCore } from '../core.ts'
import type { ProgressMessage } from '../image-service-contract.ts'
import type { BlobSource, DistributionStore } from '../pull/distribution-store.ts'
import { progressMessage, throttled } from '../pull/progress.ts'
import type { RegistryClient } from '../registry-client/index.ts'

export interface LayerPushContext {
  core: ImageCore
  distribution: DistributionStore
  client: RegistryClient
  /** The manifest's media type for a gzip layer (Docker's or OCI's). */
  layerMediaType: string
  /** "registry/path" of the target repository. */
  repository: string
  chunkSize: number
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
  const blob = await compressLayer(ctx.core, diffId)
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

/** gzips the stored layer tar into the image tmp directory, hashing as it writes. At level 1:
 *  on binaries about twice docker's level-6 speed for ~10% larger blobs, and compression is
 *  what bounds a push's throughput (every layer of a push is compressed here, concurrently). */
async function compressLayer(core: ImageCore, diffId: Digest): Promise<CompressedBlob> {
  const path = join(core.paths.imageTmp, `push-${randomBytes(8).toString('hex')}.tar.gz`)
  const hash = new Sha256Digester()
  const tap = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      hash.update(chunk)
      cb(null, chunk)
    },
  })
  try {
    await pipeline(
      core.content.read(diffId),
      createGzip({ level: constants.Z_BEST_SPEED, chunkSize: 256 * 1024 }),
      tap,
      createWriteStream(path),
    )
  } catch (err) {
    await rm(path, { force: true })
    throw err
  }
  return { path, digest: hash.digest(), size: hash.size }
}

async function uploadFile(ctx: LayerPushContext, blob: CompressedBlob, id: string): Promise<void> {
  const fh = await open(blob.path, 'r')
  const report = throttled(100, (n) => ctx.emit(progressMessage('Pushing', id, n, blob.size)))
  try {
    const read = async (offset: number, length: number) => {
      const buf = Buffer.alloc(length)
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
