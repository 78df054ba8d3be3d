// An in-memory OCI distribution registry on 127.0.0.1 for tests: /v2/, blobs (GET/HEAD),
// uploads (POST, monolithic POST?digest, PATCH with Content-Range, PUT, DELETE, cross-repo
// mount), manifests by tag and digest, tag list; optional Basic or Bearer (own /token endpoint)
// auth. Lenient where the spec allows, and with fault hooks (a corrupted blob). Not a
// conformance target: berth-registry (src/registry/) is the real server.
import { createHash, randomBytes } from 'node:crypto'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

export type FakeRegistryAuth =
  | { kind: 'none' }
  | { kind: 'basic'; username: string; password: string }
  | { kind: 'bearer'; username: string; password: string; anonymousPull?: boolean }

interface StoredManifest {
  bytes: Buffer
  mediaType: string
  digest: string
}

interface Repo {
  blobs: Set<string>
  manifests: Map<string, StoredManifest>
  tags: Map<string, string>
}

const sha256 = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`

export class FakeRegistry {
  readonly blobs = new Map<string, Buffer>()
  readonly repos = new Map<string, Repo>()
  readonly uploads = new Map<string, { repo: string; chunks: Buffer[]; size: number }>()
  /** "METHOD /path?query" of every request, in order. */
  readonly requests: string[] = []
  /** Blobs served with one byte flipped. */
  readonly corrupted = new Set<string>()
  tokenRequests = 0
  auth: FakeRegistryAuth
  readonly #tokens = new Set<string>()
  #server: Server | undefined
  port = 0

  constructor(opts: { auth?: FakeRegistryAuth } = {}) {
    this.auth = opts.auth ?? { kind: 'none' }
  }

  static async start(opts: { auth?: FakeRegistryAuth } = {}): Promise<FakeRegistry> {
    const r = new FakeRegistry(opts)
    const server = createServer((req, res) => {
      r.#handle(req, res).catch((err: unknown) => {
        if (!res.headersSent) r.#error(res, 500, 'UNKNOWN', String(err))
        else res.destroy()
      })
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    r.#server = server
    r.port = (server.address() as AddressInfo).port
    return r
  }

  /** "127.0.0.1:<port>", the registry part of image references. */
  get host(): string {
    return `127.0.0.1:${this.port}`
  }

  async stop(): Promise<void> {
    const s = this.#server
    if (!s) return
    s.closeAllConnections()
    await new Promise<void>((resolve) => s.close(() => resolve()))
  }

  repo(name: string): Repo {
    let r = this.repos.get(name)
    if (!r) {
      r = { blobs: new Set(), manifests: new Map(), tags: new Map() }
      this.repos.set(name, r)
    }
    return r
  }

  /** Stores a manifest directly (test setup). Returns its digest. */
  putManifest(repo: string, tag: string | undefined, bytes: Buffer, mediaType: string): string {
    const digest = sha256(bytes)
    const r = this.repo(repo)
    r.manifests.set(digest, { bytes, mediaType, digest })
    if (tag) r.tags.set(tag, digest)
    return digest
  }

  /** Stores a blob directly (test setup). Returns its digest. */
  putBlob(repo: string, bytes: Buffer): string {
    const d = sha256(bytes)
    this.blobs.set(d, bytes)
    this.repo(repo).blobs.add(d)
    return d
  }

  // ---- HTTP ----

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<undefined> {
    const url = new URL(req.url ?? '/', `http://${this.host}`)
    this.requests.push(`${req.method} ${url.pathname}${url.search}`)
    const body = await readBody(req)
    if (url.pathname === '/token') return this.#token(req, url, res)
    if (!url.pathname.startsWith('/v2/')) return this.#error(res, 404, 'UNSUPPORTED', 'not found')
    if (!this.#authorized(req)) return this.#challenge(res, url)
    if (url.pathname === '/v2/' || url.pathname === '/v2') {
      res.writeHead(200, {
        'Content-Type': 'application/json',
        'Docker-Distribution-API-Version': 'registry/2.0',
      })
      return void res.end('{}')
    }
    const m = /^\/v2\/(.+?)\/(blobs\/uploads\/?(.*)|blobs\/([^/]+)|manifests\/([^/]+)|tags\/list)$/.exec(
      url.pathname,
    )
    if (!m) return this.#error(res, 404, 'NAME_INVALID', 'invalid repository name')
    const [, name = '', , uploadId, blobDigest, manifestRef] = m
    if (m[2]!.startsWith('blobs/uploads')) return this.#upload(req, res, url, name, uploadId ?? '', body)
    if (blobDigest !== undefined) return this.#blob(req, res, name, blobDigest)
    if (manifestRef !== undefined) return this.#manifest(req, res, name, manifestRef, body)
    const r = this.repos.get(name)
    if (!r) return this.#error(res, 404, 'NAME_UNKNOWN', 'repository name not known to registry')
    return this.#json(res, 200, { name, tags: [...r.tags.keys()].sort() })
  }

  #authorized(req: IncomingMessage): boolean {
    const a = this.auth
    const h = req.headers.authorization ?? ''
    if (a.kind === 'none') return true
    if (a.kind === 'basic') return h === basicHeader(a.username, a.password)
    if (a.anonymousPull && (req.method === 'GET' || req.method === 'HEAD')) return true
    return h.startsWith('Bearer ') && this.#tokens.has(h.slice(7))
  }

  #challenge(res: ServerResponse, url: URL): undefined {
    const a = this.auth
    const header =
      a.kind === 'basic'
        ? 'Basic realm="fake-registry"'
        : `Bearer realm="http://${this.host}/token",service="fake-registry"${scopeOf(url)}`
    res.setHeader('WWW-Authenticate', header)
    this.#error(res, 401, 'UNAUTHORIZED', 'authentication required')
  }

  #token(req: IncomingMessage, _url: URL, res: ServerResponse): undefined {
    this.tokenRequests++
    const a = this.auth
    if (a.kind !== 'bearer') return this.#error(res, 404, 'UNSUPPORTED', 'no token server')
    const h = req.headers.authorization
    if (h !== undefined && h !== basicHeader(a.username, a.password))
      return this.#json(res, 401, { details: 'incorrect username or password' })
    if (h === undefined && !a.anonymousPull)
      return this.#json(res, 401, { details: 'authentication required' })
    const token = randomBytes(16).toString('hex')
    if (h !== undefined) this.#tokens.add(token)
    this.#json(res, 200, { token, expires_in: 300 })
  }

  #blob(req: IncomingMessage, res: ServerResponse, name: string, digest: string): undefined {
    const data = this.blobs.get(digest)
    if (!data || !this.repos.get(name)?.blobs.has(digest))
      return this.#error(res, 404, 'BLOB_UNKNOWN', 'blob unknown to registry')
    let out = data
    if (this.corrupted.has(digest)) {
      out = Buffer.from(data)
      out[out.length - 1] = (out[out.length - 1] ?? 0) ^ 0xff
    }
    res.writeHead(200, {
      'Content-Type': 'application/octet-stream',
      'Content-Length': String(out.length),
      'Docker-Content-Digest': digest,
    })
    res.end(req.method === 'HEAD' ? undefined : out)
  }

  #upload(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    name: string,
    id: string,
    body: Buffer,
  ): undefined {
    if (req.method === 'POST' && id === '') {
      const mount = url.searchParams.get('mount')
      const from = url.searchParams.get('from')
      if (mount && from && this.repos.get(from)?.blobs.has(mount)) {
        this.repo(name).blobs.add(mount)
        res.writeHead(201, { Location: `/v2/${name}/blobs/${mount}`, 'Docker-Content-Digest': mount })
        return void res.end()
      }
      const digest = url.searchParams.get('digest')
      if (digest) return this.#finish(res, name, digest, [body])
      const uid = randomBytes(8).toString('hex')
      this.uploads.set(uid, { repo: name, chunks: [], size: 0 })
      res.writeHead(202, {
        Location: `/v2/${name}/blobs/uploads/${uid}?_state=x`,
        Range: '0-0',
        'Docker-Upload-UUID': uid,
      })
      return void res.end()
    }
    const up = this.uploads.get(id)
    if (!up || up.repo !== name)
      return this.#error(res, 404, 'BLOB_UPLOAD_UNKNOWN', 'blob upload unknown to registry')
    if (req.method === 'DELETE') {
      this.uploads.delete(id)
      res.writeHead(204)
      return void res.end()
    }
    if (req.method === 'PATCH') {
      const range = req.headers['content-range']
      if (range !== undefined && Number(/^(\d+)-/.exec(String(range))?.[1]) !== up.size) {
        res.writeHead(416, { Range: `0-${up.size - 1}` })
        return void res.end()
      }
      up.chunks.push(body)
      up.size += body.length
      res.writeHead(202, { Location: `/v2/${name}/blobs/uploads/${id}`, Range: `0-${up.size - 1}` })
      return void res.end()
    }
    if (req.method === 'PUT') {
      this.uploads.delete(id)
      return this.#finish(res, name, url.searchParams.get('digest') ?? '', [...up.chunks, body])
    }
    this.#error(res, 405, 'UNSUPPORTED', 'method not allowed')
  }

  #finish(res: ServerResponse, name: string, digest: string, chunks: Buffer[]): undefined {
    const data = Buffer.concat(chunks)
    if (sha256(data) !== digest)
      return this.#error(res, 400, 'DIGEST_INVALID', 'provided digest did not match uploaded content')
    this.blobs.set(digest, data)
    this.repo(name).blobs.add(digest)
    res.writeHead(201, { Location: `/v2/${name}/blobs/${digest}`, 'Docker-Content-Digest': digest })
    res.end()
  }

  #manifest(req: IncomingMessage, res: ServerResponse, name: string, ref: string, body: Buffer): undefined {
    if (req.method === 'PUT') {
      const mediaType = String(req.headers['content-type'] ?? '')
      const parsed = JSON.parse(body.toString('utf8')) as {
        config?: { digest: string }
        layers?: Array<{ digest: string }>
      }
      for (const d of [parsed.config, ...(parsed.layers ?? [])]) {
        if (d && !this.repos.get(name)?.blobs.has(d.digest))
          return this.#error(res, 400, 'MANIFEST_BLOB_UNKNOWN', `blob unknown to registry: ${d.digest}`)
      }
      const digest = this.putManifest(name, ref.startsWith('sha256:') ? undefined : ref, body, mediaType)
      res.writeHead(201, { Location: `/v2/${name}/manifests/${digest}`, 'Docker-Content-Digest': digest })
      return void res.end()
    }
    const r = this.repos.get(name)
    if (!r) return this.#error(res, 404, 'NAME_UNKNOWN', 'repository name not known to registry')
    const digest = ref.startsWith('sha256:') ? ref : r.tags.get(ref)
    const m = digest ? r.manifests.get(digest) : undefined
    if (!m) return this.#error(res, 404, 'MANIFEST_UNKNOWN', 'manifest unknown')
    res.writeHead(200, {
      'Content-Type': m.mediaType,
      'Content-Length': String(m.bytes.length),
      'Docker-Content-Digest': m.digest,
    })
    res.end(req.method === 'HEAD' ? undefined : m.bytes)
  }

  #json(res: ServerResponse, status: number, body: unknown): undefined {
    const text = JSON.stringify(body)
    res.writeHead(status, {
      'Content-Type': 'application/json',
      'Content-Length': String(Buffer.byteLength(text)),
    })
    res.end(text)
  }

  #error(res: ServerResponse, status: number, code: string, message: string): undefined {
    this.#json(res, status, { errors: [{ code, message }] })
  }
}

function basicHeader(user: string, pass: string): string {
  return `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`
}

function scopeOf(url: URL): string {
  const m = /^\/v2\/(.+?)\/(?:blobs|manifests|tags)\//.exec(url.pathname)
  return m ? `,scope="repository:${m[1]}:pull"` : ''
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const c of req) chunks.push(c as Buffer)
  return Buffer.concat(chunks)
}
