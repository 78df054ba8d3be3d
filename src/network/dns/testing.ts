// Test helpers for the embedded DNS: query builder, reply decoder, loopback clients and a fake
// upstream resolver on 127.0.0.1 (tests never contact a real resolver).
import { createSocket, type Socket as UdpSocket } from 'node:dgram'
import { once } from 'node:events'
import { connect, createServer, type Server, type Socket } from 'node:net'
import { encodeName, formatIPv6, HEADER_LEN, readName, TYPE } from './packet.ts'

export function makeQuery(
  name: string,
  type: number,
  opts: { id?: number; edns?: number; rd?: boolean } = {},
): Buffer {
  const header = Buffer.alloc(HEADER_LEN)
  header.writeUInt16BE(opts.id ?? 0x1234, 0)
  header.writeUInt16BE(opts.rd === false ? 0 : 0x0100, 2)
  header.writeUInt16BE(1, 4)
  if (opts.edns) header.writeUInt16BE(1, 10)
  const q = Buffer.alloc(4)
  q.writeUInt16BE(type, 0)
  q.writeUInt16BE(1, 2)
  const parts = [header, encodeName(name.split('.').filter((l) => l !== '')), q]
  if (opts.edns) {
    const opt = Buffer.alloc(11)
    opt.writeUInt16BE(41, 1)
    opt.writeUInt16BE(opts.edns, 3)
    parts.push(opt)
  }
  return Buffer.concat(parts)
}

export interface DecodedReply {
  id: number
  rcode: number
  aa: boolean
  tc: boolean
  questionName: string
  answers: { type: number; ttl: number; data: string }[]
}

export function decodeReply(buf: Buffer): DecodedReply {
  const flags = buf.readUInt16BE(2)
  const qd = buf.readUInt16BE(4)
  const an = buf.readUInt16BE(6)
  let pos = HEADER_LEN
  let questionName = ''
  if (qd > 0) {
    const q = readName(buf, pos)
    questionName = q.labels.join('.')
    pos = q.next + 4
  }
  const answers: DecodedReply['answers'] = []
  for (let i = 0; i < an; i++) {
    pos = readName(buf, pos).next
    const type = buf.readUInt16BE(pos)
    const ttl = buf.readUInt32BE(pos + 4)
    const len = buf.readUInt16BE(pos + 8)
    const rdata = buf.subarray(pos + 10, pos + 10 + len)
    const data =
      type === TYPE.A
        ? [...rdata].join('.')
        : type === TYPE.AAAA
          ? formatIPv6(rdata)
          : type === TYPE.PTR
            ? readName(buf, pos + 10).labels.join('.')
            : rdata.toString('hex')
    answers.push({ type, ttl, data })
    pos += 10 + len
  }
  return {
    id: buf.readUInt16BE(0),
    rcode: flags & 0xf,
    aa: (flags & 0x400) !== 0,
    tc: (flags & 0x200) !== 0,
    questionName,
    answers,
  }
}

/** Sends one UDP query to 127.0.0.1:port; resolves the reply, or undefined after `timeoutMs`. */
export async function udpAsk(port: number, query: Buffer, timeoutMs = 2000): Promise<Buffer | undefined> {
  const sock = createSocket('udp4')
  try {
    const reply = new Promise<Buffer | undefined>((resolve) => {
      const timer = setTimeout(() => resolve(undefined), timeoutMs)
      sock.once('message', (msg) => {
        clearTimeout(timer)
        resolve(msg)
      })
    })
    sock.send(query, port, '127.0.0.1')
    return await reply
  } finally {
    sock.close()
  }
}

/** Sends TCP queries (length-prefixed) on one connection and collects as many replies. */
export async function tcpAsk(port: number, queries: Buffer[]): Promise<Buffer[]> {
  const sock = connect({ host: '127.0.0.1', port })
  await once(sock, 'connect')
  for (const q of queries) sock.write(Buffer.concat([u16(q.length), q]))
  const replies: Buffer[] = []
  let buf = Buffer.alloc(0)
  for await (const chunk of sock as AsyncIterable<Buffer>) {
    buf = Buffer.concat([buf, chunk])
    while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
      replies.push(buf.subarray(2, 2 + buf.readUInt16BE(0)))
      buf = buf.subarray(2 + buf.readUInt16BE(0))
    }
    if (replies.length === queries.length) break
  }
  sock.destroy()
  return replies
}

function u16(n: number): Buffer {
  const b = Buffer.alloc(2)
  b.writeUInt16BE(n, 0)
  return b
}

export type UpstreamMode = 'answer' | 'truncate' | 'silent'

/** A resolver on 127.0.0.1 that answers every A question with `address` (TTL 30), records what
 *  it saw, and can truncate UDP answers or stay silent. */
export class FakeUpstream {
  readonly seen: { transport: 'udp' | 'tcp'; name: string; type: number }[] = []
  mode: UpstreamMode = 'answer'
  port = 0
  private udp: UdpSocket | undefined
  private tcp: Server | undefined
  private readonly conns = new Set<Socket>()
  private readonly address: string

  constructor(address = '203.0.113.7') {
    this.address = address
  }

  /** Binds UDP and TCP on one free loopback port; retries when the UDP port's TCP twin is taken. */
  async start(): Promise<this> {
    for (let attempt = 0; ; attempt++) {
      const udp = createSocket('udp4')
      udp.bind(0, '127.0.0.1')
      await once(udp, 'listening')
      const port = udp.address().port
      const tcp = createServer((sock) => {
        this.conns.add(sock)
        sock.on('close', () => this.conns.delete(sock))
        sock.on('data', (chunk: Buffer) => {
          const msg = chunk.subarray(2, 2 + chunk.readUInt16BE(0))
          const reply = this.reply(msg, 'tcp')
          if (reply) sock.write(Buffer.concat([u16(reply.length), reply]))
        })
      })
      try {
        tcp.listen(port, '127.0.0.1')
        await once(tcp, 'listening')
      } catch (err) {
        await new Promise<void>((r) => udp.close(() => r()))
        if (attempt >= 20) throw err
        continue
      }
      udp.on('message', (msg, rinfo) => {
        const reply = this.reply(msg, 'udp')
        if (reply) udp.send(reply, rinfo.port, rinfo.address)
      })
      this.port = port
      this.udp = udp
      this.tcp = tcp
      return this
    }
  }

  private reply(msg: Buffer, transport: 'udp' | 'tcp'): Buffer | undefined {
    const { labels, next } = readName(msg, HEADER_LEN)
    const type = msg.readUInt16BE(next)
    this.seen.push({ transport, name: labels.join('.'), type })
    if (this.mode === 'silent') return undefined
    const question = msg.subarray(HEADER_LEN, next + 4)
    const header = Buffer.alloc(HEADER_LEN)
    header.writeUInt16BE(msg.readUInt16BE(0), 0)
    const truncated = this.mode === 'truncate' && transport === 'udp'
    header.writeUInt16BE(0x8180 | (truncated ? 0x0200 : 0), 2)
    header.writeUInt16BE(1, 4)
    if (truncated || type !== TYPE.A) return Buffer.concat([header, question])
    header.writeUInt16BE(1, 6)
    const rr = Buffer.alloc(16)
    rr.writeUInt16BE(0xc00c, 0)
    rr.writeUInt16BE(TYPE.A, 2)
    rr.writeUInt16BE(1, 4)
    rr.writeUInt32BE(30, 6)
    rr.writeUInt16BE(4, 10)
    Buffer.from(this.address.split('.').map(Number)).copy(rr, 12)
    return Buffer.concat([header, question, rr])
  }

  async stop(): Promise<void> {
    for (const c of this.conns) c.destroy()
    await new Promise<void>((r) => (this.udp ? this.udp.close(() => r()) : r()))
    await new Promise<void>((r) => (this.tcp ? this.tcp.close(() => r()) : r()))
  }
}
