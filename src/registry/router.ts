// Matches /v2 paths to routes. Repository names contain "/", so the path is split on the
// first structural suffix (blobs/, manifests/, tags/list, referrers/) the spec defines.

import { NameInvalidError, UnsupportedError } from './errors.ts'
import type { RegistryRequest, Route, RouteKind } from './http.ts'
import { parseRepoName } from './storage/names.ts'

const REPO_RE =
  /^\/v2\/(.+?)\/(?:(blobs\/uploads)\/?|blobs\/uploads\/([^/]+)|blobs\/([^/]+)|manifests\/([^/]+)|(tags\/list)|referrers\/([^/]+))$/

export interface Match {
  kind: RouteKind
  params: RegistryRequest['params']
}

/** Undefined when the path is not a registry path at all (404). @throws NameInvalidError. */
export function matchPath(path: string): Match | undefined {
  if (path === '/v2/' || path === '/v2') return { kind: 'base', params: {} }
  if (path === '/v2/_catalog') return { kind: 'catalog', params: {} }
  const m = REPO_RE.exec(path)
  if (!m) return undefined
  const name = parseRepoName(decode(m[1]!))
  if (m[2]) return { kind: 'uploads', params: { name } }
  if (m[3]) return { kind: 'upload', params: { name, uuid: m[3] } }
  if (m[4]) return { kind: 'blob', params: { name, digest: decode(m[4]) } }
  if (m[5]) return { kind: 'manifest', params: { name, reference: decode(m[5]) } }
  if (m[6]) return { kind: 'tags', params: { name } }
  return { kind: 'referrers', params: { name, digest: decode(m[7]!) } }
}

/** Percent-decoding; a malformed escape is an invalid name rather than a crash. */
function decode(s: string): string {
  try {
    return decodeURIComponent(s)
  } catch (err) {
    throw new NameInvalidError(`malformed path segment ${JSON.stringify(s)}`, { cause: err })
  }
}

export class Router {
  readonly #routes: Route[]

  constructor(routes: Route[]) {
    this.#routes = routes
  }

  /** The route for a matched path and method; HEAD falls back to GET's handler.
   *  @throws UnsupportedError (405) when the path exists but not for this method. */
  find(kind: RouteKind, method: string): Route {
    const route =
      this.#routes.find((r) => r.kind === kind && r.method === method) ??
      (method === 'HEAD' ? this.#routes.find((r) => r.kind === kind && r.method === 'GET') : undefined)
    if (!route) throw new UnsupportedError(`${method} is not supported here`)
    return route
  }
}
