// berth's IPAM: addresses of a network's subnets (IPv4, and IPv6 with EnableIPv6) handed to
// endpoints, lowest free first, never the network, broadcast, gateway or auxiliary addresses. State is the network record's
// endpoints (persisted by the store), so nothing leaks across create/remove cycles.
import { ConflictError, InvalidArgumentError, UnavailableError } from '../lib/errors.ts'
import { contains, formatIp, parseCidr, parseIp, size } from './ipnet.ts'
import { contains6, formatIp6, isCidr6, parseCidr6, parseIp6, size6 } from './ipnet6.ts'
import type { NetworkRecord, SubnetConfig } from './types.ts'

/** Picks an IPv4 address for a new endpoint, or validates the requested static one.
 *  @throws InvalidArgumentError for a static address outside the subnet or on a network
 *  without a user subnet; ConflictError if it is taken; UnavailableError when the pool is full. */
export function allocateIpv4(
  net: NetworkRecord,
  requested?: string,
): { ip: string; prefixLen: number; gateway: string } {
  const sub = net.subnets[0]
  if (!sub) throw new InvalidArgumentError(`network ${net.name} has no IPv4 subnet`)
  const cidr = parseCidr(sub.subnet)
  const taken = takenAddresses(net)
  if (requested) {
    if (!net.userSubnet)
      throw new InvalidArgumentError(
        'user specified IP address is supported only when connecting to networks with user configured subnets',
      )
    const ip = parseIp(requested)
    if (ip === undefined || !contains(cidr, ip))
      throw new InvalidArgumentError(
        `no available IPv4 addresses on this network's address pools: ${net.name}: requested address ${requested} is not in the subnet ${sub.subnet}`,
      )
    if (taken.has(ip)) throw new ConflictError(`Address already in use`)
    return { ip: requested, prefixLen: cidr.prefix, gateway: sub.gateway }
  }
  const range = sub.ipRange ? parseCidr(sub.ipRange) : cidr
  const first = range.base
  const last = range.base + size(range) - 1
  for (let ip = first; ip <= last; ip++) {
    if (!taken.has(ip)) return { ip: formatIp(ip), prefixLen: cidr.prefix, gateway: sub.gateway }
  }
  throw new UnavailableError(
    `no available IPv4 addresses on this network's address pools: ${net.name} (${net.id})`,
  )
}

function takenAddresses(net: NetworkRecord): Set<number> {
  const sub = net.subnets[0]!
  const cidr = parseCidr(sub.subnet)
  const taken = new Set<number>([cidr.base, cidr.base + size(cidr) - 1])
  const add = (s: string | undefined) => {
    const n = s ? parseIp(s) : undefined
    if (n !== undefined) taken.add(n)
  }
  add(sub.gateway)
  for (const a of Object.values(sub.auxAddresses ?? {})) add(a)
  for (const e of Object.values(net.endpoints)) add(e.ipv4)
  return taken
}

/** Docker's MAC for an address: 02:42 followed by the four IPv4 bytes. */
export function macForIp(ip: string): string {
  const n = parseIp(ip) ?? 0
  const b = [0x02, 0x42, n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255]
  return b.map((x) => x.toString(16).padStart(2, '0')).join(':')
}

/** A network's IPv6 subnet (networks with EnableIPv6), or undefined. */
export function subnet6(net: NetworkRecord): SubnetConfig | undefined {
  return net.enableIPv6 ? net.subnets.find((s) => isCidr6(s.subnet)) : undefined
}

/** Picks an IPv6 address for a new endpoint (lowest free of the range, never the subnet-router
 *  anycast address, the gateway or auxiliary addresses), or validates the static one.
 *  @throws like allocateIpv4. */
export function allocateIpv6(
  net: NetworkRecord,
  requested?: string,
): { ip: string; prefixLen: number; gateway: string } | undefined {
  const sub = subnet6(net)
  if (!sub) {
    if (requested)
      throw new InvalidArgumentError(
        'user specified IP address is supported only when connecting to networks with user configured subnets',
      )
    return undefined
  }
  const cidr = parseCidr6(sub.subnet)
  const taken = new Set<bigint>([cidr.base])
  const add = (s: string | undefined) => {
    const n = s ? parseIp6(s) : undefined
    if (n !== undefined) taken.add(n)
  }
  add(sub.gateway)
  for (const a of Object.values(sub.auxAddresses ?? {})) add(a)
  for (const e of Object.values(net.endpoints)) add(e.ipv6)
  if (requested) {
    const ip = parseIp6(requested)
    if (ip === undefined || !contains6(cidr, ip))
      throw new InvalidArgumentError(
        `no available IPv6 addresses on this network's address pools: ${net.name}: requested address ${requested} is not in the subnet ${sub.subnet}`,
      )
    if (taken.has(ip)) throw new ConflictError(`Address already in use`)
    return { ip: formatIp6(ip), prefixLen: cidr.prefix, gateway: sub.gateway }
  }
  const range = sub.ipRange ? parseCidr6(sub.ipRange) : cidr
  const last = range.base + size6(range) - 1n
  // Bounded by the number of taken addresses: the loop ends at the first free one.
  for (let ip = range.base; ip <= last; ip++)
    if (!taken.has(ip)) return { ip: formatIp6(ip), prefixLen: cidr.prefix, gateway: sub.gateway }
  throw new UnavailableError(
    `no available IPv6 addresses on this network's address pools: ${net.name} (${net.id})`,
  )
}
