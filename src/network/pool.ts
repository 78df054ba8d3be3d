// Subnet selection for new bridge networks: the first candidate of the configured pools that
// overlaps neither a route on the host nor another berth network. Docker's convention:
// 172.17.0.0/16 for the default bridge, then 172.18–31.0.0/16, then 192.168.x.0/20.
import { readFile } from 'node:fs/promises'
import { UnavailableError } from '../lib/errors.ts'
import { type Cidr, formatCidr, formatIp, overlaps, parseCidr, size } from './ipnet.ts'

export interface AddressPool {
  base: string
  size: number
}

export const DEFAULT_POOLS: AddressPool[] = [
  { base: '172.17.0.0/16', size: 16 },
  { base: '172.18.0.0/15', size: 16 },
  { base: '172.20.0.0/14', size: 16 },
  { base: '172.24.0.0/14', size: 16 },
  { base: '172.28.0.0/14', size: 16 },
  { base: '192.168.0.0/16', size: 20 },
]

/** Parses dockerd's `--default-address-pool base=10.10.0.0/16,size=24`. */
export function parseAddressPool(s: string): AddressPool {
  const kv = Object.fromEntries(s.split(',').map((p) => p.split('=') as [string, string]))
  const base = kv.base ?? ''
  parseCidr(base)
  const sz = Number(kv.size ?? base.split('/')[1])
  return { base, size: sz }
}

/** IPv4 routes of the host (main table), from /proc/net/route. */
export async function hostRoutes(): Promise<Cidr[]> {
  const text = await readFile('/proc/net/route', 'utf8').catch(() => '')
  const out: Cidr[] = []
  for (const line of text.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/)
    if (f.length < 8) continue
    const dst = leHex(f[1]!)
    const m = leHex(f[7]!)
    if (m === 0) continue // default route
    out.push({ base: dst, prefix: popcount(m) })
  }
  return out
}

function leHex(h: string): number {
  const n = Number.parseInt(h, 16)
  return (
    (((n & 255) << 24) | (((n >>> 8) & 255) << 16) | (((n >>> 16) & 255) << 8) | ((n >>> 24) & 255)) >>> 0
  )
}

function popcount(n: number): number {
  let c = 0
  for (let x = n >>> 0; x; x >>>= 1) c += x & 1
  return c
}

/** The first subnet from `pools` that overlaps none of `used`.
 *  @throws UnavailableError when every pool is exhausted. */
export function pickSubnet(pools: AddressPool[], used: Cidr[]): { subnet: string; gateway: string } {
  for (const pool of pools) {
    const p = parseCidr(pool.base)
    const step = size({ base: 0, prefix: pool.size })
    for (let b = p.base; b < p.base + size(p); b += step) {
      const c = { base: b >>> 0, prefix: pool.size }
      if (used.some((u) => overlaps(u, c))) continue
      return { subnet: formatCidr(c), gateway: formatIp(c.base + 1) }
    }
  }
  throw new UnavailableError(
    'could not find an available, non-overlapping IPv4 address pool among the defaults to assign to the network',
  )
}
