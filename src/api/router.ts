// Route table types and matching for the Engine API: `/v1.xx` prefix handling, path patterns
// with `:param` and greedy `:param*` segments (image names contain slashes), per-route
// minimum API version. No HTTP I/O here: app.ts owns that.
import type { Duplex, Readable } from 'node:stream'
import { InvalidArgumentError, NotFoundError } from '../lib/errors.ts'

export const API_VERSION = '1.47'
export const MIN_API_VERSION = '1.24'

export type Method = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'DELETE'

export interface ApiRequest {
  method: Method
  path: string
  params: Record<string, string>
  query: URLSearchParams
  headers: Record<string, string | string[] | undefined>
  /** The API version the client asked for (or the current one for unversioned paths). */
  version: string
  /** The request body as a stream (uploads: tarballs, stdin). */
  body: Readable
  /** The body parsed as JSON; undefined for an empty body. @throws InvalidArgumentError. */
  json(): Promise<unknown>
  /** Aborted when the client goes away. */
  signal: AbortSignal
  /** True when the client asked to upgrade the connection (attach, exec start). */
  upgrade: boolean
}

export type ApiReply =
  | { kind: 'json'; status: number; body: unknown; headers?: Record<string, string> }
  | { kind: 'empty'; status: number; headers?: Record<string, string> }
  | { kind: 'text'; status: number; body: string; contentType: string; headers?: Record<string, string> }
  | {
      kind: 'stream'
      status: number
      contentType: string
      body: Readable | AsyncIterable<Uint8Array | string>
      headers?: Record<string, string>
    }
  /** Takes over the connection (after a 101 or a 200 with a raw-stream content type). */
  | { kind: 'hijack'; contentType: string; run: (conn: Duplex) => Promise<void> }

export type Handler = (req: ApiRequest) => Promise<ApiReply>

export interface Route {
  method: Method
  pattern: string
  handler: Handler
  minVersion?: string
}

const route =
  (method: Method) =>
  (pattern: string, handler: Handler, opts: { minVersion?: string } = {}): Route => ({
    method,
    pattern,
    handler,
    minVersion: opts.minVersion,
  })
export const get = route('GET')
export const head = route('HEAD')
export const post = route('POST')
export const put = route('PUT')
export const del = route('DELETE')

export const json = (body: unknown, status = 200, headers?: Record<string, string>): ApiReply => ({
  kind: 'json',
  status,
  body,
  headers,
})
export const noContent = (): ApiReply => ({ kind: 'empty', status: 204 })
export const created = (body: unknown): ApiReply => json(body, 201)

/** Compares dotted API versions; negative when a < b. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number)
  const pb = b.split('.').map(Number)
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0)
    if (d !== 0) return d
  }
  return 0
}

/** Splits `/v1.43/containers/json` into version and path; checks the supported range. */
export function splitVersion(rawPath: string): { version: string; path: string } {
  const m = /^\/v(\d+\.\d+)(\/.*)$/.exec(rawPath)
  if (!m) return { version: API_VERSION, path: rawPath }
  const version = m[1]!
  if (compareVersions(version, API_VERSION) > 0) {
    throw new InvalidArgumentError(
      `client version ${version} is too new. Maximum supported API version is ${API_VERSION}`,
    )
  }
  if (compareVersions(version, MIN_API_VERSION) < 0) {
    throw new InvalidArgumentError(
      `client version ${version} is too old. Minimum supported API version is ${MIN_API_VERSION}, please upgrade your client to a newer version`,
    )
  }
  return { version, path: m[2]! }
}

interface Compiled {
  route: Route
  regex: RegExp
  names: string[]
}

export class Router {
  readonly #compiled: Compiled[]

  constructor(routes: Route[]) {
    this.#compiled = routes.map((r) => compile(r))
  }

  /** @throws NotFoundError "page not found" when nothing matches. */
  match(method: Method, path: string): { route: Route; params: Record<string, string> } {
    const m = method === 'HEAD' ? ['HEAD', 'GET'] : [method]
    for (const wanted of m) {
      for (const c of this.#compiled) {
        if (c.route.method !== wanted) continue
        const hit = c.regex.exec(path)
        if (!hit) continue
        const params: Record<string, string> = {}
        c.names.forEach((n, i) => {
          params[n] = decodeURIComponent(hit[i + 1] ?? '')
        })
        return { route: c.route, params }
      }
    }
    throw new NotFoundError('page not found')
  }
}

function compile(route: Route): Compiled {
  const names: string[] = []
  const src = route.pattern
    .split('/')
    .map((seg) => {
      if (seg.startsWith(':')) {
        const greedy = seg.endsWith('*')
        names.push(seg.slice(1, greedy ? -1 : undefined))
        return greedy ? '(.+?)' : '([^/]+)'
      }
      return seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    })
    .join('/')
  return { route, regex: new RegExp(`^${src}/?$`), names }
}
