// The Engine API request handler: turns node:http requests into ApiRequests, runs the matched
// route, and writes its ApiReply (JSON, stream, or a hijacked connection). No listen() here:
// daemon/listen.ts binds sockets, and tests call inject().
import type { IncomingMessage, ServerResponse } from 'node:http'
import { Duplex, Readable, type Writable } from 'node:stream'
import { InvalidArgumentError } from '../lib/errors.ts'
import type { Logger } from '../lib/log.ts'
import { errorBody, httpStatusOf } from './errors.ts'
import {
  API_VERSION,
  type ApiReply,
  type ApiRequest,
  compareVersions,
  type Method,
  type Route,
  Router,
  splitVersion,
} from './router.ts'

export interface ApiApp {
  handleRequest(req: IncomingMessage, res: ServerResponse): void
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void
  /** Runs one request in process (tests). */
  inject(init: InjectInit): Promise<InjectResult>
}

export interface InjectInit {
  method: Method
  url: string
  body?: unknown
  headers?: Record<string, string>
}

export interface InjectResult {
  status: number
  headers: Record<string, string>
  body: Buffer
  json(): unknown
  text(): string
}

const SERVER_HEADERS = {
  'Api-Version': API_VERSION,
  'Docker-Experimental': 'false',
  Ostype: 'linux',
  Server: 'berth',
}

export function createApiApp(routes: Route[], log: Logger): ApiApp {
  const router = new Router(routes)

  async function dispatch(req: ApiRequest): Promise<ApiReply> {
    try {
      const { route, params } = router.match(req.method, req.path)
      if (route.minVersion && compareVersions(req.version, route.minVersion) < 0) {
        throw new InvalidArgumentError(
          `${req.path} requires API version ${route.minVersion}, but the client sent ${req.version}`,
        )
      }
      req.params = params
      return await route.handler(req)
    } catch (err) {
      const status = httpStatusOf(err)
      if (status >= 500) log.error(`${req.method} ${req.path}: ${(err as Error)?.stack ?? String(err)}`)
      else log.debug(`${req.method} ${req.path}: ${errorBody(err).message}`)
      return { kind: 'json', status, body: errorBody(err) }
    }
  }

  function toApiRequest(
    raw: IncomingMessage,
    body: Readable,
    upgrade: boolean,
    signal: AbortSignal,
  ): ApiRequest | ApiReply {
    const url = new URL(raw.url ?? '/', 'http://berth')
    let split: { version: string; path: string }
    try {
      // Empty segments collapse, as dockerd's router cleans paths: docker-py asks for
      // /containers//name/json when given a name with its leading slash (attrs['Name']).
      split = splitVersion(url.pathname.replace(/\/{2,}/g, '/'))
    } catch (err) {
      return { kind: 'json', status: httpStatusOf(err), body: errorBody(err) }
    }
    let parsed: Promise<unknown> | undefined
    return {
      method: (raw.method ?? 'GET').toUpperCase() as Method,
      path: split.path,
      params: {},
      query: url.searchParams,
      headers: raw.headers,
      version: split.version,
      body,
      signal,
      upgrade,
      json: () => {
        const length = Number(raw.headers['content-length'] ?? Number.NaN)
        parsed ??= upgrade ? readExactly(body, length).then(parseJson) : readAll(body).then(parseJson)
        return parsed
      },
    }
  }

  return {
    handleRequest(raw, res) {
      const ac = new AbortController()
      res.on('close', () => ac.abort())
      const req = toApiRequest(raw, raw, false, ac.signal)
      const reply = 'kind' in req ? Promise.resolve(req) : dispatch(req)
      reply
        .then((r) => writeReply(r, raw, res, log))
        .catch((err) => {
          log.error(`writing reply: ${String(err)}`)
          res.destroy()
        })
    },
    handleUpgrade(raw, socket, head) {
      const ac = new AbortController()
      socket.on('close', () => ac.abort())
      if (head.length > 0) socket.unshift(head)
      const req = toApiRequest(raw, socket as unknown as Readable, true, ac.signal)
      const reply = 'kind' in req ? Promise.resolve(req) : dispatch(req)
      reply
        .then(async (r) => {
          if (r.kind !== 'hijack') {
            socket.end(rawHttpResponse(r))
            return
          }
          socket.write(
            `HTTP/1.1 101 UPGRADED\r\nContent-Type: ${r.contentType}\r\nConnection: Upgrade\r\nUpgrade: tcp\r\nApi-Version: ${API_VERSION}\r\n\r\n`,
          )
          await r.run(socket)
        })
        .catch((err) => {
          log.error(`hijacked connection: ${String(err)}`)
          socket.destroy()
        })
    },
    async inject(init) {
      const bodyBuf =
        init.body === undefined
          ? Buffer.alloc(0)
          : Buffer.isBuffer(init.body)
            ? init.body
            : Buffer.from(typeof init.body === 'string' ? init.body : JSON.stringify(init.body))
      const fake = Readable.from([bodyBuf]) as unknown as IncomingMessage
      Object.assign(fake, {
        method: init.method,
        url: init.url,
        // Node lower-cases incoming header names; so does the in-process path.
        headers: Object.fromEntries(
          Object.entries({ 'content-type': 'application/json', ...(init.headers ?? {}) }).map(([k, v]) => [
            k.toLowerCase(),
            v,
          ]),
        ),
      })
      const req = toApiRequest(
        fake,
        Readable.from(bodyBuf.length ? [bodyBuf] : []),
        false,
        new AbortController().signal,
      )
      const reply = 'kind' in req ? req : await dispatch(req)
      return collectReply(reply)
    },
  }
}

async function readAll(body: Readable): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const c of body) chunks.push(typeof c === 'string' ? Buffer.from(c) : (c as Buffer))
  return Buffer.concat(chunks)
}

/** On an upgraded connection the body never ends (the socket stays open for the stream that
 *  follows): read exactly Content-Length bytes and leave the rest for the handler. */
async function readExactly(body: Readable, length: number): Promise<Buffer> {
  if (!Number.isSafeInteger(length) || length <= 0) return Buffer.alloc(0)
  const chunks: Buffer[] = []
  let got = 0
  for await (const chunk of body.iterator({ destroyOnReturn: false })) {
    const b = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer)
    const need = length - got
    if (b.length > need) {
      chunks.push(b.subarray(0, need))
      body.unshift(b.subarray(need))
      got = length
    } else {
      chunks.push(b)
      got += b.length
    }
    if (got >= length) break
  }
  return Buffer.concat(chunks)
}

function parseJson(raw: Buffer): unknown {
  const text = raw.toString('utf8').trim()
  if (text === '') return undefined
  try {
    return JSON.parse(text)
  } catch (err) {
    throw new InvalidArgumentError(`invalid JSON: ${(err as Error).message}`, { cause: err })
  }
}

function writeReply(
  reply: ApiReply,
  raw: IncomingMessage,
  res: ServerResponse,
  log: Logger,
): Promise<void> | void {
  switch (reply.kind) {
    case 'json': {
      if (reply.status === 304) {
        // HTTP forbids a body on 304; Docker sends none.
        res.writeHead(304, { ...SERVER_HEADERS, ...reply.headers })
        res.end()
        return
      }
      const text = `${JSON.stringify(reply.body)}\n`
      res.writeHead(reply.status, {
        ...SERVER_HEADERS,
        'Content-Type': 'application/json',
        'Content-Length': Buffer.byteLength(text),
        ...reply.headers,
      })
      res.end(raw.method === 'HEAD' ? undefined : text)
      return
    }
    case 'empty':
      res.writeHead(reply.status, { ...SERVER_HEADERS, ...reply.headers })
      res.end()
      return
    case 'text':
      res.writeHead(reply.status, {
        ...SERVER_HEADERS,
        'Content-Type': reply.contentType,
        'Content-Length': Buffer.byteLength(reply.body),
        ...reply.headers,
      })
      res.end(raw.method === 'HEAD' ? undefined : reply.body)
      return
    case 'stream':
      return pipeStream(reply, res, log)
    case 'hijack':
      // A client that did not ask for an upgrade gets the raw stream on a 200 response.
      res.writeHead(200, { ...SERVER_HEADERS, 'Content-Type': reply.contentType })
      res.flushHeaders()
      return reply.run(joinDuplex(raw, res))
  }
}

/** A Duplex that reads from `input` and writes to `output`. */
function joinDuplex(input: Readable, output: Writable): Duplex {
  const d = new Duplex({
    read() {
      input.resume()
    },
    write(chunk: Buffer, _enc, cb) {
      output.write(chunk, cb)
    },
    final(cb) {
      output.end()
      cb()
    },
  })
  input.on('data', (c: Buffer) => {
    if (!d.push(c)) input.pause()
  })
  input.on('end', () => d.push(null))
  input.on('error', (e) => d.destroy(e))
  output.on('close', () => d.destroy())
  return d
}

async function pipeStream(
  reply: Extract<ApiReply, { kind: 'stream' }>,
  res: ServerResponse,
  log: Logger,
): Promise<void> {
  res.writeHead(reply.status, { ...SERVER_HEADERS, 'Content-Type': reply.contentType, ...reply.headers })
  res.flushHeaders()
  try {
    for await (const chunk of reply.body) {
      if (res.destroyed) break
      if (!res.write(chunk)) await new Promise<void>((r) => res.once('drain', r).once('close', r))
    }
  } catch (err) {
    log.warn(`stream ended with error: ${String(err)}`)
  } finally {
    if (reply.body instanceof Readable) reply.body.destroy()
    res.end()
  }
}

function rawHttpResponse(reply: ApiReply): string {
  const status = 'status' in reply ? reply.status : 500
  const body = reply.kind === 'json' ? `${JSON.stringify(reply.body)}\n` : ''
  return `HTTP/1.1 ${status} ${status < 400 ? 'OK' : 'Error'}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`
}

async function collectReply(reply: ApiReply): Promise<InjectResult> {
  let status = 200
  let body = Buffer.alloc(0)
  const headers: Record<string, string> = {}
  switch (reply.kind) {
    case 'json':
      status = reply.status
      body = Buffer.from(JSON.stringify(reply.body))
      headers['content-type'] = 'application/json'
      break
    case 'empty':
      status = reply.status
      break
    case 'text':
      status = reply.status
      body = Buffer.from(reply.body)
      headers['content-type'] = reply.contentType
      break
    case 'stream': {
      status = reply.status
      const chunks: Buffer[] = []
      for await (const c of reply.body) chunks.push(Buffer.from(c))
      body = Buffer.concat(chunks)
      headers['content-type'] = reply.contentType
      break
    }
    case 'hijack':
      status = 101
      headers['content-type'] = reply.contentType
      break
  }
  for (const [k, v] of Object.entries(('headers' in reply && reply.headers) || {}))
    headers[k.toLowerCase()] = v
  return {
    status,
    headers,
    body,
    json: () => JSON.parse(body.toString('utf8')),
    text: () => body.toString('utf8'),
  }
}
