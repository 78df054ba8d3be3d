// `berth unpause`: POST /containers/{id}/unpause for each container.
import type { CommandModule } from '../../command.ts'
import { forEachName } from '../each.ts'

export const spec: CommandModule['spec'] = {
  usage: 'CONTAINER [CONTAINER...]',
  short: 'Unpause all processes within one or more containers',
  args: { min: 1 },
  flags: [],
}

export const run: CommandModule['run'] = async (ctx, _flags, names) => {
  await forEachName(ctx, names, (name) => ctx.client.containerUnpause(name))
}
