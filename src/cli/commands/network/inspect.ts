// `berth network inspect`: GET /networks/{id} for each name (verbose adds ?verbose=true).
import type { CommandModule } from '../../command.ts'
import { flag } from '../../flags.ts'
import { printInspect } from '../inspect-output.ts'

export const spec: CommandModule['spec'] = {
  usage: '[OPTIONS] NETWORK [NETWORK...]',
  short: 'Display detailed information on one or more networks',
  args: { min: 1 },
  flags: [
    { long: 'format', short: 'f', type: 'string', description: 'Format output using a custom template' },
    { long: 'verbose', short: 'v', type: 'bool', description: 'Verbose output for diagnostics' },
  ],
}

export const run: CommandModule['run'] = async (ctx, flags, names) => {
  const verbose = flag.bool(flags, 'verbose')
  await printInspect(ctx, names, flag.str(flags, 'format'), (n) => ctx.client.networkInspect(n, { verbose }))
}
