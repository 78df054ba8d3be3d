// `berth network connect`: POST /networks/{id}/connect with the endpoint settings docker's CLI
// sends (--ip, --ip6, --alias, --link, --link-local-ip, --driver-opt); prints nothing.
import type { EndpointSettings } from '../../../api/types/index.ts'
import type { CommandModule } from '../../command.ts'
import { flag } from '../../flags.ts'
import { csv, flat, linkValue } from './flag-values.ts'

export const spec: CommandModule['spec'] = {
  usage: '[OPTIONS] NETWORK CONTAINER',
  short: 'Connect a container to a network',
  args: { min: 2, max: 2 },
  flags: [
    { long: 'alias', type: 'list', parse: csv, description: 'Add network-scoped alias for the container' },
    { long: 'driver-opt', type: 'list', parse: csv, description: 'driver options for the network' },
    { long: 'ip', type: 'string', description: 'IPv4 address (e.g., "172.30.100.104")' },
    { long: 'ip6', type: 'string', description: 'IPv6 address (e.g., "2001:db8::33")' },
    { long: 'link', type: 'list', parse: linkValue, description: 'Add link to another container' },
    {
      long: 'link-local-ip',
      type: 'list',
      parse: csv,
      description: 'Add a link-local address for the container',
    },
  ],
}

/** docker's convertDriverOpt: `k=v` pairs, whitespace trimmed, a missing `=` or key is an error. */
export function driverOpts(values: string[]): Record<string, string> {
  const out: Record<string, string> = {}
  for (const opt of values) {
    const eq = opt.indexOf('=')
    const k = (eq < 0 ? opt : opt.slice(0, eq)).trim()
    if (eq < 0 || k === '') throw new Error('invalid key/value pair format in driver options')
    out[k] = opt.slice(eq + 1).trim()
  }
  return out
}

export function endpointSettings(flags: Parameters<CommandModule['run']>[1]): EndpointSettings {
  const ip = flag.str(flags, 'ip')
  const ip6 = flag.str(flags, 'ip6')
  const linkLocal = flat(flag.list(flags, 'link-local-ip'))
  const links = flag.list(flags, 'link')
  return {
    IPAMConfig: {
      ...(ip ? { IPv4Address: ip } : {}),
      ...(ip6 ? { IPv6Address: ip6 } : {}),
      ...(linkLocal.length > 0 ? { LinkLocalIPs: linkLocal } : {}),
    },
    Links: links.length > 0 ? links : null,
    Aliases: flat(flag.list(flags, 'alias')),
    DriverOpts: driverOpts(flat(flag.list(flags, 'driver-opt'))),
  }
}

export const run: CommandModule['run'] = async (ctx, flags, [network = '', container = '']) => {
  await ctx.client.networkConnect(network, { Container: container, EndpointConfig: endpointSettings(flags) })
}
