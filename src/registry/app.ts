// The registry's request handler: parses node:http requests, authorizes them for the matched
// route, runs it and writes its Reply, mapping every error through errors.ts. Writes one JSON
// access-log line per request. No listen() here: server.ts binds sockets.
import type { IncomingMessage, ServerResponse } from 'node:http'
import { Readable } from 'node:stream'
import { NotFoundError } from '../lib/errors.ts'
import type { Access } from './auth/access.ts'
import { type Authenticator, noAuth } from './auth/authenticator.ts'
import { CorruptedBlobError, ociErrorOf } from './errors.ts'
import type { RegistryRequest, Reply, Route } from './http.ts'
import { type ProxyCache, proxyRoutes } from './proxy/proxy.ts'
import { matchPath, Router } from './router.ts'
import { blobRoutes } from './routes/blobs.ts'
import { catalogRoutes } from './routes/catalog.ts'
import { manifestRoutes } from './routes/manifests.ts'
import { tagRoutes } from './routes/tags.ts'
import { type TokenRouteDeps, tokenGet } from './routes/token.ts'
import { uploadRoutes } from './routes/uploads.ts'
import type { RegistryStorage } from './storage/registry-storage.ts'

export interface AccessLogEntry {
  time: string
  level: 'info' | 'warn' | 'error'
  msg: string
  method: string
  path: string
  status: number
  durationMs: number
  remote?: string
  user?: string
  error?: string
  code?: string
  stack?: string
}

export interface RegistryAppDeps {
  storage: RegistryStorage
  auth?: Authenticator
  token?: TokenRouteDeps
  deleteEnabled?: boolean
  tls?: boolean
  /** Pull-through cache mode: reads fill storage from upstream; writes are refused. */
  proxy?: ProxyCache
  /** One call per request; default: nothing. */
  log?: (entry: AccessLogEntry) => void
}

export type RegistryHandler = (req: IncomingMessage, res: ServerResponse) => void

const API_VERSION_HEADER = { 'Docker-Distribution-API-Version': 'registry/2.0' }

export function createRegistryApp(deps: RegistryAppDeps): RegistryHandler {
  const deleteEnabled = deps.deleteEnabled ?? true
  const routes = [
    ...catalogRoutes(deps.storage),
    ...blobRoutes(deps.storage, { deleteEnabled }),
    ...uploadRoutes(deps.storage),
    ...manifestRoutes(deps.storage, { deleteEnabled }),
    ...tagRoutes(deps.storage),
  ]
  const router = new Router(deps.proxy ? proxyRoutes(routes, deps.proxy) : routes)
  const auth = deps.auth ?? noAuth
  const log = deps.log ?? (() => undefined)

  async function dispatch(req: RegistryRequest, state: { user?: string }): Promise<Reply> {
    if (req.path === '/health') return { status: 200, body: { status: 'ok' } }
    if (req.path === '/token' && deps.token && (req.method === 'GET' || req.method === 'POST')) {
      return await tokenGet(deps.token, req)
    }
    const match = matchPath(req.path)
    if (!match) throw new NotFoundError(`no such endpoint: ${req.path}`)
    req.params = match.params
    const route = router.find(match.kind, req.method)
    state.user = await auth.authorize(req.headers, neededAccess(route, req), req.baseUrl)
    return await route.handler(req)
  }

  return (raw, res) => {
    const started = performance.now()
    const url = new URL(raw.url ?? '/', 'http://registry.invalid')
    const req: RegistryRequest = {
      method: raw.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      headers: raw.headers,
      body: raw,
      params: {},
      baseUrl: `${deps.tls ? 'https' : 'http'}://${raw.headers.host ?? 'localhost'}`,
    }
    const state: { user?: string } = {}
    const remote = raw.socket.remoteAddress
    const finish = (status: number, err?: unknown, code?: string) => {
      const entry: AccessLogEntry = {
        time: new Date().toISOString(),
        level: status >= 500 ? 'error' : err instanceof CorruptedBlobError ? 'warn' : 'info',
        msg: 'request',
        method: req.method,
        path: req.path,
        status,
        durationMs: Math.round((performance.now() - started) * 100) / 100,
        ...(remote ? { remote } : {}),
        ...(state.user ? { user: state.user } : {}),
      }
      if (err !== undefined) {
        entry.error = err instanceof Error ? err.message : String(err)
        if (code) entry.code = code
        if (status >= 500 && err instanceof Error && err.stack) entry.stack = err.stack
      }
      log(entry)
    }
    dispatch(req, state)
      .then((reply) => writeReply(res, req.method, reply))
      .then(
        () => finish(res.statusCode),
        (err: unknown) => {
          const e = ociErrorOf(err)
          // An unread request body would be taken for the next request: close instead.
          if (!raw.complete) e.headers['Connection'] = 'close'
          if (!res.headersSent) {
            writeReply(res, req.method, { status: e.status, headers: e.headers, body: e.body }).catch(() =>
              res.destroy(),
            )
          } else {
            // Failed mid-body: the only honest signal left is a broken connection.
            res.destroy()
          }
          finish(e.status, err, e.body.errors[0]?.code)
        },
      )
  }
}

function neededAccess(route: Route, req: RegistryRequest): Access[] {
  if (route.access === 'base') return []
  if (route.access === 'catalog') return [{ type: 'registry', name: 'catalog', actions: ['*'] }]
  const out: Access[] = [{ type: 'repository', name: req.params.name!, actions: [route.access] }]
  for (const e of route.extra?.(req) ?? [])
    out.push({ type: 'repository', name: e.name, actions: [e.action] })
  return out
}

async function writeReply(res: ServerResponse, method: string, reply: Reply): Promise<void> {
  const headers: Record<string, string | string[]> = { ...API_VERSION_HEADER, ...reply.headers }
  let body = reply.body
  if (
    body !== undefined &&
    !(body instanceof Readable) &&
    !Buffer.isBuffer(body) &&
    typeof body !== 'string'
  ) {
    body = JSON.stringify(body)
    headers['Content-Type'] ??= 'application/json'
  }
  if (headers['Content-Length'] === undefined && reply.status !== 204 && !(body instanceof Readable)) {
    headers['Content-Length'] = body === undefined ? '0' : String(Buffer.byteLength(body))
  }
  res.writeHead(reply.status, headers)
  if (method === 'HEAD' || body === undefined) {
    if (body instanceof Readable) body.destroy()
    res.end()
    return
  }
  if (body instanceof Readable) await pipeTo(body, res)
  else res.end(body)
}

/** Pipes a body; a client that hangs up early is not a server error, only a short response. */
function pipeTo(body: Readable, res: ServerResponse): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    body.once('error', (err) => {
      res.destroy(err)
      reject(err)
    })
    res.once('close', () => {
      body.destroy()
      resolve()
    })
    body.pipe(res)
  })
}
