// `berth kill`: POST /containers/{id}/kill for each container.
import type { CommandModule } from '../../command.ts'
import { flag } from '../../flags.ts'
import { forEachName } from '../each.ts'

export const spec: CommandModule['spec'] = {
  usage: '[OPTIONS] CONTAINER [CONTAINER...]',
  short: 'Kill one or more running containers',
  args: { min: 1 },
  flags: [{ long: 'signal', short: 's', type: 'string', description: 'Signal to send to the container' }],
}

export const run: CommandModule['run'] = async (ctx, flags, names) => {
  const signal = flag.str(flags, 'signal')
  await forEachName(ctx, names, (name) => ctx.client.containerKill(name, { signal }))
}
