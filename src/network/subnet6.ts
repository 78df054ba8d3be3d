// The IPv6 subnet of a bridge network with EnableIPv6 (network create, and the default bridge
// with berthd --ipv6 --fixed-cidr-v6): validated, canonical, its gateway the first address
// unless given, overlapping no other berth network's IPv6 subnet. Pure.
import { ForbiddenError, InvalidArgumentError, UnavailableError } from '../lib/errors.ts'
import { contains6, formatCidr6, formatIp6, isCidr6, overlaps6, parseCidr6, parseIp6 } from './ipnet6.ts'
import type { NetworkRecord, SubnetConfig } from './types.ts'

export interface Subnet6Request {
  subnet?: string
  gateway?: string
  ipRange?: string
  auxAddresses?: Record<string, string>
}

/** The IPv6 SubnetConfig for `configs` (the IPv6 entries of IPAM.Config), or undefined when
 *  IPv6 is off. EnableIPv6 needs a subnet given by the user: berth has no default IPv6 pool
 *  (as dockerd without an IPv6 `default-address-pools` entry). `self` is skipped in the overlap
 *  test (the default bridge re-created with the same id).
 *  @throws UnavailableError (no subnet), ForbiddenError (overlap), InvalidArgumentError. */
export function ipv6SubnetFor(
  nets: NetworkRecord[],
  enable: boolean,
  configs: Subnet6Request[],
  self?: string,
): SubnetConfig | undefined {
  if (!enable) {
    if (configs.length > 0)
      throw new InvalidArgumentError(
        `IPv6 subnet ${configs[0]!.subnet} given but IPv6 is not enabled on the network (--ipv6)`,
      )
    return undefined
  }
  const c = configs[0]
  if (!c?.subnet)
    throw new UnavailableError(
      'could not find an available, non-overlapping IPv6 address pool among the defaults to assign to the network',
    )
  if (configs.length > 1) throw new InvalidArgumentError('only one IPv6 subnet per network is supported')
  const cidr = parseCidr6(c.subnet)
  if (cidr.prefix > 126) throw new InvalidArgumentError(`invalid IPv6 subnet ${c.subnet}: prefix too long`)
  for (const n of nets)
    if (n.id !== self && n.subnets.some((s) => isCidr6(s.subnet) && overlaps6(parseCidr6(s.subnet), cidr)))
      throw new ForbiddenError('Pool overlaps with other one on this address space')
  const gw = c.gateway ? parseIp6(c.gateway) : cidr.base + 1n
  if (gw === undefined || !contains6(cidr, gw))
    throw new InvalidArgumentError(`invalid gateway address ${c.gateway} for subnet ${c.subnet}`)
  let ipRange: string | undefined
  if (c.ipRange) {
    const r = parseCidr6(c.ipRange)
    if (!overlaps6(r, cidr) || r.prefix < cidr.prefix)
      throw new InvalidArgumentError(`subnet ${c.subnet} does not contain ip-range ${c.ipRange}`)
    ipRange = formatCidr6(r)
  }
  return { subnet: formatCidr6(cidr), gateway: formatIp6(gw), ipRange, auxAddresses: c.auxAddresses }
}
