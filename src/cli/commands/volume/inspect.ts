// `berth volume inspect`: GET /volumes/{name} for each name.
import type { CommandModule } from '../../command.ts'
import { flag } from '../../flags.ts'
import { printInspect } from '../inspect-output.ts'

export const spec: CommandModule['spec'] = {
  usage: '[OPTIONS] VOLUME [VOLUME...]',
  short: 'Display detailed information on one or more volumes',
  args: { min: 1 },
  flags: [
    { long: 'format', short: 'f', type: 'string', description: 'Format output using a custom template' },
  ],
}

export const run: CommandModule['run'] = async (ctx, flags, names) => {
  await printInspect(ctx, names, flag.str(flags, 'format'), (n) => ctx.client.volumeInspect(n))
}
