// Test data of the rewritten OCI conformance suite (conformance/testdata.go and the data sets
// of run.go's GenerateData, with its default "1.1" settings): images, indexes, artifacts,
// referrers, descriptor data fields, non-distributable layers, custom fields, sha512. Layers
// are gzip of random bytes rather than tarballs (the registry never reads them). Used only by
// oci-suite-rewrite-flow.ts.
import { createHash, randomBytes } from 'node:crypto'
import { gzipSync } from 'node:zlib'

export const MT = {
  conf1: 'application/vnd.example.oci.conformance.v1',
  conf2: 'application/vnd.example.oci.conformance.v2',
  octet: 'application/octet-stream',
  config: 'application/vnd.oci.image.config.v1+json',
  image: 'application/vnd.oci.image.manifest.v1+json',
  index: 'application/vnd.oci.image.index.v1+json',
  layer: 'application/vnd.oci.image.layer.v1.tar',
  layerGz: 'application/vnd.oci.image.layer.v1.tar+gzip',
  layerNd: 'application/vnd.oci.image.layer.nondistributable.v1.tar',
  layerNdGz: 'application/vnd.oci.image.layer.nondistributable.v1.tar+gzip',
  empty: 'application/vnd.oci.empty.v1+json',
}

export type Alg = 'sha256' | 'sha512'
export const digestOf = (b: Buffer, alg: Alg = 'sha256') =>
  `${alg}:${createHash(alg).update(b).digest('hex')}`

export interface Descriptor {
  mediaType: string
  digest: string
  size: number
  artifactType?: string
  urls?: string[]
  annotations?: Record<string, string>
  data?: string
  platform?: { os: string; architecture: string }
}

export interface GenOpts {
  alg?: Alg
  annotations?: Record<string, string>
  annotationUniq?: boolean
  artifactType?: string
  uncompressed?: boolean
  configBytes?: Buffer
  configMediaType?: string
  extraField?: boolean
  layerBytes?: Buffer
  layerCount?: number
  layerMediaType?: string
  platform?: { os: string; architecture: string }
  platforms?: { os: string; architecture: string }[]
  setData?: boolean
  subject?: Descriptor
  tag?: string
}

const amd64 = { os: 'linux', architecture: 'amd64' }
const arm64 = { os: 'linux', architecture: 'arm64' }

/** One data set: what gets pushed, in order, and what the registry must answer about it. */
export class TestData {
  readonly tags = new Map<string, string>()
  readonly blobs = new Map<string, Buffer>()
  readonly manifests = new Map<string, Buffer>()
  readonly manOrder: string[] = []
  readonly desc = new Map<string, Descriptor>()
  readonly referrers = new Map<string, Descriptor[]>()
  /** Manifests whose push must fail with 400 (and that are then never pulled). */
  readonly expectBadDigest = new Set<string>()

  readonly name: string

  constructor(name: string) {
    this.name = name
  }

  addBlob(b: Buffer, mediaType: string, o: GenOpts): string {
    const dig = digestOf(b, o.alg)
    this.blobs.set(dig, b)
    this.desc.set(dig, {
      mediaType,
      digest: dig,
      size: b.length,
      ...(o.setData ? { data: b.toString('base64') } : {}),
    })
    return dig
  }

  /** A compressed (or not) layer; returns its digest and the "uncompressed" digest for diff_ids. */
  genLayer(o: GenOpts): [string, string] {
    const raw = randomBytes(200)
    const body = o.uncompressed ? raw : gzipSync(raw)
    const dig = this.addBlob(body, o.uncompressed ? MT.layer : MT.layerGz, o)
    return [dig, digestOf(raw, o.alg)]
  }

  genConfig(platform: { os: string; architecture: string }, diffIds: string[], o: GenOpts): string {
    const config = {
      author: 'OCI Conformance Test',
      ...platform,
      rootfs: { type: 'layers', diff_ids: diffIds },
      ...(o.extraField ? { 'x-conformance-extra': randomBytes(8).toString('hex') } : {}),
    }
    return this.addBlob(Buffer.from(JSON.stringify(config)), MT.config, o)
  }

  #record(
    body: Buffer,
    mediaType: string,
    artifactType: string | undefined,
    o: GenOpts,
    ann?: Record<string, string>,
  ): string {
    const dig = digestOf(body, o.alg)
    this.manifests.set(dig, body)
    this.manOrder.push(dig)
    this.desc.set(dig, {
      mediaType,
      digest: dig,
      size: body.length,
      ...(o.setData ? { data: body.toString('base64') } : {}),
    })
    if (o.subject) {
      const list = this.referrers.get(o.subject.digest) ?? []
      list.push({
        mediaType,
        digest: dig,
        size: body.length,
        ...(artifactType ? { artifactType } : {}),
        ...(ann ? { annotations: ann } : {}),
      })
      this.referrers.set(o.subject.digest, list)
    }
    if (o.tag) this.tags.set(o.tag, dig)
    return dig
  }

  #annotations(o: GenOpts): Record<string, string> | undefined {
    if (!o.annotationUniq) return o.annotations
    return {
      ...o.annotations,
      [`org.example.${randomBytes(6).toString('hex')}`]: randomBytes(6).toString('hex'),
    }
  }

  genManifest(config: Descriptor, layers: Descriptor[], o: GenOpts): string {
    const annotations = this.#annotations(o)
    const m = {
      schemaVersion: 2,
      mediaType: MT.image,
      ...(o.artifactType ? { artifactType: o.artifactType } : {}),
      config,
      layers,
      ...(o.subject ? { subject: o.subject } : {}),
      ...(annotations ? { annotations } : {}),
      ...(o.extraField ? { 'x-conformance-extra': randomBytes(8).toString('hex') } : {}),
    }
    return this.#record(
      Buffer.from(JSON.stringify(m)),
      MT.image,
      o.artifactType || config.mediaType,
      o,
      annotations,
    )
  }

  genManifestFull(o: GenOpts): string {
    const layers: string[] = []
    const diffIds: string[] = []
    for (let l = 0; l < (o.layerCount ?? 2); l++) {
      if (!o.layerMediaType || o.layerMediaType.startsWith('application/vnd.oci.image.layer.v1.')) {
        const [c, u] = this.genLayer(o)
        layers.push(c)
        diffIds.push(u)
      } else {
        const dig = this.addBlob(o.layerBytes ?? randomBytes(2048), o.layerMediaType, o)
        layers.push(dig)
        diffIds.push(dig)
      }
    }
    const conf =
      !o.configMediaType || o.configMediaType === MT.config
        ? this.genConfig(o.platform ?? amd64, diffIds, o)
        : this.addBlob(o.configBytes ?? Buffer.from('{}'), o.configMediaType, o)
    return this.genManifest(
      this.desc.get(conf)!,
      layers.map((d) => this.desc.get(d)!),
      o,
    )
  }

  genIndex(platforms: (Descriptor['platform'] | undefined)[], manifests: string[], o: GenOpts): string {
    const annotations = this.#annotations(o)
    const idx = {
      schemaVersion: 2,
      mediaType: MT.index,
      ...(o.artifactType ? { artifactType: o.artifactType } : {}),
      manifests: manifests.map((d, i) => ({
        ...this.desc.get(d)!,
        ...(platforms[i] ? { platform: platforms[i] } : {}),
      })),
      ...(o.subject ? { subject: o.subject } : {}),
      ...(annotations ? { annotations } : {}),
      ...(o.extraField ? { 'x-conformance-extra': randomBytes(8).toString('hex') } : {}),
    }
    return this.#record(Buffer.from(JSON.stringify(idx)), MT.index, o.artifactType, o, annotations)
  }

  /** Images for each platform (with the same options, tag aside), then the index of them. */
  genIndexFull(o: GenOpts): string {
    const platforms = o.platforms ?? [amd64, arm64]
    const { tag: _tag, ...childOpts } = o
    const digs = platforms.map((p) => this.genManifestFull({ ...childOpts, platform: p }))
    return this.genIndex(platforms, digs, o)
  }
}

const subjectAnn = { 'org.opencontainers.conformance': 'hello conformance test' }
const artifact = (at: string, layerMediaType: string): GenOpts => ({
  artifactType: at,
  annotations: subjectAnn,
  annotationUniq: true,
  configMediaType: MT.empty,
  configBytes: Buffer.from('{}'),
  layerCount: 1,
  layerMediaType,
})

/** run.go's data sets under the default configuration (Sparse and TagParam off). */
export function generateData(): TestData[] {
  const sets: TestData[] = []
  const add = (name: string, fill: (td: TestData) => void) => {
    const td = new TestData(name)
    fill(td)
    sets.push(td)
  }
  add('image', (td) => td.genManifestFull({ tag: 'image' }))
  add('image-uncompressed', (td) => td.genManifestFull({ tag: 'image-uncompressed', uncompressed: true }))
  add('large-manifest', (td) => {
    const annotations: Record<string, string> = {}
    for (let i = 0; i < 390; i++) annotations[`large-annotation-${i}`] = 'A'.repeat(10000)
    td.genManifestFull({ tag: 'large-manifest', annotations })
  })
  add('index', (td) => td.genIndexFull({ tag: 'index' }))
  add('nested-index', (td) => {
    const a = td.genIndexFull({})
    const b = td.genIndexFull({})
    td.genIndex([undefined, undefined], [a, b], { tag: 'index-of-index' })
  })
  add('empty-index', (td) => td.genIndexFull({ tag: 'index', platforms: [] }))
  add('artifact', (td) =>
    td.genManifestFull({
      tag: 'artifact',
      ...artifact(MT.conf1, MT.conf1),
      annotations: undefined,
      annotationUniq: false,
    }),
  )
  add('artifact-index', (td) =>
    td.genIndexFull({
      tag: 'artifact-index',
      ...artifact(MT.conf1, MT.conf1),
      annotations: undefined,
      annotationUniq: false,
    }),
  )
  add('artifact-without-layers', (td) =>
    td.genManifestFull({
      tag: 'artifact-without-layers',
      ...artifact(MT.conf1, MT.empty),
      layerBytes: Buffer.from('{}'),
      annotations: undefined,
      annotationUniq: false,
    }),
  )
  add('artifacts-with-subject', (td) => {
    const subj = td.desc.get(td.genManifestFull({ tag: 'image' }))!
    td.genManifestFull({ subject: subj })
    td.genManifestFull({ ...artifact(MT.conf1, MT.conf1), subject: subj, tag: 'tagged-artifact1' })
    td.genManifestFull({ ...artifact(MT.conf2, MT.octet), subject: subj, tag: 'tagged-artifact2' })
  })
  add('index-with-subject', (td) => {
    const subj = td.desc.get(td.genIndexFull({ tag: 'index' }))!
    td.genIndexFull({ ...artifact(MT.conf1, MT.conf1), subject: subj, tag: 'tagged-artifact' })
  })
  add('missing-subject', (td) => {
    const subject = { mediaType: MT.image, size: 123, digest: digestOf(Buffer.from('missing content')) }
    td.genManifestFull({ ...artifact(MT.conf1, MT.conf1), subject, tag: 'tagged-artifact' })
  })
  add('data-field', (td) => td.genManifestFull({ tag: 'data-field', setData: true }))
  add('non-distributable-layers', (td) => {
    const nd = (mediaType: string, size: number): Descriptor => {
      const dig = digestOf(randomBytes(256))
      return {
        mediaType,
        digest: dig,
        size,
        urls: [`https://store.example.com/blobs/sha256/${dig.slice(7)}`],
      }
    }
    const layers = [nd(MT.layerNdGz, 123456), nd(MT.layerNd, 12345)]
    const [c, u] = td.genLayer({})
    layers.push(td.desc.get(c)!)
    const conf = td.genConfig(amd64, [digestOf(randomBytes(256)), layers[1]!.digest, u], {})
    td.genManifest(td.desc.get(conf)!, layers, { tag: 'non-distributable-image' })
  })
  add('custom-fields', (td) => td.genIndexFull({ tag: 'custom-fields', extraField: true }))
  add('no-layers', (td) => td.genManifestFull({ tag: 'no-layers', layerCount: 0 }))
  add('sha512', (td) => td.genIndexFull({ alg: 'sha512' }))
  add('bad-digest-image', (td) => {
    const dig = td.genManifestFull({})
    td.expectBadDigest.add(dig)
    td.manifests.set(dig, Buffer.concat([td.manifests.get(dig)!, Buffer.from('  ')]))
  })
  return sets
}
