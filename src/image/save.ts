// `docker save`: a tarball both `docker load` (manifest.json, repositories) and OCI tools
// (oci-layout, index.json, blobs/sha256) accept, as Docker 25+ writes it. Layers are written
// uncompressed, named by their diffId.
import { createReadStream } from 'node:fs'
import { Readable } from 'node:stream'
import { NotFoundError } from '../lib/errors.ts'
import { BLOCK, encodeHeader, padding, type TarHeader } from '../lib/tar/index.ts'
import {
  Annotation,
  type Digest,
  encodedOf,
  familiarName,
  familiarString,
  type Index,
  type Manifest,
  MediaType,
  parseNormalizedNamed,
  type Reference,
  refString,
  sha256Of,
} from '../oci/index.ts'
import type { ImageCore } from './core.ts'
import type { StoredImage } from './image-store.ts'

interface SaveItem {
  img: StoredImage
  tags: Reference[]
}

/** Which images and tags `refs` name (Docker's rules: a bare repository name means all its tags). */
export function saveItems(core: ImageCore, refs: string[]): SaveItem[] {
  const items = new Map<string, SaveItem>()
  const add = (img: StoredImage, tag?: Reference) => {
    const item = items.get(img.id) ?? { img, tags: [] }
    if (tag && !item.tags.some((t) => refString(t) === refString(tag))) item.tags.push(tag)
    items.set(img.id, item)
  }
  for (const ref of refs) {
    let named: Reference | undefined
    try {
      named = parseNormalizedNamed(ref)
    } catch {
      // Not a name: resolve() below treats it as an id.
      named = undefined
    }
    if (named && named.tag === undefined && named.digest === undefined) {
      const prefix = `${named.domain}/${named.path}:`
      const tagged = core.store.allRefs().filter(([r]) => r.startsWith(prefix))
      if (tagged.length > 0) {
        for (const [r, id] of tagged) add(core.store.get(id)!, { ...named, tag: r.slice(prefix.length) })
        continue
      }
    }
    const img = core.resolve(ref)
    add(
      img,
      named &&
        named.digest === undefined &&
        core.store.lookup(refString({ ...named, tag: named.tag ?? 'latest' })) === img.id
        ? { ...named, tag: named.tag ?? 'latest' }
        : undefined,
    )
  }
  if (items.size === 0) throw new NotFoundError('No such image')
  return [...items.values()]
}

type Blob = { digest: Digest; size: number; bytes?: Buffer; path?: string }

function header(name: string, size: number, type: TarHeader['type'] = 'file'): Buffer {
  return encodeHeader({
    name,
    type,
    mode: type === 'directory' ? 0o755 : 0o644,
    uid: 0,
    gid: 0,
    size,
    mtime: 0,
    linkname: '',
    devmajor: 0,
    devminor: 0,
    xattrs: {},
  })
}

function* fileEntry(name: string, bytes: Buffer): Generator<Buffer> {
  yield header(name, bytes.length)
  yield bytes
  if (padding(bytes.length) > 0) yield Buffer.alloc(padding(bytes.length))
}

async function* entries(core: ImageCore, items: SaveItem[]): AsyncGenerator<Buffer> {
  const blobs = new Map<string, Blob>()
  const manifestJson: unknown[] = []
  const index: Index = { schemaVersion: 2, mediaType: MediaType.ociIndex, manifests: [] }
  const repositories: Record<string, Record<string, string>> = {}
  for (const { img, tags } of items) {
    const configBytes = await core.content.readBuffer(img.id)
    blobs.set(img.id, { digest: img.id, size: configBytes.length, bytes: configBytes })
    const layers: Blob[] = []
    for (const d of img.config.rootfs.diff_ids) {
      const blob = { digest: d, size: await core.content.size(d), path: core.content.path(d) }
      blobs.set(d, blob)
      layers.push(blob)
    }
    const manifest: Manifest = {
      schemaVersion: 2,
      mediaType: MediaType.ociManifest,
      config: { mediaType: MediaType.ociConfig, digest: img.id, size: configBytes.length },
      layers: layers.map((l) => ({ mediaType: MediaType.ociLayer, digest: l.digest, size: l.size })),
    }
    const mBytes = Buffer.from(JSON.stringify(manifest))
    const mDigest = sha256Of(mBytes)
    blobs.set(mDigest, { digest: mDigest, size: mBytes.length, bytes: mBytes })
    const desc = { mediaType: MediaType.ociManifest, digest: mDigest, size: mBytes.length }
    if (tags.length === 0) index.manifests.push(desc)
    for (const t of tags) {
      index.manifests.push({
        ...desc,
        annotations: {
          [Annotation.containerdImageName]: refString(t),
          [Annotation.refName]: t.tag ?? 'latest',
        },
      })
      const top = img.config.rootfs.diff_ids.at(-1)
      if (top) {
        const repo = repositories[familiarName(t)] ?? {}
        repo[t.tag ?? 'latest'] = encodedOf(top)
        repositories[familiarName(t)] = repo
      }
    }
    manifestJson.push({
      Config: `blobs/sha256/${encodedOf(img.id)}`,
      RepoTags: tags.length > 0 ? tags.map(familiarString) : null,
      Layers: layers.map((l) => `blobs/sha256/${encodedOf(l.digest)}`),
    })
    core.publisher.publish('image', 'save', img.id, { name: img.id })
  }
  yield header('blobs/', 0, 'directory')
  yield header('blobs/sha256/', 0, 'directory')
  for (const b of blobs.values()) {
    const name = `blobs/sha256/${encodedOf(b.digest)}`
    if (b.bytes) {
      yield* fileEntry(name, b.bytes)
      continue
    }
    yield header(name, b.size)
    for await (const c of createReadStream(b.path!)) yield c as Buffer
    if (padding(b.size) > 0) yield Buffer.alloc(padding(b.size))
  }
  yield* fileEntry('index.json', Buffer.from(JSON.stringify(index)))
  yield* fileEntry('manifest.json', Buffer.from(JSON.stringify(manifestJson)))
  yield* fileEntry('oci-layout', Buffer.from(JSON.stringify({ imageLayoutVersion: '1.0.0' })))
  yield* fileEntry('repositories', Buffer.from(JSON.stringify(repositories)))
  yield Buffer.alloc(BLOCK * 2)
}

/** Resolves `refs` now (so a missing image fails before any byte is sent) and streams the archive. */
export function save(core: ImageCore, refs: string[]): Readable {
  const items = saveItems(core, refs)
  return Readable.from(entries(core, items), { objectMode: false })
}
