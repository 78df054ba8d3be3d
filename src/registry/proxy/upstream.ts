// The pull-through cache's client of its upstream registry: manifests and blobs by GET, with
// the upstream's auth (none, Basic, or the Bearer token flow from WWW-Authenticate, one token
// per repository scope, cached until it expires). Pull only; verifies nothing (proxy.ts
// verifies by digest while storing). Upstream failures become UnavailableError.
import { Readable } from 'node:stream'
import type { ReadableStream as WebReadableStream } from 'node:stream/web'
import { UpstreamUnavailableError as UnavailableError } from '../errors.ts'

export interface UpstreamOptions {
  /** Origin of the upstream registry ("https://registry-1.docker.io"). */
  remoteUrl: string
  username?: string
  password?: string
}

export interface UpstreamManifest {
  content: Buffer
  mediaType: string
}

const MANIFEST_ACCEPT = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.oci.artifact.manifest.v1+json',
].join(', ')

export class Upstream {
  readonly remoteUrl: string
  readonly #basic: string | undefined
  readonly #tokens = new Map<string, { token: string; expires: number }>()

  constructor(o: UpstreamOptions) {
    this.remoteUrl = o.remoteUrl.replace(/\/+$/, '')
    this.#basic =
      o.username !== undefined
        ? `Basic ${Buffer.from(`${o.username}:${o.password ?? ''}`).toString('base64')}`
        : undefined
  }

  /** The manifest `reference` (tag or digest) of `name`; undefined when upstream has none.
   *  @throws UnavailableError when upstream is unreachable or fails. */
  async manifest(name: string, reference: string): Promise<UpstreamManifest | undefined> {
    const res = await this.#get(name, `manifests/${reference}`, { Accept: MANIFEST_ACCEPT })
    if (res.status === 404) return undefined
    if (!res.ok) throw await failure(res, `manifest ${name}:${reference}`)
    const content = Buffer.from(await res.arrayBuffer())
    const mediaType = (res.headers.get('content-type') ?? '').split(';')[0]!.trim()
    return { content, mediaType }
  }

  /** A stream of blob `digest` of `name`; undefined when upstream has none. @throws UnavailableError. */
  async blob(name: string, digest: string): Promise<Readable | undefined> {
    const res = await this.#get(name, `blobs/${digest}`, {})
    if (res.status === 404) return undefined
    if (!res.ok || !res.body) throw await failure(res, `blob ${digest}`)
    return Readable.fromWeb(res.body as WebReadableStream<Uint8Array>)
  }

  /** Every tag upstream lists for `name` (first page); undefined when it has no such repository. */
  async tags(name: string): Promise<string[] | undefined> {
    const res = await this.#get(name, 'tags/list', {})
    if (res.status === 404) return undefined
    if (!res.ok) throw await failure(res, `tags of ${name}`)
    const body = (await res.json()) as { tags?: unknown }
    return Array.isArray(body.tags) ? body.tags.filter((t): t is string => typeof t === 'string') : []
  }

  async #get(name: string, path: string, headers: Record<string, string>): Promise<Response> {
    const url = `${this.remoteUrl}/v2/${name}/${path}`
    const scope = `repository:${name}:pull`
    let res = await this.#fetch(url, { ...headers, ...this.#authorization(scope) })
    if (res.status !== 401) return res
    const challenge = res.headers.get('www-authenticate') ?? ''
    await res.arrayBuffer()
    const auth = await this.#answer(challenge, scope)
    if (!auth) return res
    res = await this.#fetch(url, { ...headers, Authorization: auth })
    return res
  }

  async #fetch(url: string, headers: Record<string, string>): Promise<Response> {
    try {
      return await fetch(url, { headers, redirect: 'follow' })
    } catch (err) {
      throw new UnavailableError(`upstream ${this.remoteUrl} unreachable: ${(err as Error).message}`, {
        cause: err,
      })
    }
  }

  #authorization(scope: string): Record<string, string> {
    const t = this.#tokens.get(scope)
    if (t && t.expires > Date.now()) return { Authorization: `Bearer ${t.token}` }
    return {}
  }

  /** The Authorization header answering a challenge, or undefined when there is none to give. */
  async #answer(challenge: string, scope: string): Promise<string | undefined> {
    const scheme = challenge.split(/\s/, 1)[0]!.toLowerCase()
    if (scheme === 'basic') return this.#basic
    if (scheme !== 'bearer') return undefined
    const params = Object.fromEntries(
      [...challenge.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1]!.toLowerCase(), m[2]!]),
    )
    if (!params.realm) return undefined
    const realm = new URL(params.realm, this.remoteUrl)
    if (params.service) realm.searchParams.set('service', params.service)
    realm.searchParams.set('scope', scope)
    const res = await this.#fetch(realm.toString(), this.#basic ? { Authorization: this.#basic } : {})
    if (!res.ok) throw await failure(res, `token for ${scope}`)
    const body = (await res.json()) as { token?: unknown; access_token?: unknown; expires_in?: unknown }
    const token = typeof body.token === 'string' ? body.token : body.access_token
    if (typeof token !== 'string')
      throw new UnavailableError('upstream token server answered without a token')
    const ttl = typeof body.expires_in === 'number' ? body.expires_in : 60
    this.#tokens.set(scope, { token, expires: Date.now() + Math.max(ttl - 5, 1) * 1000 })
    return `Bearer ${token}`
  }
}

async function failure(res: Response, what: string): Promise<UnavailableError> {
  const text = await res.text().catch(() => '')
  return new UnavailableError(`upstream answered ${res.status} for ${what}: ${text.slice(0, 200)}`)
}
