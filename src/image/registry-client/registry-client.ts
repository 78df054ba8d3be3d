// An OCI distribution API client for one repository of one registry: `/v2/` ping, manifests,
// blobs, uploads (monolithic, chunked, cross-repository mount) and tag listing, with the
// auth handshake (anonymous, Basic, Bearer token flow from `WWW-Authenticate`). Verifies what
// it reads by digest where the caller gives one; knows nothing of the local image store.
import { Readable } from 'node:stream'
import type { ReadableStream as WebReadableStream } from 'node:stream/web'
import { InvalidArgumentError, NotFoundError, UnauthorizedError } from '../../lib/errors.ts'
import { type Descriptor, type Digest, isDigest, sha256Of } from '../../oci/index.ts'
import type { AuthConfig } from '../auth/index.ts'
import { type Challenge, parseChallenges } from './challenge.ts'
import type { RegistryEndpoint } from './endpoints.ts'
import {
  connectionError,
  describeFailure,
  errorForStatus,
  isAbort,
  parseErrorBody,
  statusText,
} from './errors.ts'
import { TokenCache } from './token-cache.ts'

/** A manifest or index as fetched: the exact bytes (their digest is the manifest's identity). */
export interface FetchedManifest {
  bytes: Buffer
  mediaType: string
  digest: Digest
}

/** A NotFoundError that remembers the registry's error codes (MANIFEST_UNKNOWN, NAME_UNKNOWN …). */
export class RegistryNotFoundError extends NotFoundError {
  readonly codes: string[]
  constructor(message: string, codes: string[]) {
    super(message)
    this.codes = codes
  }
}

export interface RegistryClientOptions {
  endpoint: RegistryEndpoint
  /** Repository path inside the registry ("library/busybox"). */
  repository: string
  auth: AuthConfig
  tokens: TokenCache
  userAgent?: string
}

export interface UploadOptions {
  /** Layers bigger than this go up in PATCH chunks of this size; smaller ones in one PUT. */
  chunkSize?: number
  onProgress?: (sent: number) => void
  signal?: AbortSignal
}

const MANIFEST_ACCEPT = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ')
const MAX_MANIFEST_BYTES = 4 << 20
const DEFAULT_CHUNK = 16 << 20

interface SendOptions {
  method: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'
  url: string
  scopes: string[]
  headers?: Record<string, string>
  /** A factory, so the body can be sent again after an auth challenge. */
  body?: () => Uint8Array | undefined
  signal?: AbortSignal
}

export class RegistryClient {
  readonly endpoint: RegistryEndpoint
  readonly repository: string
  readonly #auth: AuthConfig
  readonly #tokens: TokenCache
  readonly #userAgent: string
  /** Set once the registry asked for Basic auth: from then on credentials go with every request. */
  #basic = false

  constructor(o: RegistryClientOptions) {
    this.endpoint = o.endpoint
    this.repository = o.repository
    this.#auth = o.auth
    this.#tokens = o.tokens
    this.#userAgent = o.userAgent ?? 'berth'
  }

  get #pull(): string[] {
    return [`repository:${this.repository}:pull`]
  }

  get #push(): string[] {
    return [`repository:${this.repository}:pull,push`]
  }

  #url(path: string): string {
    return `${this.endpoint.base}/v2/${this.repository}/${path}`
  }

  /** Checks the registry answers `/v2/` with these credentials (docker login).
   *  @throws UnauthorizedError "login attempt … failed", UnavailableError when unreachable. */
  async ping(opts: { signal?: AbortSignal } = {}): Promise<void> {
    const url = `${this.endpoint.base}/v2/`
    let res: Response
    try {
      res = await this.#send({ method: 'GET', url, scopes: [], signal: opts.signal })
    } catch (err) {
      // The token server refused the credentials: docker names the URL the login was for.
      if (err instanceof UnauthorizedError)
        throw new UnauthorizedError(`Get "${url}": ${err.message}`, { cause: err })
      throw err
    }
    await res.arrayBuffer()
    if (res.status === 401)
      throw new UnauthorizedError(`login attempt to ${url} failed with status: ${statusText(401)}`)
    if (!res.ok) throw errorForStatus(res.status, `Get "${url}": ${statusText(res.status)}`)
  }

  /** GET a manifest or index by tag or digest; a digest reference is verified against the bytes.
   *  @throws RegistryNotFoundError, UnauthorizedError, ForbiddenError, InvalidArgumentError. */
  async manifest(reference: string, opts: { signal?: AbortSignal } = {}): Promise<FetchedManifest> {
    const res = await this.#send({
      method: 'GET',
      url: this.#url(`manifests/${reference}`),
      scopes: this.#pull,
      headers: { Accept: MANIFEST_ACCEPT },
      signal: opts.signal,
    })
    if (!res.ok) throw await this.#failure(res)
    if (Number(res.headers.get('content-length') ?? 0) > MAX_MANIFEST_BYTES)
      throw new InvalidArgumentError(`manifest ${reference} is larger than ${MAX_MANIFEST_BYTES} bytes`)
    const bytes = Buffer.from(await res.arrayBuffer())
    const digest = sha256Of(bytes)
    if (isDigest(reference) && digest !== reference)
      throw new InvalidArgumentError(`manifest verification failed for digest ${reference}`)
    const type = (res.headers.get('content-type') ?? '').split(';')[0]!.trim()
    return { bytes, mediaType: mediaTypeOf(type, bytes), digest }
  }

  /** Streams a blob. The caller verifies digest and size while reading. @throws like manifest(). */
  async blob(digest: Digest, opts: { signal?: AbortSignal } = {}): Promise<Readable> {
    const res = await this.#send({
      method: 'GET',
      url: this.#url(`blobs/${digest}`),
      scopes: this.#pull,
      signal: opts.signal,
    })
    if (!res.ok || !res.body) throw await this.#failure(res)
    return Readable.fromWeb(res.body as WebReadableStream<Uint8Array>)
  }

  /** A small blob (an image config) read whole and verified against `desc`. */
  async blobBytes(desc: Descriptor, opts: { signal?: AbortSignal } = {}): Promise<Buffer> {
    const chunks: Buffer[] = []
    let n = 0
    for await (const c of await this.blob(desc.digest, opts)) {
      n += (c as Buffer).length
      if (n > desc.size) break
      chunks.push(c as Buffer)
    }
    const bytes = Buffer.concat(chunks)
    if (n !== desc.size || sha256Of(bytes) !== desc.digest)
      throw new InvalidArgumentError(`blob verification failed for digest ${desc.digest}`)
    return bytes
  }

  /** HEAD a blob in this repository: true when the registry has it. */
  async blobExists(digest: Digest, opts: { signal?: AbortSignal } = {}): Promise<boolean> {
    const res = await this.#send({
      method: 'HEAD',
      url: this.#url(`blobs/${digest}`),
      scopes: this.#push,
      signal: opts.signal,
    })
    if (res.ok) return true
    if (res.status === 404) return false
    throw await this.#failure(res)
  }

  /** Cross-repository mount (same registry). True when mounted; false when the registry
   *  declined (it then opened an upload, which is cancelled here). */
  async mount(digest: Digest, from: string, opts: { signal?: AbortSignal } = {}): Promise<boolean> {
    const q = new URLSearchParams({ mount: digest, from })
    const res = await this.#send({
      method: 'POST',
      url: `${this.#url('blobs/uploads/')}?${q}`,
      scopes: [...this.#push, `repository:${from}:pull`],
      signal: opts.signal,
    })
    await res.arrayBuffer()
    if (res.status === 201) return true
    if (res.status === 202) {
      const loc = res.headers.get('location')
      if (loc) {
        const del = await this.#send({ method: 'DELETE', url: this.#resolve(loc), scopes: this.#push })
        // Cancelling is a courtesy: the registry expires abandoned uploads itself.
        await del.arrayBuffer()
      }
      return false
    }
    if (res.status === 401 || res.status === 403 || res.status === 404) return false
    throw errorForStatus(res.status, `mounting ${digest} from ${from}: ${statusText(res.status)}`)
  }

  /** Uploads a blob of `size` bytes whose content `read(offset, length)` returns. */
  async upload(
    desc: { digest: Digest; size: number },
    read: (offset: number, length: number) => Promise<Buffer>,
    opts: UploadOptions = {},
  ): Promise<void> {
    const chunkSize = opts.chunkSize ?? DEFAULT_CHUNK
    let location = await this.#startUpload(opts.signal)
    if (desc.size > chunkSize) {
      for (let off = 0; off < desc.size; off += chunkSize) {
        const chunk = await read(off, Math.min(chunkSize, desc.size - off))
        const res = await this.#send({
          method: 'PATCH',
          url: location,
          scopes: this.#push,
          headers: {
            'Content-Type': 'application/octet-stream',
            'Content-Range': `${off}-${off + chunk.length - 1}`,
          },
          body: () => chunk,
          signal: opts.signal,
        })
        if (res.status !== 202) throw await this.#failure(res)
        await res.arrayBuffer()
        location = this.#resolve(res.headers.get('location') ?? location)
        opts.onProgress?.(off + chunk.length)
      }
    }
    const body = desc.size > chunkSize ? undefined : await read(0, desc.size)
    const url = new URL(location)
    url.searchParams.set('digest', desc.digest)
    const res = await this.#send({
      method: 'PUT',
      url: url.toString(),
      scopes: this.#push,
      headers: { 'Content-Type': 'application/octet-stream' },
      body: () => body ?? new Uint8Array(0),
      signal: opts.signal,
    })
    if (res.status !== 201) throw await this.#failure(res)
    await res.arrayBuffer()
    opts.onProgress?.(desc.size)
  }

  async #startUpload(signal: AbortSignal | undefined): Promise<string> {
    const res = await this.#send({
      method: 'POST',
      url: this.#url('blobs/uploads/'),
      scopes: this.#push,
      signal,
    })
    if (res.status !== 202) throw await this.#failure(res)
    await res.arrayBuffer()
    const loc = res.headers.get('location')
    if (!loc) throw new InvalidArgumentError('registry started an upload without a Location')
    return this.#resolve(loc)
  }

  /** PUT a manifest by tag or digest; returns its digest. */
  async putManifest(
    reference: string,
    bytes: Buffer,
    mediaType: string,
    signal?: AbortSignal,
  ): Promise<Digest> {
    const res = await this.#send({
      method: 'PUT',
      url: this.#url(`manifests/${reference}`),
      scopes: this.#push,
      headers: { 'Content-Type': mediaType },
      body: () => bytes,
      signal,
    })
    if (res.status !== 201 && res.status !== 200) throw await this.#failure(res)
    await res.arrayBuffer()
    const digest = sha256Of(bytes)
    const theirs = res.headers.get('docker-content-digest')
    if (theirs && isDigest(theirs) && theirs.startsWith('sha256:') && theirs !== digest)
      throw new InvalidArgumentError(`registry stored the manifest as ${theirs}, expected ${digest}`)
    return digest
  }

  /** Every tag of the repository (following `Link` pagination). */
  async tags(opts: { signal?: AbortSignal } = {}): Promise<string[]> {
    const out: string[] = []
    let url: string | undefined = this.#url('tags/list')
    for (let page = 0; url && page < 1000; page++) {
      const res = await this.#send({ method: 'GET', url, scopes: this.#pull, signal: opts.signal })
      if (!res.ok) throw await this.#failure(res)
      const body = (await res.json()) as { tags?: unknown }
      if (Array.isArray(body.tags)) out.push(...body.tags.filter((t): t is string => typeof t === 'string'))
      const next = /<([^>]+)>\s*;\s*rel="?next"?/.exec(res.headers.get('link') ?? '')
      url = next ? this.#resolve(next[1]!) : undefined
    }
    return out
  }

  #resolve(location: string): string {
    return new URL(location, this.endpoint.base).toString()
  }

  async #failure(res: Response): Promise<Error> {
    const text = res.status === 204 || res.bodyUsed ? '' : await res.text()
    const message = describeFailure(res.status, text)
    if (res.status === 404)
      return new RegistryNotFoundError(
        message,
        parseErrorBody(text).map((e) => e.code),
      )
    return errorForStatus(res.status, message)
  }

  // ---- auth ----

  async #send(o: SendOptions): Promise<Response> {
    for (let attempt = 0; ; attempt++) {
      const headers: Record<string, string> = { 'User-Agent': this.#userAgent, ...o.headers }
      const authorization = this.#authorization(o.scopes)
      if (authorization) headers.Authorization = authorization
      let res: Response
      try {
        res = await fetch(o.url, {
          method: o.method,
          headers,
          body: o.body?.(),
          signal: o.signal,
          redirect: 'follow',
        })
      } catch (err) {
        if (isAbort(err)) throw err
        throw connectionError(o.method, o.url, err)
      }
      if (res.status !== 401 || attempt > 0) return res
      const challenges = parseChallenges(res.headers.get('www-authenticate'))
      const text = await res.text()
      if (!(await this.#authenticate(challenges, o.scopes, o.signal)))
        return new Response(text, { status: 401, headers: res.headers })
    }
  }

  /** Who asks, for the token cache key: a hash, so different passwords never share a token. */
  #identity(): string {
    const a = this.#auth
    if (a.username === undefined && a.identitytoken === undefined) return ''
    return sha256Of(`${a.username ?? ''}\0${a.password ?? ''}\0${a.identitytoken ?? ''}`).slice(7, 23)
  }

  #authorization(scopes: string[]): string | undefined {
    const a = this.#auth
    if (this.#basic && a.username !== undefined && a.password !== undefined)
      return `Basic ${Buffer.from(`${a.username}:${a.password}`).toString('base64')}`
    const token = this.#tokens.get(TokenCache.key(this.endpoint.base, this.#identity(), scopes))
    if (token) return `Bearer ${token}`
    if (a.registrytoken) return `Bearer ${a.registrytoken}`
    return undefined
  }

  /** Answers a 401's challenges; false when there is nothing more to try. */
  async #authenticate(challenges: Challenge[], scopes: string[], signal?: AbortSignal): Promise<boolean> {
    const bearer = challenges.find((c) => c.scheme === 'bearer')
    if (bearer?.params.realm) {
      const key = TokenCache.key(this.endpoint.base, this.#identity(), scopes)
      const { token, expiresIn } = await this.#fetchToken(bearer, scopes, signal)
      this.#tokens.set(key, token, expiresIn)
      return true
    }
    const basic = challenges.find((c) => c.scheme === 'basic')
    if (basic && !this.#basic && this.#auth.username !== undefined && this.#auth.password !== undefined) {
      this.#basic = true
      return true
    }
    return false
  }

  /** The token auth spec (distribution docs/spec/auth/token.md): GET realm?service&scope with
   *  Basic credentials, or the OAuth2 refresh-token POST when only an identity token is known. */
  async #fetchToken(
    c: Challenge,
    scopes: string[],
    signal?: AbortSignal,
  ): Promise<{ token: string; expiresIn?: number }> {
    const a = this.#auth
    const realm = new URL(c.params.realm!, this.endpoint.base)
    const params = new URLSearchParams()
    if (c.params.service) params.set('service', c.params.service)
    for (const s of scopes) params.append('scope', s)
    let init: RequestInit
    if (a.identitytoken) {
      params.set('grant_type', 'refresh_token')
      params.set('refresh_token', a.identitytoken)
      params.set('client_id', 'berth')
      init = { method: 'POST', body: params, signal }
    } else {
      if (a.username) params.set('account', a.username)
      for (const [k, v] of params) realm.searchParams.append(k, v)
      const headers: Record<string, string> = {}
      if (a.username !== undefined && a.password !== undefined)
        headers.Authorization = `Basic ${Buffer.from(`${a.username}:${a.password}`).toString('base64')}`
      init = { method: 'GET', headers, signal }
    }
    let res: Response
    try {
      res = await fetch(realm, init)
    } catch (err) {
      if (isAbort(err)) throw err
      throw connectionError(init.method ?? 'GET', realm.toString(), err)
    }
    const text = await res.text()
    if (!res.ok) throw new UnauthorizedError(tokenFailure(res.status, text))
    const body = JSON.parse(text) as { token?: unknown; access_token?: unknown; expires_in?: unknown }
    const token = typeof body.token === 'string' ? body.token : body.access_token
    if (typeof token !== 'string' || token === '')
      throw new UnauthorizedError('unauthorized: the token server answered without a token')
    return { token, expiresIn: typeof body.expires_in === 'number' ? body.expires_in : undefined }
  }
}

function tokenFailure(status: number, text: string): string {
  try {
    const b = JSON.parse(text) as { details?: unknown; error?: unknown }
    if (typeof b.details === 'string') return `unauthorized: ${b.details}`
    if (typeof b.error === 'string') return `unauthorized: ${b.error}`
  } catch {
    // Not JSON: fall through to the OCI error body or the status line.
  }
  const items = parseErrorBody(text)
  return items.length > 0 ? describeFailure(status, text) : `unauthorized: ${statusText(status)}`
}

/** The media type of a manifest: the Content-Type when it names one, else the body's own field. */
function mediaTypeOf(contentType: string, bytes: Buffer): string {
  if (contentType && contentType !== 'application/json' && contentType !== 'text/plain') return contentType
  try {
    const body = JSON.parse(bytes.toString('utf8')) as { mediaType?: unknown; manifests?: unknown }
    if (typeof body.mediaType === 'string') return body.mediaType
    return Array.isArray(body.manifests)
      ? 'application/vnd.oci.image.index.v1+json'
      : 'application/vnd.oci.image.manifest.v1+json'
  } catch (err) {
    throw new InvalidArgumentError('registry returned a manifest that is not JSON', { cause: err })
  }
}
