// `berth export`: GET /containers/{id}/export to -o FILE or stdout (see tar-output.ts).
import type { CommandModule } from '../../command.ts'
import { flag } from '../../flags.ts'
import { checkTarOutput, writeTarOutput } from '../tar-output.ts'

export const spec: CommandModule['spec'] = {
  usage: '[OPTIONS] CONTAINER',
  short: "Export a container's filesystem as a tar archive",
  args: { min: 1, max: 1 },
  flags: [{ long: 'output', short: 'o', type: 'string', description: 'Write to a file, instead of STDOUT' }],
}

export const run: CommandModule['run'] = async (ctx, flags, [container = '']) => {
  const output = flag.str(flags, 'output')
  checkTarOutput(ctx, output)
  const tar = await ctx.client.containerExport(container)
  await writeTarOutput(ctx, tar, output, 'export container')
}
