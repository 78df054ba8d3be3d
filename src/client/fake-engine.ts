// A fake Engine API daemon on a temporary UNIX socket, for client and CLI tests (and for
// comparing berth's output with the real docker CLI). Routes answer canned values; no logic.
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Duplex } from 'node:stream'

export interface FakeRequest {
  method: string
  /** Path without the /v1.xx prefix. */
  path: string
  version: string | undefined
  query: URLSearchParams
  headers: IncomingMessage['headers']
  body: Buffer
}

export type FakeReply =
  | { status?: number; json?: unknown; text?: string; headers?: Record<string, string> }
  | ((req: FakeRequest, res: ServerResponse) => void | Promise<void>)

/** Keyed by "METHOD /path" (version prefix stripped); `:id` segments match anything. */
export type FakeRoutes = Record<string, FakeReply | ((req: FakeRequest) => FakeReply)>

/** Handles a hijacked (Upgrade: tcp) request: write the 101 answer and frames to `socket`. */
export type FakeHijack = (req: FakeRequest, socket: Duplex) => void

export interface FakeEngine {
  host: string
  requests: FakeRequest[]
  close(): Promise<void>
}

export async function startFakeEngine(
  routes: FakeRoutes,
  opts: { apiVersion?: string; hijack?: Record<string, FakeHijack> } = {},
): Promise<FakeEngine> {
  const dir = mkdtempSync(join(tmpdir(), 'berth-fake-'))
  const socketPath = join(dir, 'engine.sock')
  const requests: FakeRequest[] = []
  const apiVersion = opts.apiVersion ?? '1.47'
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = []
    for await (const c of req) chunks.push(c as Buffer)
    const url = new URL(req.url ?? '/', 'http://fake')
    const m = /^\/v(\d+\.\d+)(\/.*)$/.exec(url.pathname)
    const fr: FakeRequest = {
      method: req.method ?? 'GET',
      path: m?.[2] ?? url.pathname,
      version: m?.[1],
      query: url.searchParams,
      headers: req.headers,
      body: Buffer.concat(chunks),
    }
    requests.push(fr)
    res.setHeader('Api-Version', apiVersion)
    res.setHeader('Ostype', 'linux')
    if (fr.path === '/_ping' && !findRoute(routes, fr)) {
      res.setHeader('Content-Type', 'text/plain')
      res.end('OK')
      return
    }
    let reply = findRoute(routes, fr)
    if (reply === undefined) {
      res.statusCode = 404
      res.setHeader('Content-Type', 'application/json')
      res.end(JSON.stringify({ message: 'page not found' }))
      return
    }
    if (typeof reply === 'function' && reply.length <= 1) {
      const r = (reply as (req: FakeRequest) => FakeReply | undefined)(fr)
      if (r !== undefined) reply = r
    }
    if (typeof reply === 'function') {
      await reply(fr, res)
      return
    }
    res.statusCode = reply.status ?? 200
    for (const [k, v] of Object.entries(reply.headers ?? {})) res.setHeader(k, v)
    if (reply.json !== undefined) {
      res.setHeader('Content-Type', 'application/json')
      res.end(JSON.stringify(reply.json))
    } else res.end(reply.text ?? '')
  })
  server.on('upgrade', (req: IncomingMessage, socket: Duplex) => {
    const url = new URL(req.url ?? '/', 'http://fake')
    const m = /^\/v(\d+\.\d+)(\/.*)$/.exec(url.pathname)
    const fr: FakeRequest = {
      method: req.method ?? 'POST',
      path: m?.[2] ?? url.pathname,
      version: m?.[1],
      query: url.searchParams,
      headers: req.headers,
      body: Buffer.alloc(0),
    }
    requests.push(fr)
    const key = Object.keys(opts.hijack ?? {}).find((k) => matches(k, `${fr.method} ${fr.path}`))
    const handler = key === undefined ? undefined : opts.hijack?.[key]
    if (!handler) {
      socket.end(
        'HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\n\r\n{"message":"page not found"}',
      )
      return
    }
    handler(fr, socket)
  })
  await new Promise<void>((resolve) => server.listen(socketPath, resolve))
  return {
    host: `unix://${socketPath}`,
    requests,
    close: async () => {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

function findRoute(routes: FakeRoutes, req: FakeRequest): FakeRoutes[string] | undefined {
  const key = `${req.method} ${req.path}`
  if (key in routes) return routes[key]
  for (const [pattern, reply] of Object.entries(routes)) if (matches(pattern, key)) return reply
  return undefined
}

/** "GET /containers/:id/json" matches "GET /containers/abc/json"; `:x` may span slashes (image names). */
function matches(pattern: string, key: string): boolean {
  const escaped = pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:[a-z]+/g, '[^/]+(?:/[^/]+)*?')
  return new RegExp(`^${escaped}$`).test(key)
}

/** The 101 answer a daemon sends before raw attach bytes. */
export function upgradeHead(multiplexed = true): string {
  const type = multiplexed ? 'application/vnd.docker.multiplexed-stream' : 'application/vnd.docker.raw-stream'
  return `HTTP/1.1 101 UPGRADED\r\nContent-Type: ${type}\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n`
}
