// A minimal HTTP/1.1 client over node:net for the CLI's plain (UNIX socket or TCP) connections.
// Written by hand because importing node:http costs ~45 ms of start-up on Node 24 — a third of
// the CLI's budget for `run --rm`. One connection per request (connecting to a local socket
// costs well under a millisecond); bodies with Content-Length, chunked, or read to close; the
// 101 upgrade that attach uses. TLS endpoints keep using node:https.
import { connect, type Socket } from 'node:net'
import { Readable } from 'node:stream'

export interface Http1Target {
  socketPath?: string
  host?: string
  port?: number
}

export interface Http1Request {
  method: string
  path: string
  headers: Record<string, string | number>
  body?: Buffer | Readable
  signal?: AbortSignal
}

/** The response: a Readable body with the status and lower-cased headers, like IncomingMessage. */
export class Http1Response extends Readable {
  statusCode = 0
  statusMessage = ''
  headers: Record<string, string> = {}
  complete = false
  override _read(): void {
    this.emit('berth:pull')
  }
}

export interface Http1Result {
  res: Http1Response
  /** Set for a 101 answer: the raw connection, any bytes after the headers already unshifted. */
  upgraded?: Socket
}

export function http1Request(target: Http1Target, req: Http1Request): Promise<Http1Result> {
  return new Promise((resolve, reject) => {
    const sock = target.socketPath
      ? connect(target.socketPath)
      : connect(target.port ?? 80, target.host ?? '127.0.0.1')
    const onAbort = () =>
      sock.destroy(Object.assign(new Error('The operation was aborted'), { name: 'AbortError' }))
    req.signal?.addEventListener('abort', onAbort, { once: true })
    let settled = false
    sock.once('error', (err) => {
      if (!settled) {
        settled = true
        reject(err)
      }
    })
    sock.once('connect', () => writeRequest(sock, target, req))
    let head: Buffer = Buffer.alloc(0)
    const onData = (chunk: Buffer) => {
      head = head.length ? Buffer.concat([head, chunk]) : chunk
      const end = head.indexOf('\r\n\r\n')
      if (end < 0) return
      sock.off('data', onData)
      const res = parseHead(head.subarray(0, end).toString('latin1'))
      const rest = head.subarray(end + 4)
      settled = true
      if (res.statusCode === 101) {
        // Stop the flow until the new owner reads, or bytes after the headers would be lost.
        sock.pause()
        if (rest.length) sock.unshift(rest)
        resolve({ res, upgraded: sock })
        return
      }
      pipeBody(sock, res, rest, req.method === 'HEAD' || res.statusCode === 204 || res.statusCode === 304)
      resolve({ res })
    }
    sock.on('data', onData)
  })
}

function writeRequest(sock: Socket, target: Http1Target, req: Http1Request): void {
  const headers: Record<string, string | number> = {
    Host: target.socketPath ? 'localhost' : `${target.host}:${target.port}`,
    ...req.headers,
  }
  const chunked = req.body instanceof Readable
  if (Buffer.isBuffer(req.body)) headers['Content-Length'] = req.body.length
  else if (chunked) headers['Transfer-Encoding'] = 'chunked'
  else if (req.method === 'POST' || req.method === 'PUT') headers['Content-Length'] = 0
  const lines = [
    `${req.method} ${req.path} HTTP/1.1`,
    ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
  ]
  sock.write(`${lines.join('\r\n')}\r\n\r\n`)
  if (Buffer.isBuffer(req.body)) sock.write(req.body)
  else if (req.body instanceof Readable) {
    const body = req.body
    body.on('data', (c: Buffer | string) => {
      const b = typeof c === 'string' ? Buffer.from(c) : c
      if (b.length === 0) return
      sock.write(`${b.length.toString(16)}\r\n`)
      sock.write(b)
      if (!sock.write('\r\n')) {
        body.pause()
        sock.once('drain', () => body.resume())
      }
    })
    body.on('end', () => sock.write('0\r\n\r\n'))
    body.on('error', (err) => sock.destroy(err))
  }
}

function parseHead(text: string): Http1Response {
  const [status = '', ...lines] = text.split('\r\n')
  const m = /^HTTP\/1\.[01] (\d{3}) ?(.*)$/.exec(status)
  const res = new Http1Response()
  res.statusCode = m ? Number(m[1]) : 0
  res.statusMessage = m?.[2] ?? ''
  for (const line of lines) {
    const i = line.indexOf(':')
    if (i > 0) res.headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim()
  }
  return res
}

/** Moves the body from the socket into `res`, honouring backpressure. */
function pipeBody(sock: Socket, res: Http1Response, first: Buffer, empty: boolean): void {
  const finish = () => {
    res.complete = true
    res.push(null)
    sock.destroy()
  }
  if (empty) {
    finish()
    return
  }
  const length = res.headers['content-length']
  const decoder = res.headers['transfer-encoding']?.includes('chunked') ? chunkDecoder() : undefined
  let remaining = length !== undefined && !decoder ? Number(length) : Number.POSITIVE_INFINITY
  const feed = (chunk: Buffer) => {
    let data = chunk
    if (decoder) {
      const out = decoder.feed(chunk)
      data = out.data
      if (out.done) {
        if (data.length && !res.push(data)) sock.pause()
        return finish()
      }
    } else if (data.length > remaining) data = data.subarray(0, remaining)
    remaining -= decoder ? 0 : data.length
    if (data.length && !res.push(data)) sock.pause()
    if (remaining <= 0) finish()
  }
  res.on('berth:pull', () => sock.resume())
  sock.on('data', feed)
  sock.on('end', () => {
    if (!res.complete) finish()
  })
  sock.on('error', (err) => res.destroy(err))
  res.on('close', () => sock.destroy())
  if (first.length) feed(first)
  else if (remaining === 0) finish()
}

/** Incremental chunked transfer-encoding decoder. */
function chunkDecoder() {
  let buf: Buffer = Buffer.alloc(0)
  let need = -1 // bytes of chunk data still expected; -1 = reading a size line
  return {
    feed(chunk: Buffer): { data: Buffer; done: boolean } {
      buf = buf.length ? Buffer.concat([buf, chunk]) : chunk
      const out: Buffer[] = []
      for (;;) {
        if (need < 0) {
          const nl = buf.indexOf('\r\n')
          if (nl < 0) break
          need = Number.parseInt(buf.subarray(0, nl).toString('latin1'), 16)
          buf = buf.subarray(nl + 2)
          if (need === 0) return { data: Buffer.concat(out), done: true }
        }
        if (buf.length < need + 2) {
          // Hand over what we have of this chunk now (live streams must not wait for the rest).
          const take = Math.min(buf.length, need)
          if (take > 0) {
            out.push(buf.subarray(0, take))
            buf = buf.subarray(take)
            need -= take
          }
          if (need > 0 || buf.length < 2) break
        }
        out.push(buf.subarray(0, need))
        buf = buf.subarray(need + 2)
        need = -1
      }
      return { data: out.length === 1 ? out[0]! : Buffer.concat(out), done: false }
    },
  }
}
