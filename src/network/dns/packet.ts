// DNS wire format (RFC 1035) for the embedded server: parses a query's header and question,
// builds answers (A, AAAA, PTR), error replies and truncated replies. It does not parse
// resource records of other types: forwarded answers are relayed as bytes.
import { isIPv4, isIPv6 } from 'node:net'

export const TYPE = { A: 1, PTR: 12, AAAA: 28 } as const
export const CLASS_IN = 1
export const RCODE = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5 } as const
export const HEADER_LEN = 12
const MAX_NAME = 255
const MAX_POINTER_JUMPS = 32

export interface DnsQuestion {
  /** Labels as sent (original case kept, for DNS 0x20 clients). */
  labels: string[]
  type: number
  class: number
}

export interface DnsQuery {
  id: number
  /** The header's flags word as received. */
  flags: number
  opcode: number
  recursionDesired: boolean
  question: DnsQuestion
  /** Largest UDP reply the client accepts: 512, or its EDNS0 payload size. */
  udpSize: number
}

export class DnsFormatError extends Error {}

/** The query's id, or undefined when the packet is shorter than a header. */
export function packetId(buf: Buffer): number | undefined {
  return buf.length >= HEADER_LEN ? buf.readUInt16BE(0) : undefined
}

/** True when the packet's QR bit says it is a response. */
export function isResponse(buf: Buffer): boolean {
  return buf.length >= 3 && (buf[2]! & 0x80) !== 0
}

/** Reads a (possibly compressed) name at `offset`; returns its labels and the offset after it.
 *  Pointer loops are cut by a jump limit and the 255-octet name limit.
 *  @throws DnsFormatError on truncation, reserved label types, loops or over-long names. */
export function readName(buf: Buffer, offset: number): { labels: string[]; next: number } {
  const labels: string[] = []
  let pos = offset
  let next = -1
  let jumps = 0
  let length = 1
  for (;;) {
    if (pos >= buf.length) throw new DnsFormatError('name runs past the packet')
    const len = buf[pos]!
    if (len === 0) {
      if (next < 0) next = pos + 1
      return { labels, next }
    }
    const kind = len & 0xc0
    if (kind === 0xc0) {
      if (pos + 1 >= buf.length) throw new DnsFormatError('truncated compression pointer')
      if (++jumps > MAX_POINTER_JUMPS) throw new DnsFormatError('compression pointer loop')
      if (next < 0) next = pos + 2
      pos = ((len & 0x3f) << 8) | buf[pos + 1]!
      continue
    }
    if (kind !== 0) throw new DnsFormatError('reserved label type')
    if (pos + 1 + len > buf.length) throw new DnsFormatError('label runs past the packet')
    length += len + 1
    if (length > MAX_NAME) throw new DnsFormatError('name longer than 255 octets')
    labels.push(buf.toString('latin1', pos + 1, pos + 1 + len))
    pos += 1 + len
  }
}

/** Parses a query: header, exactly one question, and the EDNS0 OPT payload size if present.
 *  @throws DnsFormatError when the packet is not a well-formed single-question query. */
export function parseQuery(buf: Buffer): DnsQuery {
  if (buf.length < HEADER_LEN) throw new DnsFormatError('short header')
  const flags = buf.readUInt16BE(2)
  const qdcount = buf.readUInt16BE(4)
  if (qdcount !== 1) throw new DnsFormatError(`expected one question, got ${qdcount}`)
  const { labels, next } = readName(buf, HEADER_LEN)
  if (next + 4 > buf.length) throw new DnsFormatError('truncated question')
  const question = { labels, type: buf.readUInt16BE(next), class: buf.readUInt16BE(next + 2) }
  return {
    id: buf.readUInt16BE(0),
    flags,
    opcode: (flags >> 11) & 0xf,
    recursionDesired: (flags & 0x0100) !== 0,
    question,
    udpSize: ednsUdpSize(buf, next + 4),
  }
}

/** Scans the answer, authority and additional sections for an OPT record (RFC 6891). A
 *  malformed tail is not an error here: the question was fine, so plain 512 applies. */
function ednsUdpSize(buf: Buffer, offset: number): number {
  const rrs = buf.readUInt16BE(6) + buf.readUInt16BE(8) + buf.readUInt16BE(10)
  let pos = offset
  try {
    for (let i = 0; i < rrs; i++) {
      pos = readName(buf, pos).next
      if (pos + 10 > buf.length) return 512
      const type = buf.readUInt16BE(pos)
      if (type === 41) return Math.min(Math.max(buf.readUInt16BE(pos + 2), 512), 4096)
      pos += 10 + buf.readUInt16BE(pos + 8)
    }
  } catch (err) {
    if (!(err instanceof DnsFormatError)) throw err
  }
  return 512
}

export function encodeName(labels: string[]): Buffer {
  const parts: Buffer[] = []
  for (const label of labels) {
    const bytes = Buffer.from(label, 'latin1')
    parts.push(Buffer.from([bytes.length]), bytes)
  }
  parts.push(Buffer.from([0]))
  return Buffer.concat(parts)
}

export interface DnsAnswer {
  type: number
  ttl: number
  /** Address for A/AAAA, a name (no trailing dot needed) for PTR. */
  data: string
}

/** Builds a reply to `q`: the question echoed, `answers` owned by the question's name
 *  (a pointer to offset 12), AA and RA set, RD copied. */
export function buildReply(q: DnsQuery, rcode: number, answers: DnsAnswer[] = []): Buffer {
  const header = Buffer.alloc(HEADER_LEN)
  header.writeUInt16BE(q.id, 0)
  const rd = q.flags & 0x0100
  const aa = answers.length > 0 || rcode === RCODE.NOERROR ? 0x0400 : 0
  header.writeUInt16BE(0x8000 | (q.opcode << 11) | aa | rd | 0x0080 | (rcode & 0xf), 2)
  header.writeUInt16BE(1, 4)
  header.writeUInt16BE(answers.length, 6)
  const question = Buffer.concat([encodeName(q.question.labels), u16(q.question.type), u16(q.question.class)])
  return Buffer.concat([header, question, ...answers.map(encodeAnswer)])
}

function encodeAnswer(a: DnsAnswer): Buffer {
  const rdata = rdataOf(a)
  const fixed = Buffer.alloc(12)
  fixed.writeUInt16BE(0xc000 | HEADER_LEN, 0)
  fixed.writeUInt16BE(a.type, 2)
  fixed.writeUInt16BE(CLASS_IN, 4)
  fixed.writeUInt32BE(a.ttl, 6)
  fixed.writeUInt16BE(rdata.length, 10)
  return Buffer.concat([fixed, rdata])
}

function rdataOf(a: DnsAnswer): Buffer {
  if (a.type === TYPE.A) return ipv4Bytes(a.data)
  if (a.type === TYPE.AAAA) return ipv6Bytes(a.data)
  return encodeName(a.data.split('.').filter((l) => l !== ''))
}

/** A minimal error reply for a packet whose question could not be parsed: header only. */
export function buildHeaderOnlyReply(id: number, flags: number, rcode: number): Buffer {
  const header = Buffer.alloc(HEADER_LEN)
  header.writeUInt16BE(id, 0)
  header.writeUInt16BE(0x8000 | (flags & 0x7900) | 0x0080 | (rcode & 0xf), 2)
  return header
}

/** Fits a reply into `max` bytes for UDP: unchanged when it fits, else the header and question
 *  only, with TC set (RFC 2181 §9: the client retries over TCP). */
export function truncateReply(reply: Buffer, max: number): Buffer {
  if (reply.length <= max) return reply
  let end = HEADER_LEN
  try {
    end = readName(reply, HEADER_LEN).next + 4
  } catch (err) {
    if (!(err instanceof DnsFormatError)) throw err
  }
  const out = Buffer.from(reply.subarray(0, Math.min(end, reply.length)))
  out.writeUInt16BE(out.readUInt16BE(2) | 0x0200, 2)
  out.writeUInt16BE(end > HEADER_LEN ? 1 : 0, 4)
  out.fill(0, 6, 12)
  return out
}

function u16(n: number): Buffer {
  const b = Buffer.alloc(2)
  b.writeUInt16BE(n, 0)
  return b
}

export function ipv4Bytes(ip: string): Buffer {
  if (!isIPv4(ip)) throw new TypeError(`not an IPv4 address: ${ip}`)
  return Buffer.from(ip.split('.').map((p) => Number(p)))
}

/** 16 bytes of an IPv6 address (with ::, or an embedded IPv4 tail). */
export function ipv6Bytes(ip: string): Buffer {
  if (!isIPv6(ip)) throw new TypeError(`not an IPv6 address: ${ip}`)
  let text = ip.split('%')[0]!
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text)
  if (v4) {
    const b = ipv4Bytes(v4[1]!)
    const words = `${((b[0]! << 8) | b[1]!).toString(16)}:${((b[2]! << 8) | b[3]!).toString(16)}`
    text = text.slice(0, -v4[1]!.length) + words
  }
  const [head = '', rest] = text.split('::')
  const words = (s: string) => (s === '' ? [] : s.split(':').map((w) => Number.parseInt(w, 16)))
  const left = words(head)
  const right = rest === undefined ? [] : words(rest)
  const fill = rest === undefined ? 0 : 8 - left.length - right.length
  const all = [...left, ...new Array<number>(fill).fill(0), ...right]
  const out = Buffer.alloc(16)
  all.forEach((w, i) => {
    out.writeUInt16BE(w, i * 2)
  })
  return out
}

/** RFC 5952 text of 16 address bytes: lower case, longest zero run (≥ 2 words) as `::`. */
export function formatIPv6(bytes: Buffer): string {
  const words = Array.from({ length: 8 }, (_, i) => bytes.readUInt16BE(i * 2))
  let best = -1
  let bestLen = 1
  for (let i = 0; i < 8; ) {
    if (words[i] !== 0) {
      i++
      continue
    }
    let j = i
    while (j < 8 && words[j] === 0) j++
    if (j - i > bestLen) [best, bestLen] = [i, j - i]
    i = j
  }
  const hex = (ws: number[]) => ws.map((w) => w.toString(16)).join(':')
  if (best < 0) return hex(words)
  return `${hex(words.slice(0, best))}::${hex(words.slice(best + bestLen))}`
}

/** The address a reverse name stands for: `4.3.2.1.in-addr.arpa` → `1.2.3.4`, a full
 *  32-nibble `ip6.arpa` name → RFC 5952 text. Partial names (whole subnets) → undefined. */
export function reverseNameToIp(labels: string[]): string | undefined {
  const lower = labels.map((l) => l.toLowerCase())
  const suffix = lower.slice(-2).join('.')
  const head = lower.slice(0, -2)
  if (suffix === 'in-addr.arpa') {
    if (head.length !== 4 || !head.every((l) => /^(0|[1-9]\d{0,2})$/.test(l) && Number(l) < 256))
      return undefined
    return head.reverse().join('.')
  }
  if (suffix === 'ip6.arpa') {
    if (head.length !== 32 || !head.every((l) => /^[0-9a-f]$/.test(l))) return undefined
    return formatIPv6(Buffer.from(head.reverse().join(''), 'hex'))
  }
  return undefined
}
