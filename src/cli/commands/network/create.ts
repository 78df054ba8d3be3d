// `berth network create`: POST /networks/create with the body docker's CLI sends (driver
// options, labels, IPAM from --subnet/--ip-range/--gateway/--aux-address); prints the new id.
import type { NetworkCreateRequest } from '../../../api/types/index.ts'
import type { CommandModule } from '../../command.ts'
import { flag } from '../../flags.ts'
import { csv, flat, kvMap } from './flag-values.ts'
import { consolidateIpam } from './ipam.ts'

export const spec: CommandModule['spec'] = {
  usage: '[OPTIONS] NETWORK',
  short: 'Create a network',
  args: { min: 1, max: 1 },
  flags: [
    { long: 'attachable', type: 'bool', description: 'Enable manual container attachment' },
    {
      long: 'aux-address',
      type: 'list',
      description: 'Auxiliary IPv4 or IPv6 addresses used by Network driver',
    },
    { long: 'config-from', type: 'string', description: 'The network from which to copy the configuration' },
    { long: 'config-only', type: 'bool', description: 'Create a configuration only network' },
    { long: 'driver', short: 'd', type: 'string', description: 'Driver to manage the Network' },
    {
      long: 'gateway',
      type: 'list',
      parse: csv,
      description: 'IPv4 or IPv6 Gateway for the master subnet',
    },
    { long: 'ingress', type: 'bool', description: 'Create swarm routing-mesh network' },
    { long: 'internal', type: 'bool', description: 'Restrict external access to the network' },
    {
      long: 'ip-range',
      type: 'list',
      parse: csv,
      description: 'Allocate container ip from a sub-range',
    },
    { long: 'ipam-driver', type: 'string', description: 'IP Address Management Driver' },
    { long: 'ipam-opt', type: 'list', description: 'Set IPAM driver specific options' },
    { long: 'ipv4', type: 'bool', description: 'Enable or disable IPv4 address assignment' },
    { long: 'ipv6', type: 'bool', description: 'Enable or disable IPv6 address assignment' },
    { long: 'label', type: 'list', description: 'Set metadata on a network' },
    { long: 'opt', short: 'o', type: 'list', description: 'Set driver specific options' },
    { long: 'scope', type: 'string', description: "Control the network's scope" },
    {
      long: 'subnet',
      type: 'list',
      parse: csv,
      description: 'Subnet in CIDR format that represents a network segment',
    },
  ],
}

/** The request body for `flags` and the network `name`, as docker 28 builds it. Pure. */
export function networkCreateBody(
  flags: Parameters<CommandModule['run']>[1],
  name: string,
): NetworkCreateRequest {
  const config = consolidateIpam(
    flat(flag.list(flags, 'subnet')),
    flat(flag.list(flags, 'ip-range')),
    flat(flag.list(flags, 'gateway')),
    kvMap(flag.list(flags, 'aux-address')),
  )
  const configFrom = flag.str(flags, 'config-from')
  return {
    Name: name,
    Driver: flag.str(flags, 'driver') ?? 'bridge',
    Scope: flag.str(flags, 'scope') ?? '',
    ...(flags.changed.has('ipv4') ? { EnableIPv4: flag.bool(flags, 'ipv4') } : {}),
    ...(flags.changed.has('ipv6') ? { EnableIPv6: flag.bool(flags, 'ipv6') } : {}),
    IPAM: {
      Driver: flag.str(flags, 'ipam-driver') ?? 'default',
      Config: config.length > 0 ? config : null,
      Options: kvMap(flag.list(flags, 'ipam-opt')),
    },
    Internal: flag.bool(flags, 'internal'),
    Attachable: flag.bool(flags, 'attachable'),
    Ingress: flag.bool(flags, 'ingress'),
    ConfigOnly: flag.bool(flags, 'config-only'),
    ...(configFrom ? { ConfigFrom: { Network: configFrom } } : {}),
    Options: kvMap(flag.list(flags, 'opt')),
    Labels: kvMap(flag.list(flags, 'label')),
  }
}

export const run: CommandModule['run'] = async (ctx, flags, [name = '']) => {
  const res = await ctx.client.networkCreate(networkCreateBody(flags, name))
  ctx.out.line(res.Id)
  if (res.Warning) ctx.err.line(res.Warning)
}
