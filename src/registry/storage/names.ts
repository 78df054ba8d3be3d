// Validation of the path parameters every endpoint takes: repository names and tags
// (spec "Pulling manifests" regular expressions) and digests with a supported algorithm.
import { algorithmOf, type Digest, parseDigest } from '../../oci/index.ts'
import {
  DigestInvalidError,
  ManifestInvalidError,
  ManifestUnknownError,
  NameInvalidError,
} from '../errors.ts'

const NAME_RE = /^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*)*$/
const TAG_RE = /^[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}$/
/** Clients cap "host:port/name" at 255 characters (spec implementers' note). */
const NAME_MAX = 255

export const SUPPORTED_ALGORITHMS = ['sha256', 'sha512'] as const
export type DigestAlgorithm = (typeof SUPPORTED_ALGORITHMS)[number]

/** @throws NameInvalidError. */
export function parseRepoName(s: string): string {
  if (s.length > NAME_MAX || !NAME_RE.test(s)) {
    throw new NameInvalidError(`invalid repository name ${JSON.stringify(s)}`)
  }
  return s
}

export function isTag(s: string): boolean {
  return TAG_RE.test(s)
}

/** @throws ManifestInvalidError (distribution answers TAG_INVALID there, a legacy code). */
export function parseTag(s: string): string {
  if (!TAG_RE.test(s)) throw new ManifestInvalidError(`invalid tag ${JSON.stringify(s)}`)
  return s
}

export function isAlgorithm(s: string): s is DigestAlgorithm {
  return (SUPPORTED_ALGORITHMS as readonly string[]).includes(s)
}

/** A digest whose algorithm this registry can verify. @throws DigestInvalidError. */
export function parseRegistryDigest(s: string): Digest {
  let d: Digest
  try {
    d = parseDigest(s)
  } catch (err) {
    throw new DigestInvalidError(`invalid digest ${JSON.stringify(s)}`, { cause: err })
  }
  if (!isAlgorithm(algorithmOf(d))) throw new DigestInvalidError(`unsupported digest algorithm in ${s}`)
  return d
}

/** A tag or a digest (manifest endpoints). */
export type ManifestRef = { tag: string; digest?: undefined } | { digest: Digest; tag?: undefined }

/** @throws DigestInvalidError or ManifestInvalidError. */
export function parseManifestRef(s: string): ManifestRef {
  if (s.includes(':')) return { digest: parseRegistryDigest(s) }
  return { tag: parseTag(s) }
}

/** The reference of a read or delete: a string that is no valid tag names nothing, so it is
 *  404 MANIFEST_UNKNOWN as in distribution (the OCI conformance suite GETs and HEADs
 *  ".INVALID_MANIFEST_NAME" and wants 404); a malformed digest stays 400 DIGEST_INVALID.
 *  @throws DigestInvalidError or ManifestUnknownError. */
export function parseExistingRef(s: string): ManifestRef {
  if (!s.includes(':') && !isTag(s)) throw new ManifestUnknownError(`manifest unknown: ${s}`)
  return parseManifestRef(s)
}
