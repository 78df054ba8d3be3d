// One layer of a pull: streams the blob from the registry and verifies its size and digest while
// decompressing it (gzip, zstd or none, by magic bytes). A gzip layer, when igzip is installed,
// is decompressed by igzip straight into a content-store ingest file, then read back once to
// hash its diffId and unpack it into a staging directory: the uncompressed bytes never pass
// through the daemon's heap on the way in and make no garbage on the way out (on 2 cores the
// collector's work on 200 MB of transient buffers costs as much as the decompression). Else, in
// one streaming pass, the uncompressed tar goes to the content store and to the unpacker at
// once. Either way the content store only commits a blob whose diffId matched, a
// compressed-digest mismatch fails before that commit, and the staged unpack becomes a layer
// only when the puller commits it: nothing half-written is ever visible.
import type { Readable } from 'node:stream'
import { InvalidArgumentError } from '../../lib/errors.ts'
import { decompress, gunzipToFd, hasIgzip, peekCompression } from '../../lib/tar/index.ts'
import { type Descriptor, type Digest, encodedOf, Sha256Digester } from '../../oci/index.ts'
import type { BlobWriter } from '../content-store.ts'
import type { ImageCore } from '../core.ts'
import type { ProgressMessage } from '../image-service-contract.ts'
import type { StagedLayer } from '../layer-store.ts'
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
  hash = new Sha256Digester(),
): AsyncGenerator<Buffer> {
  const fail = () => verificationFailed(desc)
  for await (const c of src) {
    const chunk = Buffer.isBuffer(c) ? c : Buffer.from(c.buffer, c.byteOffset, c.byteLength)
    hash.update(chunk)
    if (hash.size > desc.size) throw fail()
    onBytes(hash.size)
    yield chunk
  }
  if (hash.size !== desc.size || hash.digest() !== desc.digest) throw fail()
}

function verificationFailed(desc: Descriptor): InvalidArgumentError {
  return new InvalidArgumentError(`filesystem layer verification failed for digest ${desc.digest}`)
}

/** Downloads a layer and, in the same pass, verifies it, stores its uncompressed tar under
 *  `diffId` and unpacks it into a staging directory (the caller commits staged layers in order,
 *  or discards them). Both digests are checked before anything is committed; on failure
 *  nothing is kept. */
export async function downloadLayer(
  core: ImageCore,
  client: RegistryClient,
  layer: Descriptor,
  diffId: Digest,
  emit: (m: ProgressMessage) => void,
  signal: AbortSignal,
): Promise<StagedLayer> {
  const id = shortDigest(layer.digest)
  const body = await client.blob(layer.digest, { signal })
  const report = throttled(100, (n) => emit(progressMessage('Downloading', id, n, layer.size)))
  let writer: BlobWriter | undefined
  let staged: StagedLayer | undefined
  let stream: Readable | undefined
  // Read by hand, so what the unpacker leaves unread can still be hashed after a failure.
  const raw = body[Symbol.asyncIterator]() as AsyncIterator<Uint8Array>
  const rest = {
    async *[Symbol.asyncIterator]() {
      for (;;) {
        const r = await raw.next()
        if (r.done) return
        yield r.value
      }
    },
  }
  const hash = new Sha256Digester()
  try {
    const peeked = await peekCompression(verified(rest, layer, report, hash))
    if (peeked.compression === 'gzip' && hasIgzip()) {
      staged = await viaFile(core, peeked.src, diffId, signal)
      return done(staged)
    }
    writer = await core.content.writer()
    const w = writer
    ;({ stream } = await decompress(peeked.src))
    // Its errors reach us through the iterator; one emitted after that (while the rest of the
    // blob is checked) must not be an uncaught 'error' event.
    stream.on('error', () => undefined)
    const it = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>
    // Each chunk goes to the content store and to the unpacker at once; the store's write of
    // one chunk overlaps the unpacking of it and is awaited before the next.
    let pending: Promise<void> = Promise.resolve()
    const store = async (c: Buffer) => {
      await pending
      pending = w.write(c)
      pending.catch(() => undefined) // awaited below; this only keeps it from being "unhandled"
    }
    const tee = async function* () {
      for (;;) {
        const r = await it.next()
        if (r.done) return
        await store(r.value)
        yield r.value
      }
    }
    staged = await core.layers.stage(tee(), signal)
    // The tar's end-of-archive marker may come before the blob's end: read (and verify) the rest.
    for (;;) {
      const r = await it.next()
      if (r.done) break
      await store(r.value)
    }
    await pending
    await w.commit(diffId)
  } catch (err) {
    await writer?.abort()
    if (staged) await core.layers.discard(staged)
    // Docker verifies a blob before unpacking it: a corrupt blob that broke the decompressor or
    // the unpacker first is reported as the verification failure it is.
    if (signal.aborted || (await blobMatches(raw, hash, layer))) throw err
    throw verificationFailed(layer)
  } finally {
    stream?.destroy()
    body.destroy()
  }
  return done(staged)

  function done(s: StagedLayer): StagedLayer {
    report(layer.size, true)
    emit({ status: 'Verifying Checksum', id, progressDetail: {} })
    emit({ status: 'Download complete', id, progressDetail: {} })
    return s
  }
}

/** igzip decompresses the (verified-as-read) blob into an ingest file; the file is then read
 *  back once, hashed and unpacked, and committed under `diffId` if the hash matched. */
async function viaFile(
  core: ImageCore,
  gz: AsyncIterable<Uint8Array>,
  diffId: Digest,
  signal: AbortSignal,
): Promise<StagedLayer> {
  const ingest = await core.content.fileWriter()
  let staged: StagedLayer | undefined
  try {
    await gunzipToFd(gz, ingest.fd)
    ingest.written()
    staged = await core.layers.stage(ingest.chunks(), signal)
    await ingest.commit(diffId)
    return staged
  } catch (err) {
    await ingest.abort()
    if (staged) await core.layers.discard(staged)
    throw err
  }
}

/** Hashes what is left of a blob after a failure: true when the whole blob is as described
 *  (so the failure was not a corrupt download). */
async function blobMatches(
  raw: AsyncIterator<Uint8Array>,
  hash: Sha256Digester,
  desc: Descriptor,
): Promise<boolean> {
  try {
    while (hash.size <= desc.size) {
      const r = await raw.next()
      if (r.done) break
      hash.update(r.value)
    }
  } catch {
    return true // the download itself failed: that error says more
  }
  if (hash.size !== desc.size) return false
  try {
    return hash.digest() === desc.digest
  } catch {
    return true // verified() reached the end and checked the digest itself
  }
}
