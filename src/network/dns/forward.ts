// Forwarding of queries berth cannot answer to upstream resolvers: UDP from a fresh socket per
// query with a random id (falls back to TCP when the answer is truncated), or TCP for TCP
// clients. Upstreams are tried in order; each gets `timeoutMs`. It never picks upstreams itself.
import { randomInt } from 'node:crypto'
import { createSocket } from 'node:dgram'
import { connect, isIPv6 } from 'node:net'
import { HEADER_LEN, isResponse } from './packet.ts'

export interface Upstream {
  host: string
  port: number
}

/** Parses `ip`, `ip:port`, `[v6]:port` or a bare IPv6 address; undefined when malformed. */
export function parseUpstream(spec: string): Upstream | undefined {
  const bracket = /^\[([^\]]+)\](?::(\d+))?$/.exec(spec)
  if (bracket) return withPort(bracket[1]!, bracket[2])
  if (isIPv6(spec)) return { host: spec, port: 53 }
  const [host = '', port, extra] = spec.split(':')
  if (extra !== undefined) return undefined
  return withPort(host, port)
}

function withPort(host: string, port: string | undefined): Upstream | undefined {
  const n = port === undefined ? 53 : Number(port)
  if (!Number.isInteger(n) || n < 1 || n > 65535 || host === '') return undefined
  return { host, port: n }
}

/** Sends `query` to each upstream in turn until one answers; returns the answer with the
 *  client's id restored, or undefined when every upstream failed or timed out. */
export async function forwardQuery(
  query: Buffer,
  upstreams: Upstream[],
  opts: { transport: 'udp' | 'tcp'; timeoutMs: number },
): Promise<Buffer | undefined> {
  const clientId = query.readUInt16BE(0)
  for (const upstream of upstreams) {
    const id = randomInt(0, 0x10000)
    const out = Buffer.from(query)
    out.writeUInt16BE(id, 0)
    let answer = opts.transport === 'udp' ? await udpExchange(out, upstream, opts.timeoutMs) : undefined
    if (opts.transport === 'tcp' || (answer && (answer[2]! & 0x02) !== 0)) {
      answer = (await tcpExchange(out, upstream, opts.timeoutMs)) ?? answer
    }
    if (answer) {
      answer.writeUInt16BE(clientId, 0)
      return answer
    }
  }
  return undefined
}

/** One UDP exchange; resolves undefined on timeout or socket error. Only a response from the
 *  upstream's own address and port with the expected id is accepted. */
export function udpExchange(query: Buffer, up: Upstream, timeoutMs: number): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    const sock = createSocket(isIPv6(up.host) ? 'udp6' : 'udp4')
    const id = query.readUInt16BE(0)
    const done = (res: Buffer | undefined) => {
      clearTimeout(timer)
      sock.close()
      resolve(res)
    }
    const timer = setTimeout(() => done(undefined), timeoutMs)
    sock.on('error', () => done(undefined))
    sock.on('message', (msg, rinfo) => {
      if (rinfo.port !== up.port || !sameHost(rinfo.address, up.host)) return
      if (msg.length < HEADER_LEN || !isResponse(msg) || msg.readUInt16BE(0) !== id) return
      done(Buffer.from(msg))
    })
    sock.send(query, up.port, up.host, (err) => {
      if (err) done(undefined)
    })
  })
}

function sameHost(a: string, b: string): boolean {
  const strip = (s: string) => s.replace(/^::ffff:/i, '').toLowerCase()
  return strip(a) === strip(b)
}

/** One TCP exchange (RFC 1035 §4.2.2 two-byte length prefix); undefined on timeout, error or
 *  a reply with another id. */
export function tcpExchange(query: Buffer, up: Upstream, timeoutMs: number): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    const sock = connect({ host: up.host, port: up.port })
    let buf = Buffer.alloc(0)
    let settled = false
    const done = (res: Buffer | undefined) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      sock.destroy()
      resolve(res)
    }
    const timer = setTimeout(() => done(undefined), timeoutMs)
    sock.on('error', () => done(undefined))
    sock.on('close', () => done(undefined))
    sock.on('connect', () => {
      const len = Buffer.alloc(2)
      len.writeUInt16BE(query.length, 0)
      sock.write(Buffer.concat([len, query]))
    })
    sock.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk])
      if (buf.length < 2) return
      const len = buf.readUInt16BE(0)
      if (buf.length < 2 + len) return
      const msg = Buffer.from(buf.subarray(2, 2 + len))
      const ok = msg.length >= HEADER_LEN && isResponse(msg) && msg.readUInt16BE(0) === query.readUInt16BE(0)
      done(ok ? msg : undefined)
    })
  })
}
