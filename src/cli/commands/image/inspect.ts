// `berth image inspect`: GET /images/{name}/json for each name.
import type { CommandModule } from '../../command.ts'
import { flag } from '../../flags.ts'
import { printInspect } from '../inspect-output.ts'

export const spec: CommandModule['spec'] = {
  usage: '[OPTIONS] IMAGE [IMAGE...]',
  short: 'Display detailed information on one or more images',
  args: { min: 1 },
  flags: [
    { long: 'format', short: 'f', type: 'string', description: 'Format output using a custom template' },
    {
      long: 'platform',
      type: 'string',
      description: 'Inspect a specific platform of the multi-platform image',
    },
  ],
}

export const run: CommandModule['run'] = async (ctx, flags, names) => {
  await printInspect(ctx, names, flag.str(flags, 'format'), (n) => ctx.client.imageInspect(n))
}
