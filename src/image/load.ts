// `docker load`: docker-save tarballs (manifest.json + config + layer tars, layers possibly
// gzip/zstd) and OCI image layouts (index.json + blobs/). The archive is unpacked safely into
// a staging directory first; every layer is verified against the config's diff_ids before it
// is unpacked, and the image record is written only when all of it is in place.
import { randomBytes } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { mkdir, readFile, realpath, rm, stat } from 'node:fs/promises'
import { join } from 'node:path'
import type { Readable } from 'node:stream'
import { InvalidArgumentError, isNotFound } from '../lib/errors.ts'
import { cleanEntryName, decompress, extractTar } from '../lib/tar/index.ts'
import {
  Annotation,
  type Descriptor,
  type Digest,
  encodedOf,
  familiarString,
  type ImageConfig,
  type Index,
  isDigest,
  isIndexMediaType,
  type Manifest,
  MediaType,
  parseDigest,
  parseDockerRef,
  type Reference,
  sha256Of,
} from '../oci/index.ts'
import type { ImageCore } from './core.ts'
import type { ProgressMessage } from './image-service-contract.ts'
import { hostPlatform } from './import.ts'

interface LoadItem {
  configPath: string
  layerPaths: string[]
  tags: Reference[]
  /** Read from an OCI image manifest (an OCI layout without docker's manifest.json). */
  oci?: boolean
}

async function exists(p: string): Promise<boolean> {
  try {
    await stat(p)
    return true
  } catch (err) {
    if (isNotFound(err)) return false
    throw err
  }
}

/** A path named by the archive, resolved inside `dir` (symlinks may not lead out). */
async function inside(dir: string, rel: string): Promise<string> {
  const real = await realpath(join(dir, cleanEntryName(rel))).catch((err: unknown) => {
    throw new InvalidArgumentError(`invalid archive: ${rel} not found`, { cause: err })
  })
  if (!real.startsWith(`${dir}/`))
    throw new InvalidArgumentError(`invalid archive: ${rel} points outside the archive`)
  return real
}

async function readJson(path: string, what: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(path, 'utf8'))
  } catch (err) {
    throw new InvalidArgumentError(`invalid archive: cannot read ${what}: ${(err as Error).message}`, {
      cause: err,
    })
  }
}

function parseTags(tags: unknown): Reference[] {
  if (tags === null || tags === undefined) return []
  if (!Array.isArray(tags)) throw new InvalidArgumentError('invalid archive: RepoTags is not a list')
  return tags.map((t) => {
    const r = parseDockerRef(String(t))
    if (r.digest !== undefined)
      throw new InvalidArgumentError(`invalid archive: tag ${t} is a digest reference`)
    return r
  })
}

async function dockerItems(dir: string): Promise<LoadItem[]> {
  const manifest = await readJson(join(dir, 'manifest.json'), 'manifest.json')
  if (!Array.isArray(manifest)) throw new InvalidArgumentError('invalid archive: manifest.json is not a list')
  const items: LoadItem[] = []
  for (const m of manifest as Array<Record<string, unknown>>) {
    if (typeof m?.Config !== 'string' || !Array.isArray(m.Layers))
      throw new InvalidArgumentError('invalid archive: bad manifest.json entry')
    items.push({
      configPath: await inside(dir, m.Config),
      layerPaths: await Promise.all(m.Layers.map((l) => inside(dir, String(l)))),
      tags: parseTags(m.RepoTags),
    })
  }
  return items
}

function blobPath(dir: string, d: unknown): Promise<string> {
  if (typeof d !== 'string' || !isDigest(d) || !d.startsWith('sha256:'))
    throw new InvalidArgumentError(`invalid archive: bad digest ${String(d)}`)
  return inside(dir, `blobs/sha256/${encodedOf(parseDigest(d))}`)
}

async function readBlob(dir: string, d: Digest): Promise<Buffer> {
  const bytes = await readFile(await blobPath(dir, d))
  if (sha256Of(bytes) !== d)
    throw new InvalidArgumentError(`invalid archive: blob ${d} does not match its digest`)
  return bytes
}

function annotatedName(desc: Descriptor): Reference[] {
  const a = desc.annotations ?? {}
  const full = a[Annotation.containerdImageName] ?? a[Annotation.refName]
  // A bare ref.name ("latest") names a tag of an unknown repository: load untagged.
  if (!full || !/[:/]/.test(full)) return []
  try {
    return [parseDockerRef(full)]
  } catch {
    // An annotation berth cannot use as a name is not an error: the image loads untagged.
    return []
  }
}

async function ociItems(dir: string): Promise<LoadItem[]> {
  const index = (await readJson(join(dir, 'index.json'), 'index.json')) as Index
  if (!Array.isArray(index?.manifests))
    throw new InvalidArgumentError('invalid archive: index.json has no manifests')
  const items: LoadItem[] = []
  const host = hostPlatform()
  const visit = async (desc: Descriptor, names: Reference[], depth: number): Promise<void> => {
    if (depth > 4) throw new InvalidArgumentError('invalid archive: indexes nested too deeply')
    const body = JSON.parse((await readBlob(dir, desc.digest)).toString('utf8')) as Manifest & Index
    if (isIndexMediaType(desc.mediaType ?? body.mediaType) || Array.isArray(body.manifests)) {
      const candidates = body.manifests.filter((m) => m.platform?.os !== 'unknown')
      const pick =
        candidates.find((m) => m.platform?.os === host.os && m.platform.architecture === host.architecture) ??
        candidates[0]
      if (!pick) throw new InvalidArgumentError('invalid archive: no image manifest in index')
      return visit(pick, names, depth + 1)
    }
    if (!body.config || !Array.isArray(body.layers))
      throw new InvalidArgumentError(`invalid archive: ${desc.digest} is not an image manifest`)
    items.push({
      configPath: await blobPath(dir, body.config.digest),
      layerPaths: await Promise.all(body.layers.map((l) => blobPath(dir, l.digest))),
      tags: names,
      oci: (desc.mediaType ?? body.mediaType) === MediaType.ociManifest,
    })
  }
  for (const desc of index.manifests) await visit(desc, annotatedName(desc), 0)
  return items
}

function validConfig(bytes: Buffer, layers: number): ImageConfig {
  let c: ImageConfig
  try {
    c = JSON.parse(bytes.toString('utf8')) as ImageConfig
  } catch (err) {
    throw new InvalidArgumentError('invalid archive: image config is not JSON', { cause: err })
  }
  const ids = c?.rootfs?.diff_ids
  if (!Array.isArray(ids) || !ids.every((d) => typeof d === 'string' && isDigest(d))) {
    throw new InvalidArgumentError('invalid archive: image config has no rootfs.diff_ids')
  }
  if (ids.length !== layers)
    throw new InvalidArgumentError(`invalid archive: ${ids.length} diff_ids but ${layers} layers`)
  return c
}

/** Told of each image loaded, and whether it came as an OCI manifest (push keeps that format). */
export type OnLoaded = (id: Digest, info: { oci: boolean }) => Promise<void>

async function* loadItem(
  core: ImageCore,
  item: LoadItem,
  quiet: boolean,
  onLoaded?: OnLoaded,
): AsyncGenerator<ProgressMessage> {
  const configBytes = await readFile(item.configPath)
  const config = validConfig(configBytes, item.layerPaths.length)
  for (const [i, path] of item.layerPaths.entries()) {
    const diffId = config.rootfs.diff_ids[i]!
    if (await core.content.has(diffId)) continue
    const { stream } = await decompress(createReadStream(path))
    const { size } = await core.content.ingest(stream, diffId)
    if (!quiet)
      yield {
        status: 'Loading layer',
        id: encodedOf(diffId).slice(0, 12),
        progressDetail: { current: size, total: size },
      }
  }
  await core.layers.ensure(config.rootfs.diff_ids, (d) => core.content.read(d))
  const out: string[] = []
  await core.lock.run(async () => {
    const img = await core.commitImage(configBytes)
    await onLoaded?.(img.id, { oci: item.oci ?? false })
    core.publisher.publish('image', 'load', img.id, { name: img.id })
    for (const tag of item.tags) {
      const before = core.store.lookup(`${tag.domain}/${tag.path}:${tag.tag}`)
      if (before && before !== img.id) {
        out.push(
          `The image ${familiarString(tag)} already exists, renaming the old one with ID ${before} to empty string\n`,
        )
      }
      await core.setTag(tag, img.id)
      out.push(`Loaded image: ${familiarString(tag)}\n`)
    }
    if (item.tags.length === 0) out.push(`Loaded image ID: ${img.id}\n`)
  })
  for (const line of out) yield { stream: line }
}

export async function* load(
  core: ImageCore,
  tar: Readable,
  opts: { quiet?: boolean; onLoaded?: OnLoaded } = {},
): AsyncGenerator<ProgressMessage> {
  const staging = join(core.paths.imageTmp, `load-${randomBytes(8).toString('hex')}`)
  await mkdir(staging, { recursive: true })
  try {
    const { stream } = await decompress(tar)
    await extractTar(stream, staging, { whiteouts: 'keep', sameOwner: false })
    const dir = await realpath(staging)
    let items: LoadItem[]
    if (await exists(join(dir, 'manifest.json'))) items = await dockerItems(dir)
    else if (await exists(join(dir, 'index.json'))) items = await ociItems(dir)
    else
      throw new InvalidArgumentError(
        'invalid archive: no manifest.json or index.json (legacy v1 archives are not supported)',
      )
    for (const item of items) yield* loadItem(core, item, opts.quiet ?? false, opts.onLoaded)
  } finally {
    await rm(staging, { recursive: true, force: true })
  }
}
