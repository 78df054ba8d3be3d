// Bearer tokens from registry token servers, cached per (registry, identity, scope set) until
// shortly before they expire. Shared by every pull and push of one daemon; holds no secrets
// beyond the tokens themselves.

interface Entry {
  token: string
  expiresAt: number
}

/** Tokens live at least 60 s (the token auth spec's default when `expires_in` is absent). */
const DEFAULT_TTL_S = 60
/** Refresh this long before the stated expiry, to survive clock skew and slow requests. */
const MARGIN_MS = 10_000

export class TokenCache {
  readonly #entries = new Map<string, Entry>()
  readonly #now: () => number

  constructor(now: () => number = Date.now) {
    this.#now = now
  }

  static key(base: string, identity: string, scopes: string[]): string {
    return `${base}|${identity}|${[...scopes].sort().join(' ')}`
  }

  get(key: string): string | undefined {
    const e = this.#entries.get(key)
    if (!e) return undefined
    if (e.expiresAt <= this.#now()) {
      this.#entries.delete(key)
      return undefined
    }
    return e.token
  }

  set(key: string, token: string, expiresInS: number | undefined): void {
    const ttl = Math.max(expiresInS ?? DEFAULT_TTL_S, DEFAULT_TTL_S) * 1000
    this.#entries.set(key, { token, expiresAt: this.#now() + ttl - MARGIN_MS })
  }

  delete(key: string): void {
    this.#entries.delete(key)
  }
}
