// `berth volume rm`: DELETE /volumes/{name} for each name, printing the removed names.
import type { CommandModule } from '../../command.ts'
import { StatusError } from '../../context.ts'
import { errorText } from '../../errors-text.ts'
import { flag } from '../../flags.ts'

export const spec: CommandModule['spec'] = {
  usage: '[OPTIONS] VOLUME [VOLUME...]',
  short: 'Remove one or more volumes',
  args: { min: 1 },
  flags: [
    { long: 'force', short: 'f', type: 'bool', description: 'Force the removal of one or more volumes' },
  ],
}

export const run: CommandModule['run'] = async (ctx, flags, names) => {
  const failed: string[] = []
  for (const name of names) {
    try {
      await ctx.client.volumeDelete(name, { force: flag.bool(flags, 'force') })
      ctx.out.line(name)
    } catch (err) {
      failed.push(errorText(err))
    }
  }
  if (failed.length > 0) throw new StatusError(1, failed.join('\n'))
}
