// Registry credentials as the Engine API carries them: the `X-Registry-Auth` header (base64url
// JSON) on pull and push, and the body of POST /auth. Parsing and normalisation only; talking
// to a registry is registry-client/'s job, storing credentials is the CLI's.
import { InvalidArgumentError } from '../../lib/errors.ts'
import { DEFAULT_DOMAIN } from '../../oci/index.ts'

/** Engine API AuthConfig, after decoding (`auth` = base64 "user:pass" already split). */
export interface AuthConfig {
  username?: string
  password?: string
  serveraddress?: string
  identitytoken?: string
  registrytoken?: string
}

/** Docker Hub's legacy server address, which docker keeps as the config.json key. */
export const INDEX_SERVER = 'https://index.docker.io/v1/'

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined
}

/** Validates a decoded AuthConfig object. @throws InvalidArgumentError. */
export function toAuthConfig(body: unknown): AuthConfig {
  if (body === undefined || body === null) return {}
  if (typeof body !== 'object' || Array.isArray(body))
    throw new InvalidArgumentError('invalid auth configuration: not a JSON object')
  const b = body as Record<string, unknown>
  const out: AuthConfig = {
    username: str(b.username) ?? str(b.Username),
    password: str(b.password) ?? str(b.Password),
    serveraddress: str(b.serveraddress) ?? str(b.ServerAddress),
    identitytoken: str(b.identitytoken) ?? str(b.IdentityToken),
    registrytoken: str(b.registrytoken) ?? str(b.RegistryToken),
  }
  const auth = str(b.auth) ?? str(b.Auth)
  if (auth && !out.username) {
    const plain = Buffer.from(auth, 'base64').toString('utf8')
    const i = plain.indexOf(':')
    if (i > 0) {
      out.username = plain.slice(0, i)
      out.password = plain.slice(i + 1)
    }
  }
  for (const k of Object.keys(out) as Array<keyof AuthConfig>) if (out[k] === undefined) delete out[k]
  return out
}

/** Decodes an `X-Registry-Auth` header; empty or absent means anonymous. Docker's decoder
 *  accepts both base64 alphabets, with or without padding. @throws InvalidArgumentError. */
export function decodeRegistryAuth(header: string | undefined): AuthConfig {
  if (!header || header.trim() === '') return {}
  let parsed: unknown
  try {
    parsed = JSON.parse(Buffer.from(header.trim(), 'base64').toString('utf8'))
  } catch (err) {
    throw new InvalidArgumentError('invalid X-Registry-Auth header: not base64url-encoded JSON', {
      cause: err,
    })
  }
  return toAuthConfig(parsed)
}

/** The registry domain a server address names ("https://index.docker.io/v1/" → "docker.io",
 *  "http://127.0.0.1:5000/" → "127.0.0.1:5000"). Empty means Docker Hub. */
export function registryDomainOf(serverAddress: string | undefined): string {
  if (!serverAddress) return DEFAULT_DOMAIN
  const host = serverAddress
    .trim()
    .replace(/^[a-z]+:\/\//i, '')
    .replace(/\/.*$/, '')
    .toLowerCase()
  if (host === '' || host === 'index.docker.io' || host === 'registry-1.docker.io' || host === 'docker.io')
    return DEFAULT_DOMAIN
  return host
}

export function hasCredentials(a: AuthConfig): boolean {
  return (
    (a.username !== undefined && a.password !== undefined) ||
    a.identitytoken !== undefined ||
    a.registrytoken !== undefined
  )
}
