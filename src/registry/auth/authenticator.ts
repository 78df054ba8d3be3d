// Authenticator: decides whether a request may do what its route needs. Three policies:
// none, htpasswd Basic, and bearer tokens from this registry's own token route. Each throws
// RegistryUnauthorizedError with the challenge a client needs to retry.
import type { IncomingHttpHeaders } from 'node:http'
import { RegistryUnauthorizedError } from '../errors.ts'
import { type Access, basicChallenge, bearerChallenge, covers } from './access.ts'
import type { Htpasswd } from './htpasswd.ts'
import type { TokenSigner } from './token.ts'

export interface Authenticator {
  /** Resolves to the signed-in account (undefined when anonymous) if `needed` is allowed.
   *  An empty `needed` asks only for a valid identity (the /v2/ check).
   *  @throws RegistryUnauthorizedError with a WWW-Authenticate challenge. */
  authorize(headers: IncomingHttpHeaders, needed: Access[], baseUrl: string): Promise<string | undefined>
}

export const noAuth: Authenticator = {
  authorize: async () => undefined,
}

/** "Basic <base64>" → user and password; undefined when absent or malformed. */
export function basicCredentials(
  headers: IncomingHttpHeaders,
): { user: string; password: string } | undefined {
  const m = /^Basic\s+(\S+)$/i.exec(headers.authorization ?? '')
  if (!m) return undefined
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8')
  const colon = decoded.indexOf(':')
  if (colon < 0) return undefined
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) }
}

export class BasicAuthenticator implements Authenticator {
  readonly #htpasswd: Htpasswd
  readonly #realm: string

  constructor(htpasswd: Htpasswd, realm: string) {
    this.#htpasswd = htpasswd
    this.#realm = realm
  }

  async authorize(headers: IncomingHttpHeaders): Promise<string> {
    const creds = basicCredentials(headers)
    const challenge = basicChallenge(this.#realm)
    if (!creds) throw new RegistryUnauthorizedError('authentication required', challenge)
    if (!(await this.#htpasswd.verify(creds.user, creds.password))) {
      throw new RegistryUnauthorizedError('invalid username or password', challenge)
    }
    return creds.user
  }
}

export class TokenAuthenticator implements Authenticator {
  readonly #signer: TokenSigner
  readonly #service: string
  readonly #realm: string | undefined

  /** `realm` defaults to `<baseUrl>/token`, the built-in token route. */
  constructor(signer: TokenSigner, opts: { service: string; realm?: string }) {
    this.#signer = signer
    this.#service = opts.service
    this.#realm = opts.realm
  }

  async authorize(headers: IncomingHttpHeaders, needed: Access[], baseUrl: string): Promise<string> {
    const realm = this.#realm ?? `${baseUrl}/token`
    const m = /^Bearer\s+(\S+)$/i.exec(headers.authorization ?? '')
    if (!m) {
      throw new RegistryUnauthorizedError(
        'authentication required',
        bearerChallenge(realm, this.#service, needed),
      )
    }
    const claims = this.#signer.verify(m[1]!, this.#service)
    if (!claims) {
      throw new RegistryUnauthorizedError(
        'invalid or expired token',
        bearerChallenge(realm, this.#service, needed, 'invalid_token'),
      )
    }
    if (!covers(claims.access, needed)) {
      throw new RegistryUnauthorizedError(
        'insufficient scope',
        bearerChallenge(realm, this.#service, needed, 'insufficient_scope'),
        needed,
      )
    }
    return claims.sub
  }
}
