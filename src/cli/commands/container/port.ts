// `berth port` / `berth container port`: the published bindings of a container from its inspect
// document (NetworkSettings.Ports), as docker prints them: naturally sorted, `host:port` joined
// as net.JoinHostPort does ([v6]:port).
import type { CommandModule } from '../../command.ts'
import { StatusError } from '../../context.ts'
import { naturalCompare } from '../network/network-format.ts'

export const spec: CommandModule['spec'] = {
  usage: 'CONTAINER [PRIVATE_PORT[/PROTO]]',
  short: 'List port mappings or a specific mapping for the container',
  args: { min: 1, max: 2 },
  flags: [],
}

export const run: CommandModule['run'] = async (ctx, _flags, [container = '', port]) => {
  const c = await ctx.client.containerInspect(container)
  const ports = c.NetworkSettings?.Ports ?? {}
  const out: string[] = []
  if (port !== undefined) {
    const slash = port.indexOf('/')
    const num = slash < 0 ? port : port.slice(0, slash)
    const proto = slash < 0 || port.slice(slash + 1) === '' ? 'tcp' : port.slice(slash + 1)
    if (!/^\d+$/.test(num) || Number(num) > 65535) {
      throw new StatusError(
        1,
        `Error: invalid port (${num}): strconv.ParseUint: parsing "${num}": ${/^\d+$/.test(num) ? 'value out of range' : 'invalid syntax'}`,
      )
    }
    const frontends = ports[`${num}/${proto}`] ?? []
    if (frontends.length === 0)
      throw new StatusError(1, `Error: No public port '${port}' published for ${container}`)
    for (const f of frontends) out.push(joinHostPort(f.HostIp ?? '', f.HostPort ?? ''))
  } else {
    for (const [from, frontends] of Object.entries(ports)) {
      for (const f of frontends ?? [])
        out.push(`${from} -> ${joinHostPort(f.HostIp ?? '', f.HostPort ?? '')}`)
    }
  }
  if (out.length > 0) ctx.out.line(out.sort(naturalCompare).join('\n'))
}

/** Go's net.JoinHostPort: brackets around hosts containing a colon. */
function joinHostPort(host: string, port: string): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`
}
