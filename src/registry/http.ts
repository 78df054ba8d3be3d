// The registry's transport types: a parsed request handed to route handlers and the reply
// they return. app.ts converts node:http to and from these; handlers never touch node:http.
import type { IncomingHttpHeaders } from 'node:http'
import type { Readable } from 'node:stream'

export interface RegistryRequest {
  method: string
  path: string
  query: URLSearchParams
  headers: IncomingHttpHeaders
  body: Readable
  /** From the path: repository name, manifest reference, digest, upload id. */
  params: { name?: string; reference?: string; digest?: string; uuid?: string }
  /** Base URL the client used (scheme://host), for absolute Link and realm URLs. */
  baseUrl: string
}

export interface Reply {
  status: number
  headers?: Record<string, string | string[]>
  /** A Buffer or string is sent as is, a Readable is piped, anything else is JSON. */
  body?: Buffer | string | Readable | object
}

export type Handler = (req: RegistryRequest) => Promise<Reply>

export type Action = 'pull' | 'push' | 'delete'

/** What a route needs: `pull`/`push`/`delete` on its repository, the catalog, or only a
 *  signed-in client (`base`, the /v2/ check). `extra` adds scopes (mount's source). */
export interface Route {
  method: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'
  kind: RouteKind
  access: Action | 'catalog' | 'base'
  extra?: (req: RegistryRequest) => { name: string; action: Action }[]
  handler: Handler
}

export type RouteKind = 'base' | 'catalog' | 'uploads' | 'upload' | 'blob' | 'manifest' | 'tags' | 'referrers'

export function header(req: RegistryRequest, name: string): string | undefined {
  const v = req.headers[name.toLowerCase()]
  return Array.isArray(v) ? v[0] : v
}

/** The repository name a matched route carries (the router always sets it for repo routes). */
export function nameOf(req: RegistryRequest): string {
  return req.params.name!
}
