// Fixtures and client for oci-suite.test.ts, the port of the OCI distribution-spec v1.1
// conformance suite (conformance/setup.go, image.go). The blobs and manifests are built the
// way the suite builds them: Go json.MarshalIndent with a tab indent, struct field order,
// []byte fields as base64, an always-present `newUnspecifiedField` (null when unset), and
// fresh random config authors and blob contents per run. Used only by tests.
import { randomBytes, randomInt, randomUUID } from 'node:crypto'
import { digestOf } from './testing.ts'

export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json'
export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json'
const OCI_CONFIG = 'application/vnd.oci.image.config.v1+json'
const OCI_EMPTY = 'application/vnd.oci.empty.v1+json'
const LAYER_GZIP = 'application/vnd.oci.image.layer.v1.tar+gzip'

/** The suite's knobs (setup.go), as they stand when no OCI_* variable is set: the four
 *  workflows on, manifests deleted before blobs, the automatic cross-mount test off. */
export interface SuiteSettings {
  namespace: string
  crossmountNamespace: string
  deleteManifestBeforeBlobs: boolean
  /** OCI_AUTOMATIC_CROSSMOUNT set at all (true or false runs the matching spec). */
  runAutomaticCrossmountTest: boolean
  automaticCrossmountEnabled: boolean
  runPullSetup: boolean
  runPushSetup: boolean
  runContentDiscoverySetup: boolean
  runContentManagementSetup: boolean
}

export function suiteSettings(overrides: Partial<SuiteSettings> = {}): SuiteSettings {
  return {
    namespace: 'myorg/myrepo',
    crossmountNamespace: `conformance-${randomUUID()}`,
    deleteManifestBeforeBlobs: true,
    runAutomaticCrossmountTest: false,
    automaticCrossmountEnabled: false,
    runPullSetup: true,
    runPushSetup: true,
    runContentDiscoverySetup: true,
    runContentManagementSetup: true,
    ...overrides,
  }
}

export const testTagName = 'tagtest0'
export const emptyLayerTestTag = 'emptylayer'
export const nonexistentManifest = '.INVALID_MANIFEST_NAME'
export const invalidManifestContent = Buffer.from('blablabla')
export const dummyDigest = digestOf('hello world')
export const artifactTypeFilter = 'artifactType'
export const errorCodes = [
  'BLOB_UNKNOWN',
  'BLOB_UPLOAD_INVALID',
  'BLOB_UPLOAD_UNKNOWN',
  'DIGEST_INVALID',
  'MANIFEST_BLOB_UNKNOWN',
  'MANIFEST_INVALID',
  'MANIFEST_UNKNOWN',
  'MANIFEST_UNVERIFIED',
  'NAME_INVALID',
  'NAME_UNKNOWN',
  'SIZE_INVALID',
  'TAG_INVALID',
  'UNAUTHORIZED',
  'DENIED',
  'UNSUPPORTED',
]

export interface TestBlob {
  content: Buffer
  contentLength: string
  digest: string
}

function blob(content: Buffer): TestBlob {
  return { content, contentLength: String(content.length), digest: digestOf(content) }
}

/** json.MarshalIndent(v, "", "\t"): same layout as JSON.stringify with a tab. */
function marshal(v: unknown): Buffer {
  return Buffer.from(JSON.stringify(v, null, '\t'))
}

interface DescriptorFields {
  mediaType: string
  digest: string
  size: number
  annotations?: Record<string, string>
  data?: Buffer
  artifactType?: string
  newUnspecifiedField?: Buffer
}

/** image.go's descriptor, fields in struct order; omitempty fields dropped when unset. */
function descriptor(d: DescriptorFields): Record<string, unknown> {
  return {
    mediaType: d.mediaType,
    digest: d.digest,
    size: d.size,
    ...(d.annotations ? { annotations: d.annotations } : {}),
    ...(d.data ? { data: d.data.toString('base64') } : {}),
    ...(d.artifactType ? { artifactType: d.artifactType } : {}),
    newUnspecifiedField: d.newUnspecifiedField ? d.newUnspecifiedField.toString('base64') : null,
  }
}

interface ManifestFields {
  mediaType?: string
  artifactType?: string
  config: DescriptorFields
  layers: DescriptorFields[]
  subject?: DescriptorFields
  annotations?: Record<string, string>
}

function manifest(m: ManifestFields): Buffer {
  return marshal({
    schemaVersion: 2,
    ...(m.mediaType ? { mediaType: m.mediaType } : {}),
    ...(m.artifactType ? { artifactType: m.artifactType } : {}),
    config: descriptor(m.config),
    layers: m.layers.map(descriptor),
    ...(m.subject ? { subject: descriptor(m.subject) } : {}),
    ...(m.annotations ? { annotations: m.annotations } : {}),
  })
}

function randomString(n: number): string {
  const letters = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-'
  let s = ''
  for (let i = 0; i < n; i++) s += letters[randomInt(letters.length)]
  return s
}

/** setup.go's layerBase64String: a gzipped tarball holding one small text file. */
const layerBase64 =
  'H4sIAAAAAAAAA+3OQQrCMBCF4a49xXgBSUnaHMCTRBptQRNpp6i3t0UEV7oqIv7fYgbmzeJpHHSjVy0' +
  'WZCa1c/MufWVe94N3RWlrZ72x3k/30nhbFWKWLPU0Dhp6keJ8im//PuU/6pZH2WVtYx8b0Sz7LjWSR5VLG6YRBumSzOlGtjkd+qD' +
  'jMWiX07Befbs7AAAAAAAAAAAAAAAAAPyzO34MnqoAKAAA'
export const layer = blob(Buffer.from(layerBase64, 'base64'))
const layers: DescriptorFields[] = [
  { mediaType: LAYER_GZIP, size: layer.content.length, digest: layer.digest },
]

/** setup.go's numWorkflows: `1 << iota` after the four workflow bits, so 16 (0..4 are used). */
const NUM_WORKFLOWS = 16
/** One config per "workflow", unique through a random author. */
export const configs: TestBlob[] = Array.from({ length: NUM_WORKFLOWS }, () =>
  blob(
    marshal({
      author: randomString(16),
      architecture: 'amd64',
      os: 'linux',
      rootfs: { type: 'layers', diff_ids: [] },
    }),
  ),
)

function configDescriptor(c: TestBlob): DescriptorFields {
  return {
    mediaType: OCI_CONFIG,
    digest: c.digest,
    size: c.content.length,
    data: c.content,
    newUnspecifiedField: Buffer.from('hello world'),
  }
}

export const manifests: TestBlob[] = configs.map((c) =>
  blob(manifest({ mediaType: OCI_MANIFEST, config: configDescriptor(c), layers })),
)

/** Push test: a manifest with no layers and no mediaType field. */
export const emptyLayerManifest = blob(manifest({ config: configDescriptor(configs[1]!), layers: [] }))

/** 42 random bytes (the suite derives them from the Ginkgo seed). */
export const testBlobA = blob(randomBytes(42))

export interface ChunkedBlob {
  blob: TestBlob
  chunk1: Buffer
  chunk2: Buffer
  chunk1Range: string
  chunk2Range: string
}

/** setupChunkedBlob: a random blob split after size/2+1 bytes. */
export function chunkedBlob(size: number): ChunkedBlob {
  const b = blob(randomBytes(size))
  const cut = Math.floor(size / 2) + 1
  return {
    blob: b,
    chunk1: b.content.subarray(0, cut),
    chunk2: b.content.subarray(cut),
    chunk1Range: `0-${cut - 1}`,
    chunk2Range: `${cut}-${size - 1}`,
  }
}

// Referrers (content discovery).
export const emptyJSONBlob = Buffer.from('{}')
const emptyJSON: DescriptorFields = { mediaType: OCI_EMPTY, size: 2, digest: digestOf(emptyJSONBlob) }
export const emptyJSONDigest = emptyJSON.digest
export const testRefBlobA = blob(Buffer.from('NHL Peanut Butter on my NHL bagel'))
export const testRefArtifactTypeA = 'application/vnd.nhl.peanut.butter.bagel'
export const testRefBlobB = blob(Buffer.from('NBA Strawberry Jam on my NBA croissant'))
export const testRefArtifactTypeB = 'application/vnd.nba.strawberry.jam.croissant'
export const testRefArtifactTypeIndex = 'application/vnd.food.stand'
export const testAnnotationKey = 'org.opencontainers.conformance.test'
/** Digest of each referrer → the annotation value it carries. */
export const testAnnotationValues = new Map<string, string>()

function subjectOf(m: TestBlob): DescriptorFields {
  return { mediaType: OCI_MANIFEST, size: m.content.length, digest: digestOf(m.content) }
}

function referrer(fields: ManifestFields): TestBlob {
  const b = blob(manifest(fields))
  const value = fields.annotations?.[testAnnotationKey]
  if (value !== undefined) testAnnotationValues.set(b.digest, value)
  return b
}

function refBlobDescriptor(mediaType: string, b: TestBlob): DescriptorFields {
  return { mediaType, size: b.content.length, digest: b.digest }
}

const subject4 = subjectOf(manifests[4]!)
/** Artifact with subject, artifactType given by config.mediaType. */
export const refsManifestAConfigArtifact = referrer({
  mediaType: OCI_MANIFEST,
  config: refBlobDescriptor(testRefArtifactTypeA, testRefBlobA),
  subject: subject4,
  layers: [emptyJSON],
  annotations: { [testAnnotationKey]: 'test config a' },
})
export const refsManifestBConfigArtifact = referrer({
  mediaType: OCI_MANIFEST,
  config: refBlobDescriptor(testRefArtifactTypeB, testRefBlobB),
  subject: subject4,
  layers: [emptyJSON],
  annotations: { [testAnnotationKey]: 'test config b' },
})
/** Artifact with subject, artifactType field set, empty JSON config. */
export const refsManifestALayerArtifact = referrer({
  mediaType: OCI_MANIFEST,
  artifactType: testRefArtifactTypeA,
  config: emptyJSON,
  subject: subject4,
  layers: [refBlobDescriptor(testRefArtifactTypeA, testRefBlobA)],
  annotations: { [testAnnotationKey]: 'test layer a' },
})
export const refsManifestBLayerArtifact = referrer({
  mediaType: OCI_MANIFEST,
  artifactType: testRefArtifactTypeB,
  config: emptyJSON,
  subject: subject4,
  layers: [refBlobDescriptor(testRefArtifactTypeB, testRefBlobB)],
  annotations: { [testAnnotationKey]: 'test layer b' },
})
/** Same as B's layer artifact, for a subject (manifests[3]) that is never pushed here. */
export const refsManifestCLayerArtifact = referrer({
  mediaType: OCI_MANIFEST,
  artifactType: testRefArtifactTypeB,
  config: emptyJSON,
  subject: subjectOf(manifests[3]!),
  layers: [refBlobDescriptor(testRefArtifactTypeB, testRefBlobB)],
})
/** An index artifact with a subject, listing the two A artifacts. */
export const refsIndexArtifact = (() => {
  const b = blob(
    marshal({
      schemaVersion: 2,
      mediaType: OCI_INDEX,
      artifactType: testRefArtifactTypeIndex,
      manifests: [refsManifestAConfigArtifact, refsManifestALayerArtifact].map((m) =>
        descriptor(subjectOf(m)),
      ),
      subject: descriptor(subject4),
      annotations: { [testAnnotationKey]: 'test index' },
    }),
  )
  testAnnotationValues.set(b.digest, 'test index')
  return b
})()

export interface SuiteResponse {
  status: number
  headers: Headers
  body: Buffer
  /** "METHOD /path?query -> status body…", for assertion messages. */
  info: string
  /** reggie's GetRelativeLocation: path and query of the Location header. */
  relativeLocation(): string
  /** The Location header as sent. */
  absoluteLocation(): string
  /** Parsed `{"errors": [...]}` body (throws when it is not JSON). */
  errors(): { code: string; message?: string }[]
}

export interface SuiteRequest {
  /** Replaces <name> (default: the suite namespace). */
  name?: string
  reference?: string
  digest?: string
  headers?: Record<string, string>
  query?: Record<string, string>
  body?: Buffer
}

/** A client shaped like reggie: `<name>`, `<reference>`, `<digest>` in paths, query
 *  parameters appended to whatever query the path already has, a fixed User-Agent. */
export function suiteClient(base: string, namespace: string) {
  return async (method: string, path: string, req: SuiteRequest = {}): Promise<SuiteResponse> => {
    const p = path
      .replaceAll('<name>', req.name ?? namespace)
      .replaceAll('<reference>', req.reference ?? '<reference>')
      .replaceAll('<digest>', req.digest ?? '<digest>')
    const url = new URL(`${base}/${p.replace(/^\//, '')}`)
    for (const [k, v] of Object.entries(req.query ?? {})) url.searchParams.append(k, v)
    // Go's client sends no body on GET/HEAD (resty drops it) and computes Content-Length itself.
    const sendBody = req.body !== undefined && method !== 'GET' && method !== 'HEAD'
    // Go's transport ignores a Content-Length header and sends the body's real length.
    const headers = Object.entries(req.headers ?? {}).filter(([k]) => k.toLowerCase() !== 'content-length')
    const res = await fetch(url, {
      method,
      headers: { 'User-Agent': 'distribution-spec-conformance-tests', ...Object.fromEntries(headers) },
      ...(sendBody ? { body: req.body } : {}),
      redirect: 'follow',
    })
    const body = Buffer.from(await res.arrayBuffer())
    const location = res.headers.get('location') ?? ''
    return {
      status: res.status,
      headers: res.headers,
      body,
      info: `${method} ${url.pathname}${url.search} -> ${res.status} ${body.toString().slice(0, 300)}`,
      relativeLocation() {
        if (location === '') return ''
        const u = new URL(location, 'http://relative.invalid')
        return u.pathname + u.search
      },
      absoluteLocation: () => location,
      errors: () => (JSON.parse(body.toString()) as { errors: { code: string }[] }).errors,
    }
  }
}
