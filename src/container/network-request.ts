// Checks of a container's wish to be on a network (create, connect) with Docker's messages, and
// the address part of a `--dns` server ('ip', 'ip:port', '[v6]:port').
import { InvalidArgumentError } from '../lib/errors.ts'
import type { EndpointRequest, NetworkRecord } from '../network/index.ts'
import type { HostConfig } from './types.ts'

export function hostOf(s: string): string {
  if (s.startsWith('[')) return s.slice(1, s.indexOf(']'))
  const parts = s.split(':')
  return parts.length === 2 ? parts[0]! : s
}

export function validateRequest(net: NetworkRecord, req: EndpointRequest, hc: HostConfig): void {
  if ((req.ipv4Address || req.ipv6Address) && net.predefined)
    throw new InvalidArgumentError('user specified IP address is supported on user defined networks only')
  if ((req.ipv4Address && !net.userSubnet) || (req.ipv6Address && !net.enableIPv6))
    throw new InvalidArgumentError(
      'user specified IP address is supported only when connecting to networks with user configured subnets',
    )
  if (req.aliases?.length && net.predefined)
    throw new InvalidArgumentError('network-scoped aliases are only supported for user-defined networks')
  if (hc.NetworkMode.startsWith('container:') && net)
    throw new InvalidArgumentError(
      "conflicting options: container type network can't be used with other networks",
    )
}
