// `berth container inspect`: GET /containers/{id}/json for each name.
import type { CommandModule } from '../../command.ts'
import { flag } from '../../flags.ts'
import { printInspect } from '../inspect-output.ts'

export const spec: CommandModule['spec'] = {
  usage: '[OPTIONS] CONTAINER [CONTAINER...]',
  short: 'Display detailed information on one or more containers',
  args: { min: 1 },
  flags: [
    { long: 'format', short: 'f', type: 'string', description: 'Format output using a custom template' },
    { long: 'size', short: 's', type: 'bool', description: 'Display total file sizes' },
  ],
}

export const run: CommandModule['run'] = async (ctx, flags, names) => {
  const size = flag.bool(flags, 'size')
  await printInspect(ctx, names, flag.str(flags, 'format'), (n) => ctx.client.containerInspect(n, { size }))
}
