// IPv6 arithmetic for IPAM: parse/format addresses (RFC 5952 text) and CIDRs as 128-bit
// BigInts, containment and overlap tests. Pure; the IPv4 counterpart is ipnet.ts.
import { isIPv6 } from 'node:net'
import { InvalidArgumentError } from '../lib/errors.ts'

export interface Cidr6 {
  /** Network address as an unsigned 128-bit integer. */
  base: bigint
  prefix: number
}

const ALL = (1n << 128n) - 1n

/** Parses an IPv6 address (with `::`, and a dotted IPv4 tail), or undefined. */
export function parseIp6(s: string): bigint | undefined {
  if (!isIPv6(s) || s.includes('%')) return undefined
  let text = s.toLowerCase()
  const v4 = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text)
  if (v4) {
    const [a, b, c, d] = v4.slice(1).map(Number) as [number, number, number, number]
    text = `${text.slice(0, v4.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`
  }
  const [head = '', tail] = text.split('::')
  const h = head ? head.split(':') : []
  const t = tail ? tail.split(':') : []
  const groups = tail === undefined ? h : [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t]
  if (groups.length !== 8) return undefined
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(Number.parseInt(g, 16)), 0n)
}

/** RFC 5952: lower case, no leading zeros, the longest run (≥ 2) of zero groups as `::`. */
export function formatIp6(n: bigint): string {
  const g = Array.from({ length: 8 }, (_, i) => Number((n >> BigInt(112 - 16 * i)) & 0xffffn))
  let best = -1
  let bestLen = 1
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) {
      i++
      continue
    }
    let j = i
    while (j < 8 && g[j] === 0) j++
    if (j - i > bestLen) {
      best = i
      bestLen = j - i
    }
    i = j
  }
  const hex = g.map((x) => x.toString(16))
  if (best < 0) return hex.join(':')
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLen).join(':')}`
}

/** Canonical text of an address ("FD00:0::01" → "fd00::1"), or undefined if it is not one. */
export function canonicalIp6(s: string): string | undefined {
  const n = parseIp6(s)
  return n === undefined ? undefined : formatIp6(n)
}

export function mask6(prefix: number): bigint {
  return prefix === 0 ? 0n : (ALL << BigInt(128 - prefix)) & ALL
}

/** Parses "fd00::/64"; the host bits are cleared. @throws InvalidArgumentError. */
export function parseCidr6(s: string): Cidr6 {
  const [ip = '', p = ''] = s.split('/')
  const addr = parseIp6(ip)
  const prefix = Number(p)
  if (addr === undefined || !/^\d{1,3}$/.test(p) || prefix > 128)
    throw new InvalidArgumentError(`invalid CIDR address: ${s}`)
  return { base: addr & mask6(prefix), prefix }
}

export function formatCidr6(c: Cidr6): string {
  return `${formatIp6(c.base)}/${c.prefix}`
}

/** Number of addresses in the CIDR. */
export function size6(c: Cidr6): bigint {
  return 1n << BigInt(128 - c.prefix)
}

export function contains6(c: Cidr6, ip: bigint): boolean {
  return (ip & mask6(c.prefix)) === c.base
}

export function overlaps6(a: Cidr6, b: Cidr6): boolean {
  const m = mask6(Math.min(a.prefix, b.prefix))
  return (a.base & m) === (b.base & m)
}

/** Whether a CIDR string is IPv6 ("fd00::/64") rather than IPv4. */
export function isCidr6(s: string): boolean {
  return s.includes(':')
}
