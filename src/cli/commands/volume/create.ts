// `berth volume create`: POST /volumes/create; prints the volume's name.
import type { CommandModule } from '../../command.ts'
import { StatusError } from '../../context.ts'
import { flag } from '../../flags.ts'

export const spec: CommandModule['spec'] = {
  usage: '[OPTIONS] [VOLUME]',
  short: 'Create a volume',
  args: { max: 1 },
  flags: [
    { long: 'driver', short: 'd', type: 'string', description: 'Specify volume driver name' },
    { long: 'label', type: 'list', description: 'Set metadata for a volume' },
    { long: 'name', type: 'string', description: 'Specify volume name' },
    { long: 'opt', short: 'o', type: 'list', description: 'Set driver specific options' },
  ],
}

/** `key=value` pairs (a bare key has an empty value, as docker's opts.ConvertKVStringsToMap). */
function kv(values: string[]): Record<string, string> {
  const out: Record<string, string> = {}
  for (const v of values) {
    const eq = v.indexOf('=')
    if (eq < 0) out[v] = ''
    else out[v.slice(0, eq)] = v.slice(eq + 1)
  }
  return out
}

export const run: CommandModule['run'] = async (ctx, flags, args) => {
  const flagName = flag.str(flags, 'name')
  if (flagName && args[0])
    throw new StatusError(1, 'conflicting options: either specify --name or provide positional arg, not both')
  const v = await ctx.client.volumeCreate({
    Name: flagName ?? args[0] ?? '',
    Driver: flag.str(flags, 'driver') ?? 'local',
    DriverOpts: kv(flag.list(flags, 'opt')),
    Labels: kv(flag.list(flags, 'label')),
  })
  ctx.out.line(v.Name)
}
