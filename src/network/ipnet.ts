// IPv4 arithmetic for IPAM and subnet selection: parse/format addresses and CIDRs, overlap
// tests. Pure; IPv6 is not handled here.
import { InvalidArgumentError } from '../lib/errors.ts'

export interface Cidr {
  /** Network address as an unsigned 32-bit integer. */
  base: number
  prefix: number
}

export function parseIp(s: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s)
  if (!m) return undefined
  const parts = m.slice(1).map(Number)
  if (parts.some((p) => p > 255)) return undefined
  return ((parts[0]! << 24) | (parts[1]! << 16) | (parts[2]! << 8) | parts[3]!) >>> 0
}

export function formatIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.')
}

export function mask(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0
}

/** Parses "a.b.c.d/n"; the host bits are cleared. @throws InvalidArgumentError. */
export function parseCidr(s: string): Cidr {
  const [ip = '', p = ''] = s.split('/')
  const addr = parseIp(ip)
  const prefix = Number(p)
  if (addr === undefined || !/^\d{1,2}$/.test(p) || prefix > 32)
    throw new InvalidArgumentError(`invalid CIDR address: ${s}`)
  return { base: (addr & mask(prefix)) >>> 0, prefix }
}

/** Like parseCidr but keeps the host part: "172.17.0.1/16" → { ip, cidr }. */
export function parseIpCidr(s: string): { ip: number; cidr: Cidr } {
  const [ip = ''] = s.split('/')
  const cidr = parseCidr(s)
  return { ip: parseIp(ip)!, cidr }
}

export function formatCidr(c: Cidr): string {
  return `${formatIp(c.base)}/${c.prefix}`
}

export function size(c: Cidr): number {
  return 2 ** (32 - c.prefix)
}

export function contains(c: Cidr, ip: number): boolean {
  return (ip & mask(c.prefix)) >>> 0 === c.base
}

export function overlaps(a: Cidr, b: Cidr): boolean {
  const p = Math.min(a.prefix, b.prefix)
  return (a.base & mask(p)) >>> 0 === (b.base & mask(p)) >>> 0
}
