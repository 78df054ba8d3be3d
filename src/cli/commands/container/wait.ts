// `berth wait`: POST /containers/{id}/wait for each container, printing each exit code.
import type { CommandModule } from '../../command.ts'
import { forEachName } from '../each.ts'

export const spec: CommandModule['spec'] = {
  usage: 'CONTAINER [CONTAINER...]',
  short: 'Block until one or more containers stop, then print their exit codes',
  args: { min: 1 },
  flags: [],
}

export const run: CommandModule['run'] = async (ctx, _flags, names) => {
  await forEachName(ctx, names, async (name) => {
    const res = await ctx.client.containerWait(name)
    if (res.Error?.Message) throw new Error(res.Error.Message)
    return String(res.StatusCode)
  })
}
