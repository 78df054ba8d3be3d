// berthd's embedded DNS server for user-defined networks (Docker's 127.0.0.11): answers
// container names, aliases and ids from a DnsRecordSource and forwards the rest. Written by
// hand because it is small (A/AAAA/PTR plus relaying bytes) and must run inside berthd's
// event loop next to the records it serves; it does not bind inside container namespaces.
import { createSocket, type Socket as UdpSocket } from 'node:dgram'
import { once } from 'node:events'
import { createServer, isIPv6, type Server, type Socket } from 'node:net'
import { errnoOf } from '../../lib/errors.ts'
import type { Logger } from '../../lib/log.ts'
import { forwardQuery, parseUpstream, type Upstream } from './forward.ts'
import { LocalAnswers } from './local-answer.ts'
import {
  buildHeaderOnlyReply,
  buildReply,
  DnsFormatError,
  HEADER_LEN,
  isResponse,
  parseQuery,
  RCODE,
  truncateReply,
} from './packet.ts'
import type { DnsListener, DnsRecordSource } from './types.ts'

/** Docker's limit of concurrent forwarded queries (libnetwork maxConcurrent); above it → SERVFAIL. */
const MAX_INFLIGHT = 1024
/** Docker's timeout for one upstream exchange (libnetwork extIOTimeout). */
const DEFAULT_TIMEOUT_MS = 4000
const TCP_IDLE_MS = 10_000

export interface EmbeddedDnsOptions {
  records: DnsRecordSource
  /** Upstream resolvers for a client on a network: 'ip' or 'ip:port' ('[v6]:port'). */
  upstreams: (scope: string, clientIp: string) => string[]
  /** Search domains of the client (its --dns-search): `name.<domain>` is also tried as `name`. */
  searchDomains?: (scope: string, clientIp: string) => string[]
  log: Logger
  /** Per-upstream exchange timeout. */
  timeoutMs?: number
}

type Transport = 'udp' | 'tcp'

export class EmbeddedDns {
  private readonly opts: EmbeddedDnsOptions
  private readonly local: LocalAnswers
  private readonly listeners = new Set<DnsListener>()
  private inflight = 0

  constructor(opts: EmbeddedDnsOptions) {
    this.opts = opts
    this.local = new LocalAnswers(opts.records)
  }

  /** Serves DNS over UDP and TCP on address:port (default 53) for network `scope`. With port 0
   *  the kernel picks the UDP port and TCP binds the same one.
   *  @throws the bind error (EADDRINUSE, EADDRNOTAVAIL…); nothing stays bound then. */
  async listen(scope: string, address: string, port = 53): Promise<DnsListener> {
    // Port 0 (tests): UDP picks a free port, whose TCP twin may be taken: try another one.
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.listenOnce(scope, address, port)
      } catch (err) {
        if (port !== 0 || errnoOf(err) !== 'EADDRINUSE' || attempt >= 10) throw err
      }
    }
  }

  private async listenOnce(scope: string, address: string, port: number): Promise<DnsListener> {
    const udp = createSocket({ type: isIPv6(address) ? 'udp6' : 'udp4' })
    const sockets = new Set<Socket>()
    const tcp = createServer((sock) => this.serveTcp(scope, sock, sockets))
    try {
      udp.bind(port, address)
      await once(udp, 'listening')
      const bound = udp.address().port
      tcp.listen({ host: address, port: bound, exclusive: true })
      await once(tcp, 'listening')
      udp.on('message', (msg, rinfo) => this.serveUdp(scope, udp, msg, rinfo.address, rinfo.port))
      udp.on('error', (err) => this.opts.log.warn('dns udp socket error', { scope, err: String(err) }))
      tcp.on('error', (err) => this.opts.log.warn('dns tcp server error', { scope, err: String(err) }))
      const listener = this.makeListener(bound, udp, tcp, sockets)
      this.listeners.add(listener)
      return listener
    } catch (err) {
      await closeQuietly(udp, tcp)
      throw err
    }
  }

  /** Closes every listener. */
  async close(): Promise<void> {
    await Promise.all([...this.listeners].map((l) => l.close()))
  }

  private makeListener(port: number, udp: UdpSocket, tcp: Server, sockets: Set<Socket>): DnsListener {
    let closing: Promise<void> | undefined
    const listener: DnsListener = {
      port,
      close: () => {
        closing ??= (async () => {
          this.listeners.delete(listener)
          for (const s of sockets) s.destroy()
          await closeQuietly(udp, tcp)
        })()
        return closing
      },
    }
    return listener
  }

  private serveUdp(scope: string, udp: UdpSocket, msg: Buffer, host: string, port: number): void {
    this.handle(scope, msg, 'udp', host).then(
      (reply) => {
        if (reply)
          udp.send(
            reply,
            port,
            host,
            (err) => err && this.opts.log.debug('dns udp send failed', { err: String(err) }),
          )
      },
      (err) => this.opts.log.error('dns: query failed', { scope, err: String(err) }),
    )
  }

  private serveTcp(scope: string, sock: Socket, sockets: Set<Socket>): void {
    sockets.add(sock)
    sock.setTimeout(TCP_IDLE_MS, () => sock.destroy())
    sock.on('close', () => sockets.delete(sock))
    sock.on('error', (err) => this.opts.log.debug('dns tcp client error', { err: String(err) }))
    const client = (sock.remoteAddress ?? '').replace(/^::ffff:/i, '')
    let buf = Buffer.alloc(0)
    sock.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk])
      while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
        const msg = buf.subarray(2, 2 + buf.readUInt16BE(0))
        buf = buf.subarray(2 + msg.length)
        this.handle(scope, msg, 'tcp', client).then(
          (reply) => {
            if (!reply || sock.destroyed) return
            const len = Buffer.alloc(2)
            len.writeUInt16BE(reply.length, 0)
            sock.write(Buffer.concat([len, reply]))
          },
          (err) => this.opts.log.error('dns: query failed', { scope, err: String(err) }),
        )
      }
    })
  }

  /** The reply to one message, or undefined to stay silent (responses, runt packets).
   *  @throws only what the upstreams/searchDomains callbacks throw. */
  async handle(
    scope: string,
    msg: Buffer,
    transport: Transport,
    clientIp: string,
  ): Promise<Buffer | undefined> {
    if (msg.length < HEADER_LEN || isResponse(msg)) return undefined
    let q: ReturnType<typeof parseQuery>
    try {
      q = parseQuery(msg)
    } catch (err) {
      if (!(err instanceof DnsFormatError)) throw err
      this.opts.log.debug('dns: malformed query', { scope, clientIp, err: err.message })
      return buildHeaderOnlyReply(msg.readUInt16BE(0), msg.readUInt16BE(2), RCODE.FORMERR)
    }
    if (q.opcode !== 0) return buildReply(q, RCODE.NOTIMP)
    const limit = transport === 'udp' ? q.udpSize : 0xffff
    const search = this.opts.searchDomains?.(scope, clientIp) ?? []
    const answers = this.local.answer(scope, q.question, search, clientIp)
    if (answers) return truncateReply(buildReply(q, RCODE.NOERROR, answers), limit)
    const forwarded = await this.forward(scope, msg, transport, clientIp)
    return forwarded ? truncateReply(forwarded, limit) : buildReply(q, RCODE.SERVFAIL)
  }

  private async forward(
    scope: string,
    msg: Buffer,
    transport: Transport,
    clientIp: string,
  ): Promise<Buffer | undefined> {
    const upstreams = this.upstreamsFor(scope, clientIp)
    if (upstreams.length === 0 || this.inflight >= MAX_INFLIGHT) return undefined
    this.inflight++
    try {
      const timeoutMs = this.opts.timeoutMs ?? DEFAULT_TIMEOUT_MS
      const answer = await forwardQuery(msg, upstreams, { transport, timeoutMs })
      if (!answer) this.opts.log.debug('dns: no upstream answered', { scope, clientIp })
      return answer
    } finally {
      this.inflight--
    }
  }

  private upstreamsFor(scope: string, clientIp: string): Upstream[] {
    const out: Upstream[] = []
    for (const spec of this.opts.upstreams(scope, clientIp)) {
      const up = parseUpstream(spec)
      if (up) out.push(up)
      else this.opts.log.warn('dns: ignoring malformed upstream', { scope, upstream: spec })
    }
    return out
  }
}

async function closeQuietly(udp: UdpSocket, tcp: Server): Promise<void> {
  await new Promise<void>((resolve) => {
    try {
      udp.close(() => resolve())
    } catch (err) {
      // ERR_SOCKET_DGRAM_NOT_RUNNING: never bound or already closed, nothing to release.
      if ((err as { code?: string }).code !== 'ERR_SOCKET_DGRAM_NOT_RUNNING') throw err
      resolve()
    }
  })
  if (tcp.listening) await new Promise<void>((resolve) => tcp.close(() => resolve()))
}
