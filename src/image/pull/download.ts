// One layer of a pull: streams the blob from the registry, verifies its size and digest while
// decompressing (gzip, zstd or none, by magic bytes), and ingests the uncompressed tar into the
// content store under its diffId. The content store only commits a blob whose diffId matched,
// and a compressed-digest mismatch fails the stream before that commit: nothing half-written
// is ever visible.
import { InvalidArgumentError } from '../../lib/errors.ts'
import { decompress } from '../../lib/tar/index.ts'
import { type Descriptor, type Digest, encodedOf, Sha256Digester } from '../../oci/index.ts'
import type { ImageCore } from '../core.ts'
import type { ProgressMessage } from '../image-service-contract.ts'
import type { RegistryClient } from '../registry-client/index.ts'
import { progressMessage, throttled } from './progress.ts'

export function shortDigest(d: Digest): string {
  return encodedOf(d).slice(0, 12)
}

/** Passes `src` through, failing at the end (or as soon as it is too long) unless it is
 *  exactly `desc.size` bytes with digest `desc.digest`. */
export async function* verified(
  src: AsyncIterable<Uint8Array>,
  desc: Descriptor,
  onBytes: (n: number) => void,
): AsyncGenerator<Buffer> {
  const hash = new Sha256Digester()
  const fail = () =>
    new InvalidArgumentError(`filesystem layer verification failed for digest ${desc.digest}`)
  for await (const c of src) {
    const chunk = Buffer.isBuffer(c) ? c : Buffer.from(c)
    hash.update(chunk)
    if (hash.size > desc.size) throw fail()
    onBytes(hash.size)
    yield chunk
  }
  if (hash.size !== desc.size || hash.digest() !== desc.digest) throw fail()
}

export async function downloadLayer(
  core: ImageCore,
  client: RegistryClient,
  layer: Descriptor,
  diffId: Digest,
  emit: (m: ProgressMessage) => void,
  signal: AbortSignal,
): Promise<void> {
  const id = shortDigest(layer.digest)
  const body = await client.blob(layer.digest, { signal })
  const report = throttled(100, (n) => emit(progressMessage('Downloading', id, n, layer.size)))
  try {
    const { stream } = await decompress(verified(body, layer, report))
    await core.content.ingest(stream, diffId)
  } finally {
    body.destroy()
  }
  report(layer.size, true)
  emit({ status: 'Verifying Checksum', id, progressDetail: {} })
  emit({ status: 'Download complete', id, progressDetail: {} })
}
