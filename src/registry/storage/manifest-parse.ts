// Validates a pushed manifest's bytes into what the registry needs to know about it: its
// media type, the blobs and manifests it references, its subject and artifact type. Pure.
// Accepts OCI image manifests and indexes and Docker schema 2 manifests and manifest lists.
import { type Descriptor, type Digest, MediaType } from '../../oci/index.ts'
import { ManifestInvalidError } from '../errors.ts'
import { isAlgorithm } from './names.ts'

export interface ParsedManifest {
  mediaType: string
  kind: 'manifest' | 'index'
  /** Blobs that must exist in the repository (config and distributable layers). */
  blobs: Descriptor[]
  /** Manifests that must exist in the repository (index entries). */
  manifests: Descriptor[]
  subject?: Descriptor
  /** artifactType, else (image manifest) the config media type; absent for an index without one. */
  artifactType?: string
  annotations?: Record<string, string>
}

const KINDS: Record<string, 'manifest' | 'index'> = {
  [MediaType.ociManifest]: 'manifest',
  [MediaType.dockerManifest]: 'manifest',
  [MediaType.ociIndex]: 'index',
  [MediaType.dockerManifestList]: 'index',
}

/** Non-distributable ("foreign") layers may live elsewhere, so the registry does not require them. */
function isNonDistributable(d: Descriptor): boolean {
  return d.mediaType.includes('nondistributable') || d.mediaType.includes('.foreign.')
}

/** @throws ManifestInvalidError. */
export function parseManifest(content: Uint8Array, contentType: string | undefined): ParsedManifest {
  let doc: unknown
  try {
    doc = JSON.parse(Buffer.from(content).toString('utf8'))
  } catch (err) {
    throw new ManifestInvalidError('manifest is not valid JSON', { cause: err })
  }
  if (!isObject(doc)) throw new ManifestInvalidError('manifest is not a JSON object')
  const declared = optString(doc, 'mediaType')
  const mediaType =
    declared ?? contentType ?? (Array.isArray(doc['manifests']) ? MediaType.ociIndex : undefined)
  if (mediaType === undefined) throw new ManifestInvalidError('manifest media type is unknown')
  if (declared !== undefined && contentType !== undefined && declared !== contentType) {
    throw new ManifestInvalidError(`mediaType ${declared} does not match Content-Type ${contentType}`)
  }
  const kind = KINDS[mediaType]
  if (!kind) throw new ManifestInvalidError(`unsupported manifest media type ${mediaType}`)
  if (doc['schemaVersion'] !== 2) throw new ManifestInvalidError('schemaVersion must be 2')
  const subject = doc['subject'] === undefined ? undefined : descriptor(doc['subject'], 'subject')
  const annotations = stringMap(doc['annotations'], 'annotations')
  const artifactType = optString(doc, 'artifactType')
  if (kind === 'manifest') {
    const config = descriptor(doc['config'], 'config')
    const layers = descriptors(doc['layers'], 'layers')
    return {
      mediaType,
      kind,
      blobs: [config, ...layers.filter((l) => !isNonDistributable(l))],
      manifests: [],
      ...(subject ? { subject } : {}),
      artifactType: artifactType || config.mediaType,
      ...(annotations ? { annotations } : {}),
    }
  }
  return {
    mediaType,
    kind,
    blobs: [],
    manifests: descriptors(doc['manifests'], 'manifests'),
    ...(subject ? { subject } : {}),
    ...(artifactType ? { artifactType } : {}),
    ...(annotations ? { annotations } : {}),
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

function optString(o: Record<string, unknown>, key: string): string | undefined {
  const v = o[key]
  if (v === undefined) return undefined
  if (typeof v !== 'string') throw new ManifestInvalidError(`${key} must be a string`)
  return v
}

function stringMap(v: unknown, field: string): Record<string, string> | undefined {
  if (v === undefined) return undefined
  if (!isObject(v) || Object.values(v).some((x) => typeof x !== 'string')) {
    throw new ManifestInvalidError(`${field} must map strings to strings`)
  }
  return v as Record<string, string>
}

const DIGEST_RE = /^([a-z0-9]+(?:[+._-][a-z0-9]+)*):([a-zA-Z0-9=_-]+)$/

function descriptor(v: unknown, field: string): Descriptor {
  if (!isObject(v)) throw new ManifestInvalidError(`${field} must be a descriptor object`)
  const { mediaType, digest, size } = v
  if (typeof mediaType !== 'string' || mediaType === '') {
    throw new ManifestInvalidError(`${field}.mediaType must be a non-empty string`)
  }
  const m = typeof digest === 'string' ? DIGEST_RE.exec(digest) : null
  if (
    !m ||
    !isAlgorithm(m[1]!) ||
    !/^[a-f0-9]+$/.test(m[2]!) ||
    m[2]!.length !== (m[1] === 'sha256' ? 64 : 128)
  ) {
    throw new ManifestInvalidError(`${field}.digest ${JSON.stringify(digest)} is not a valid digest`)
  }
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) {
    throw new ManifestInvalidError(`${field}.size must be a non-negative integer`)
  }
  return v as unknown as Descriptor & { digest: Digest }
}

function descriptors(v: unknown, field: string): Descriptor[] {
  if (!Array.isArray(v)) throw new ManifestInvalidError(`${field} must be an array`)
  return v.map((d, i) => descriptor(d, `${field}[${i}]`))
}
