// `berth save`: GET /images/get to -o FILE or stdout (see tar-output.ts).
import type { CommandModule } from '../../command.ts'
import { flag } from '../../flags.ts'
import { checkTarOutput, writeTarOutput } from '../tar-output.ts'

export const spec: CommandModule['spec'] = {
  usage: '[OPTIONS] IMAGE [IMAGE...]',
  short: 'Save one or more images to a tar archive (streamed to STDOUT by default)',
  args: { min: 1 },
  flags: [
    { long: 'output', short: 'o', type: 'string', description: 'Write to a file, instead of STDOUT' },
    { long: 'platform', type: 'list', description: 'Save only the given platform variant' },
  ],
}

export const run: CommandModule['run'] = async (ctx, flags, names) => {
  const output = flag.str(flags, 'output')
  checkTarOutput(ctx, output)
  const tar = await ctx.client.imageGetAll(names, { platform: flag.list(flags, 'platform')[0] })
  await writeTarOutput(ctx, tar, output, 'save image')
}
