// run/create networking: docker's NetworkOpt (`--network name` or the advanced
// `--network name=n,alias=a,ip=…,driver-opt=k=v`, several allowed since API 1.44) and
// parseNetworkOpts, which folds --network-alias/--link/--ip/--ip6/--mac-address/--link-local-ip
// into the first network's endpoint. Pure; the messages are docker 28's.
import type { EndpointSettings } from '../../../api/types/index.ts'
import { OptionError } from './create-parsers.ts'

/** One `--network` value (docker's NetworkAttachmentOpts). */
export interface NetworkAttachment {
  target: string
  aliases?: string[]
  links?: string[]
  ipv4Address?: string
  ipv6Address?: string
  macAddress?: string
  linkLocalIPs?: string[]
  driverOpts?: Record<string, string>
}

/** The `--network` flag's parse function: throws with pflag's reason on a bad field. */
export function parseNetworkFlag(value: string): NetworkAttachment {
  if (!/\w+=\w+(,\w+=\w+)*/.test(value)) return { target: value }
  const att: NetworkAttachment = { target: '' }
  for (const field of value.split(',')) {
    // docker lower-cases the whole field (keys and values) before splitting it.
    const lower = field.toLowerCase()
    const eq = lower.indexOf('=')
    if (eq <= 0) throw new Error(`invalid field ${field}`)
    const key = lower.slice(0, eq).trim()
    const val = lower.slice(eq + 1).trim()
    if (key === 'name') att.target = val
    else if (key === 'alias') att.aliases = [...(att.aliases ?? []), val]
    else if (key === 'ip') att.ipv4Address = val
    else if (key === 'ip6') att.ipv6Address = val
    else if (key === 'mac-address') att.macAddress = val
    else if (key === 'link-local-ip') att.linkLocalIPs = [...(att.linkLocalIPs ?? []), val]
    else if (key === 'driver-opt') {
      const deq = val.indexOf('=')
      if (deq <= 0) throw new Error('invalid key value pair format in driver options')
      att.driverOpts = { ...att.driverOpts, [val.slice(0, deq).trim()]: val.slice(deq + 1).trim() }
    } else throw new Error(`invalid field key ${key}`)
  }
  if (att.target === '') throw new Error('network name not specified')
  return att
}

/** The container-wide flags that apply to the first network. */
export interface LegacyNetworkFlags {
  aliases: string[]
  links: string[]
  ipv4Address?: string
  ipv6Address?: string
  macAddress?: string
  linkLocalIPs: string[]
}

/** docker's parseNetworkOpts: HostConfig.NetworkMode and NetworkingConfig.EndpointsConfig.
 *  @throws OptionError on conflicting or unsupported combinations. */
export function networkingOf(
  attachments: NetworkAttachment[],
  legacy: LegacyNetworkFlags,
): { networkMode: string; endpoints: Record<string, EndpointSettings> } {
  const endpoints: Record<string, EndpointSettings> = {}
  if (attachments.length === 0) {
    endpoints.default = endpointOf(withLegacy({ target: 'default' }, legacy))
    return { networkMode: 'default', endpoints }
  }
  let userDefined = false
  let nonUserDefined = false
  attachments.forEach((a, i) => {
    if (isUserDefined(a.target)) userDefined = true
    else nonUserDefined = true
    const ep = endpointOf(i === 0 ? withLegacy(a, legacy) : a)
    if (Object.hasOwn(endpoints, a.target))
      throw new OptionError(`network "${a.target}" is specified multiple times`)
    // One network without options: docker sends no endpoint (the daemon creates it anyway).
    if (i === 0 && attachments.length === 1 && isEmptyEndpoint(ep)) return
    endpoints[a.target] = ep
  })
  if (userDefined && nonUserDefined) {
    throw new OptionError(
      'conflicting options: cannot attach both user-defined and non-user-defined network-modes',
    )
  }
  return { networkMode: attachments[0]!.target, endpoints }
}

/** container.NetworkMode.IsUserDefined. */
export function isUserDefined(mode: string): boolean {
  return !['default', 'bridge', 'host', 'none'].includes(mode) && !mode.startsWith('container:')
}

/** docker's applyContainerOptions. */
function withLegacy(a: NetworkAttachment, legacy: LegacyNetworkFlags): NetworkAttachment {
  const conflict = (what: string) => new OptionError(`conflicting options: cannot specify both ${what}`)
  if (a.aliases?.length && legacy.aliases.length) throw conflict('--network-alias and per-network alias')
  if (a.links?.length && legacy.links.length) throw conflict('--link and per-network links')
  if (a.ipv4Address && legacy.ipv4Address) throw conflict('--ip and per-network IPv4 address')
  if (a.ipv6Address && legacy.ipv6Address) throw conflict('--ip6 and per-network IPv6 address')
  if (a.macAddress && legacy.macAddress) throw conflict('--mac-address and per-network MAC address')
  if (a.linkLocalIPs?.length && legacy.linkLocalIPs.length) {
    throw conflict('--link-local-ip and per-network link-local IP addresses')
  }
  const out = { ...a }
  if (legacy.aliases.length) out.aliases = [...legacy.aliases]
  // On a user-defined network --link is an endpoint option (an alias); on the default bridge
  // it is a legacy link (HostConfig.Links only).
  if (isUserDefined(a.target) && legacy.links.length) out.links = [...legacy.links]
  if (legacy.ipv4Address) out.ipv4Address = legacy.ipv4Address
  if (legacy.ipv6Address) out.ipv6Address = legacy.ipv6Address
  if (legacy.macAddress) out.macAddress = legacy.macAddress
  if (legacy.linkLocalIPs.length) out.linkLocalIPs = [...legacy.linkLocalIPs]
  return out
}

/** docker's parseNetworkAttachmentOpt. */
function endpointOf(a: NetworkAttachment): EndpointSettings {
  if (a.target.trim() === '') throw new OptionError('no name set for network')
  if (!isUserDefined(a.target)) {
    if (a.aliases?.length)
      throw new OptionError('network-scoped aliases are only supported for user-defined networks')
    if (a.links?.length) throw new OptionError('links are only supported for user-defined networks')
  }
  if (a.macAddress && !isMacAddress(a.macAddress)) {
    throw new OptionError(`${a.macAddress} is not a valid mac address`)
  }
  const ipam = a.ipv4Address || a.ipv6Address || a.linkLocalIPs?.length
  return {
    IPAMConfig: ipam
      ? {
          ...(a.ipv4Address ? { IPv4Address: a.ipv4Address } : {}),
          ...(a.ipv6Address ? { IPv6Address: a.ipv6Address } : {}),
          ...(a.linkLocalIPs?.length ? { LinkLocalIPs: a.linkLocalIPs } : {}),
        }
      : null,
    Links: a.links?.length ? a.links : null,
    Aliases: a.aliases?.length ? a.aliases : null,
    MacAddress: a.macAddress ?? '',
    DriverOpts: a.driverOpts && Object.keys(a.driverOpts).length > 0 ? a.driverOpts : null,
    NetworkID: '',
    EndpointID: '',
    Gateway: '',
    IPAddress: '',
    IPPrefixLen: 0,
    IPv6Gateway: '',
    GlobalIPv6Address: '',
    GlobalIPv6PrefixLen: 0,
    DNSNames: null,
  }
}

function isEmptyEndpoint(ep: EndpointSettings): boolean {
  return !ep.IPAMConfig && !ep.Links && !ep.Aliases && !ep.MacAddress && !ep.DriverOpts
}

/** Go's net.ParseMAC: 6, 8 or 20 octets as xx:xx…, xx-xx… or xxxx.xxxx…. */
export function isMacAddress(s: string): boolean {
  const octets = (n: number) => n === 6 || n === 8 || n === 20
  for (const sep of [':', '-']) {
    const parts = s.split(sep)
    if (parts.length > 1) return octets(parts.length) && parts.every((p) => /^[0-9a-fA-F]{2}$/.test(p))
  }
  const dotted = s.split('.')
  return octets(dotted.length * 2) && dotted.every((p) => /^[0-9a-fA-F]{4}$/.test(p))
}
