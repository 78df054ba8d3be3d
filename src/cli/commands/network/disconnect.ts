// `berth network disconnect`: POST /networks/{id}/disconnect; prints nothing on success.
import type { CommandModule } from '../../command.ts'
import { flag } from '../../flags.ts'

export const spec: CommandModule['spec'] = {
  usage: '[OPTIONS] NETWORK CONTAINER',
  short: 'Disconnect a container from a network',
  args: { min: 2, max: 2 },
  flags: [
    {
      long: 'force',
      short: 'f',
      type: 'bool',
      description: 'Force the container to disconnect from a network',
    },
  ],
}

export const run: CommandModule['run'] = async (ctx, flags, [network = '', container = '']) => {
  await ctx.client.networkDisconnect(network, { Container: container, Force: flag.bool(flags, 'force') })
}
