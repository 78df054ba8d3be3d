// Docker image references: the distribution/reference grammar, Docker's normalisation
// ("busybox" = "docker.io/library/busybox:latest") and the familiar form shown to users.
// Pure functions; resolving a reference to an image is the image store's job.
import { InvalidArgumentError } from '../lib/errors.ts'
import { type Digest, parseDigest } from './digest.ts'

export const DEFAULT_DOMAIN = 'docker.io'
const LEGACY_DEFAULT_DOMAIN = 'index.docker.io'
const OFFICIAL_PREFIX = 'library/'
export const DEFAULT_TAG = 'latest'
const NAME_MAX = 255

// Grammar (distribution/reference "reference.go"): domain components may hold upper case,
// path components may not; a separator is ".", "_", "__" or a run of "-".
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])'
const HOST = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[a-fA-F0-9:]+\\])`
const DOMAIN = `${HOST}(?::[0-9]+)?`
const PATH_COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*'
const NAME = `(?:${DOMAIN}/)?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*`
const TAG = '[\\w][\\w.-]{0,127}'
const DIGEST = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}'
const REFERENCE_RE = new RegExp(`^(${NAME})(?::(${TAG}))?(?:@(${DIGEST}))?$`)
const TAG_RE = new RegExp(`^${TAG}$`)
const HEX64_RE = /^[a-f0-9]{64}$/

/** A parsed, normalised reference. `name` is `domain/path`. */
export interface Reference {
  domain: string
  path: string
  tag?: string
  digest?: Digest
}

export function nameOf(r: Reference): string {
  return r.domain === '' ? r.path : `${r.domain}/${r.path}`
}

/** The full string: "docker.io/library/busybox:latest", "name@sha256:…". */
export function refString(r: Reference): string {
  return nameOf(r) + (r.tag !== undefined ? `:${r.tag}` : '') + (r.digest !== undefined ? `@${r.digest}` : '')
}

/** The name as users write it: "busybox", "foo/bar", "localhost:5000/a/b". */
export function familiarName(r: Reference): string {
  if (r.domain !== DEFAULT_DOMAIN) return nameOf(r)
  const rest = r.path.startsWith(OFFICIAL_PREFIX) ? r.path.slice(OFFICIAL_PREFIX.length) : r.path
  return rest.includes('/') ? r.path : rest
}

/** The reference as users write it: "busybox:latest", "foo/bar@sha256:…". */
export function familiarString(r: Reference): string {
  return (
    familiarName(r) +
    (r.tag !== undefined ? `:${r.tag}` : '') +
    (r.digest !== undefined ? `@${r.digest}` : '')
  )
}

/** Strict parse of a complete reference (no normalisation). @throws InvalidArgumentError. */
export function parseReference(s: string): Reference {
  const m = REFERENCE_RE.exec(s)
  if (!m) {
    if (s === '')
      throw new InvalidArgumentError(
        'invalid reference format: repository name must have at least one component',
      )
    if (REFERENCE_RE.test(s.toLowerCase()))
      throw new InvalidArgumentError('invalid reference format: repository name must be lowercase')
    throw new InvalidArgumentError('invalid reference format')
  }
  const name = m[1]!
  if (name.length > NAME_MAX) {
    throw new InvalidArgumentError(
      `invalid reference format: repository name must not be more than ${NAME_MAX} characters`,
    )
  }
  const { domain, path } = splitName(name)
  const ref: Reference = { domain, path }
  if (m[2] !== undefined) ref.tag = m[2]
  if (m[3] !== undefined) ref.digest = parseDigest(m[3])
  return ref
}

function splitName(name: string): { domain: string; path: string } {
  const i = name.indexOf('/')
  const first = i === -1 ? '' : name.slice(0, i)
  if (i !== -1 && (/[.:]/.test(first) || first === 'localhost' || first.toLowerCase() !== first)) {
    return { domain: first, path: name.slice(i + 1) }
  }
  return { domain: '', path: name }
}

/** Docker's ParseNormalizedNamed: adds docker.io and library/ where Docker would. Keeps any
 *  tag and digest as given. @throws InvalidArgumentError with Docker's messages. */
export function parseNormalizedNamed(s: string): Reference {
  if (HEX64_RE.test(s)) {
    throw new InvalidArgumentError(
      `invalid repository name (${s}), cannot specify 64-byte hexadecimal strings`,
    )
  }
  const { domain, remainder } = splitDockerDomain(s)
  const colon = remainder.indexOf(':')
  const remoteName = colon === -1 ? remainder : remainder.slice(0, colon)
  if (remoteName.toLowerCase() !== remoteName) {
    throw new InvalidArgumentError(
      `invalid reference format: repository name (${remoteName}) must be lowercase`,
    )
  }
  return parseReference(`${domain}/${remainder}`)
}

function splitDockerDomain(s: string): { domain: string; remainder: string } {
  const i = s.indexOf('/')
  let domain = DEFAULT_DOMAIN
  let remainder = s
  if (i !== -1) {
    const first = s.slice(0, i)
    if (/[.:]/.test(first) || first === 'localhost' || first.toLowerCase() !== first) {
      domain = first
      remainder = s.slice(i + 1)
    }
  }
  if (domain === LEGACY_DEFAULT_DOMAIN) domain = DEFAULT_DOMAIN
  if (domain === DEFAULT_DOMAIN && !remainder.includes('/')) remainder = OFFICIAL_PREFIX + remainder
  return { domain, remainder }
}

/** Docker's ParseDockerRef: normalised, "latest" added when there is neither tag nor digest,
 *  and the tag dropped when a digest is present (the digest wins). @throws InvalidArgumentError. */
export function parseDockerRef(s: string): Reference {
  const ref = parseNormalizedNamed(s)
  if (ref.digest !== undefined) return { domain: ref.domain, path: ref.path, digest: ref.digest }
  if (ref.tag === undefined) return { ...ref, tag: DEFAULT_TAG }
  return ref
}

/** Validates a tag on its own ("latest", "1.0-rc"). @throws InvalidArgumentError. */
export function parseTag(tag: string): string {
  if (!TAG_RE.test(tag)) throw new InvalidArgumentError(`invalid tag format: ${tag}`)
  return tag
}
