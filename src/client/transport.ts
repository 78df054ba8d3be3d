// HTTP/1.1 to the daemon over a UNIX socket or TCP (optionally TLS), plus the connection hijack
// that attach uses. Knows nothing about Engine API paths or versions. Plain endpoints go through
// http1.ts (node:http costs ~45 ms to load); TLS endpoints through node:https, loaded on use.
import type { Agent, ClientRequest, IncomingMessage, OutgoingHttpHeaders } from 'node:http'
import type { Duplex, Readable } from 'node:stream'
import type { Endpoint } from './endpoint.ts'
import { DaemonUnreachableError, EngineApiError } from './errors.ts'
import { http1Request } from './http1.ts'
import { readText } from './json-stream.ts'

/** What a response offers callers: a readable body with status and headers. */
export type HttpResponse = Readable & {
  statusCode?: number
  statusMessage?: string
  headers: Record<string, string | string[] | undefined>
  complete: boolean
}

export type QueryValue = string | number | boolean | undefined | null | string[]
export type Query = Record<string, QueryValue>

export interface RequestOptions {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'HEAD'
  /** Path including any version prefix, without the query string. */
  path: string
  query?: Query
  /** Objects are sent as JSON; streams and buffers as-is (with `contentType`). */
  body?: unknown
  contentType?: string
  headers?: OutgoingHttpHeaders
  signal?: AbortSignal
}

/** A hijacked connection: raw bytes both ways after the daemon's 101 (or 200) answer. */
export interface Hijacked {
  socket: Duplex
  /** The answer's Content-Type, e.g. application/vnd.docker.multiplexed-stream. */
  contentType: string | undefined
}

type HttpsModule = typeof import('node:https')

export class Transport {
  readonly endpoint: Endpoint
  readonly #agent: Agent | undefined
  readonly #userAgent: string
  readonly #http: HttpsModule | undefined

  private constructor(
    endpoint: Endpoint,
    mod: HttpsModule | undefined,
    agent: Agent | undefined,
    userAgent: string,
  ) {
    this.endpoint = endpoint
    this.#http = mod
    this.#agent = agent
    this.#userAgent = userAgent
  }

  static async create(endpoint: Endpoint, opts: { userAgent?: string } = {}): Promise<Transport> {
    const userAgent = opts.userAgent ?? 'berth-cli'
    if (endpoint.kind === 'tcp' && endpoint.tls) {
      const https = await import('node:https')
      const t = endpoint.tls
      const agent = new https.Agent({
        keepAlive: true,
        ca: t.ca,
        cert: t.cert,
        key: t.key,
        rejectUnauthorized: t.verify,
      })
      return new Transport(endpoint, https, agent, userAgent)
    }
    return new Transport(endpoint, undefined, undefined, userAgent)
  }

  /** Sends a request and resolves with the response once its status is 2xx (or 304).
   *  @throws EngineApiError for other statuses, DaemonUnreachableError when no connection is made. */
  async request(opts: RequestOptions): Promise<HttpResponse> {
    if (!this.#http) {
      const { res } = await this.#plain(opts)
      if ((res.statusCode ?? 500) >= 400 || (res.statusCode ?? 0) < 200) throw await apiErrorOf(res)
      return res
    }
    const { req, body } = this.#open(opts)
    const res = await new Promise<IncomingMessage>((resolve, reject) => {
      req.once('response', resolve)
      req.once('error', (err) => reject(this.#connectionError(err)))
      sendBody(req, body)
    })
    if ((res.statusCode ?? 500) >= 400 || (res.statusCode ?? 0) < 200) throw await apiErrorOf(res)
    return res
  }

  /** Convenience: request and parse a JSON body. */
  async json<T>(opts: RequestOptions): Promise<T> {
    const res = await this.request(opts)
    const text = await readText(res)
    if (text.trim() === '') return undefined as T
    return JSON.parse(text) as T
  }

  /** Convenience: request and discard the body. */
  async empty(opts: RequestOptions): Promise<void> {
    const res = await this.request(opts)
    res.resume()
    await new Promise<void>((r) => (res.complete ? r() : res.once('end', r)))
  }

  /** Upgrades the connection (`Connection: Upgrade`, `Upgrade: tcp`) and hands back the raw socket. */
  async hijack(opts: RequestOptions): Promise<Hijacked> {
    if (!this.#http) {
      const { res, upgraded } = await this.#plain({
        ...opts,
        headers: { ...opts.headers, Connection: 'Upgrade', Upgrade: 'tcp' },
      })
      if (upgraded) return { socket: upgraded, contentType: res.headers['content-type'] }
      if ((res.statusCode ?? 500) >= 300) throw await apiErrorOf(res)
      return { socket: res as unknown as Duplex, contentType: res.headers['content-type'] }
    }
    const { req, body } = this.#open({
      ...opts,
      headers: { ...opts.headers, Connection: 'Upgrade', Upgrade: 'tcp' },
    })
    return new Promise<Hijacked>((resolve, reject) => {
      req.once('upgrade', (res: IncomingMessage, socket: Duplex, head: Buffer) => {
        if (head.length > 0) socket.unshift(head)
        resolve({ socket, contentType: header(res, 'content-type') })
      })
      req.once('response', (res: IncomingMessage) => {
        // Daemons that do not upgrade answer 200 and stream the body; a non-2xx is an error.
        if ((res.statusCode ?? 500) >= 300) {
          apiErrorOf(res).then(reject, reject)
          return
        }
        resolve({ socket: res as unknown as Duplex, contentType: header(res, 'content-type') })
      })
      req.once('error', (err) => reject(this.#connectionError(err)))
      sendBody(req, body)
    })
  }

  close(): void {
    this.#agent?.destroy()
  }

  async #plain(opts: RequestOptions) {
    const headers: Record<string, string | number> = { 'User-Agent': this.#userAgent }
    for (const [k, v] of Object.entries(opts.headers ?? {}))
      if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v
    let body: Buffer | Readable | undefined
    if (opts.body === undefined || opts.body === null) body = undefined
    else if (Buffer.isBuffer(opts.body) || isReadable(opts.body)) {
      body = opts.body as Buffer | Readable
      headers['Content-Type'] = opts.contentType ?? 'application/octet-stream'
    } else {
      body = Buffer.from(JSON.stringify(opts.body))
      headers['Content-Type'] = 'application/json'
    }
    const ep = this.endpoint
    const target = ep.kind === 'unix' ? { socketPath: ep.socketPath } : { host: ep.host, port: ep.port }
    try {
      return await http1Request(target, {
        method: opts.method,
        path: opts.path + encodeQuery(opts.query),
        headers,
        body,
        signal: opts.signal,
      })
    } catch (err) {
      throw this.#connectionError(err as Error)
    }
  }

  #open(opts: RequestOptions): { req: ClientRequest; body: Buffer | Readable | undefined } {
    const path = opts.path + encodeQuery(opts.query)
    const headers: OutgoingHttpHeaders = { 'User-Agent': this.#userAgent, ...opts.headers }
    let body: Buffer | Readable | undefined
    if (opts.body === undefined || opts.body === null) body = undefined
    else if (Buffer.isBuffer(opts.body) || isReadable(opts.body)) {
      body = opts.body as Buffer | Readable
      headers['Content-Type'] = opts.contentType ?? 'application/octet-stream'
    } else {
      body = Buffer.from(JSON.stringify(opts.body))
      headers['Content-Type'] = 'application/json'
    }
    if (Buffer.isBuffer(body)) headers['Content-Length'] = body.length
    const ep = this.endpoint
    const common = { method: opts.method, path, headers, agent: this.#agent, signal: opts.signal }
    const http = this.#http!
    const req =
      ep.kind === 'unix'
        ? http.request({ ...common, socketPath: ep.socketPath, host: 'localhost' })
        : http.request({ ...common, host: ep.host, port: ep.port })
    return { req, body }
  }

  #connectionError(err: Error): Error {
    if (err.name === 'AbortError') return err
    const code = (err as { code?: string }).code
    if (code && ['ENOENT', 'ECONNREFUSED', 'EACCES', 'ENOTFOUND', 'EHOSTUNREACH', 'ETIMEDOUT'].includes(code))
      return new DaemonUnreachableError(this.endpoint.url, err)
    return err
  }
}

function sendBody(req: ClientRequest, body: Buffer | Readable | undefined): void {
  if (body === undefined) req.end()
  else if (Buffer.isBuffer(body)) req.end(body)
  else {
    body.on('error', (err) => req.destroy(err))
    body.pipe(req)
  }
}

function isReadable(v: unknown): v is Readable {
  return typeof v === 'object' && v !== null && typeof (v as Readable).pipe === 'function'
}

function header(res: HttpResponse | IncomingMessage, name: string): string | undefined {
  const v = res.headers[name]
  return Array.isArray(v) ? v[0] : v
}

/** Docker encodes booleans as 1/0 and repeats array keys (`names=a&names=b`). */
export function encodeQuery(query: Query | undefined): string {
  if (!query) return ''
  const params = new URLSearchParams()
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null) continue
    if (Array.isArray(v)) for (const x of v) params.append(k, x)
    else if (typeof v === 'boolean') params.append(k, v ? '1' : '0')
    else params.append(k, String(v))
  }
  const s = params.toString()
  return s === '' ? '' : `?${s}`
}

async function apiErrorOf(res: HttpResponse | IncomingMessage): Promise<EngineApiError> {
  const status = res.statusCode ?? 500
  const text = await readText(res)
  let message = text.trim()
  try {
    const parsed = JSON.parse(text) as { message?: unknown }
    if (typeof parsed.message === 'string') message = parsed.message
  } catch {
    // Not JSON (e.g. a proxy's error page): keep the raw text as the message.
  }
  if (message === '') message = `${status} ${res.statusMessage ?? ''}`.trim()
  return new EngineApiError(status, message)
}
