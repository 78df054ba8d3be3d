// `berth restart`: POST /containers/{id}/restart for each container.
import type { CommandModule } from '../../command.ts'
import { flag } from '../../flags.ts'
import { forEachName } from '../each.ts'

export const spec: CommandModule['spec'] = {
  usage: '[OPTIONS] CONTAINER [CONTAINER...]',
  short: 'Restart one or more containers',
  args: { min: 1 },
  flags: [
    { long: 'signal', short: 's', type: 'string', description: 'Signal to send to the container' },
    { long: 'timeout', short: 't', type: 'int', description: 'Seconds to wait before killing the container' },
    { long: 'time', type: 'int', hidden: true },
  ],
}

export const run: CommandModule['run'] = async (ctx, flags, names) => {
  const timeout = flag.int(flags, 'timeout') ?? flag.int(flags, 'time')
  const signal = flag.str(flags, 'signal')
  await forEachName(ctx, names, (name) => ctx.client.containerRestart(name, { signal, timeout }))
}
