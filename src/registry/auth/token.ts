// Signed bearer tokens: compact JWTs (HS256, node:crypto) carrying the granted scopes in an
// `access` claim, as the Docker token spec's JWTs do. Signing and verification only; who may
// have what is the token route's policy.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import type { Access } from './access.ts'

export interface TokenClaims {
  iss: string
  sub: string
  aud: string
  exp: number
  nbf: number
  iat: number
  jti: string
  access: Access[]
}

export class TokenSigner {
  readonly #key: Buffer
  readonly issuer: string

  constructor(opts: { secret?: string; issuer: string }) {
    this.#key = opts.secret ? Buffer.from(opts.secret) : randomBytes(32)
    this.issuer = opts.issuer
  }

  sign(opts: {
    subject: string
    audience: string
    access: Access[]
    ttlSeconds: number
    now?: number
  }): string {
    const now = Math.floor((opts.now ?? Date.now()) / 1000)
    const claims: TokenClaims = {
      iss: this.issuer,
      sub: opts.subject,
      aud: opts.audience,
      exp: now + opts.ttlSeconds,
      nbf: now - 1,
      iat: now,
      jti: randomBytes(12).toString('hex'),
      access: opts.access,
    }
    const head = b64(JSON.stringify({ alg: 'HS256', typ: 'JWT' }))
    const body = b64(JSON.stringify(claims))
    return `${head}.${body}.${this.#mac(`${head}.${body}`)}`
  }

  /** The claims of a token this signer made for `audience`, still valid at `now`; else undefined. */
  verify(token: string, audience: string, now = Date.now()): TokenClaims | undefined {
    const parts = token.split('.')
    if (parts.length !== 3) return undefined
    const [head, body, sig] = parts as [string, string, string]
    const want = Buffer.from(this.#mac(`${head}.${body}`))
    const got = Buffer.from(sig)
    if (want.length !== got.length || !timingSafeEqual(want, got)) return undefined
    let claims: TokenClaims
    try {
      claims = JSON.parse(Buffer.from(body, 'base64url').toString()) as TokenClaims
    } catch {
      // The signature matched, so this cannot happen short of a key leak: treat as invalid.
      return undefined
    }
    const t = Math.floor(now / 1000)
    if (claims.iss !== this.issuer || claims.aud !== audience || t >= claims.exp || t < claims.nbf)
      return undefined
    return Array.isArray(claims.access) ? claims : undefined
  }

  #mac(data: string): string {
    return createHmac('sha256', this.#key).update(data).digest('base64url')
  }
}

function b64(s: string): string {
  return Buffer.from(s).toString('base64url')
}
