// `berth export`: GET /containers/{id}/export to -o FILE (written beside it, then renamed) or to
// stdout when it is not a terminal, as docker refuses to write a tar to a terminal.
import { createWriteStream, renameSync, rmSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import { pipeline } from 'node:stream/promises'
import type { CommandModule } from '../../command.ts'
import { StatusError } from '../../context.ts'
import { flag } from '../../flags.ts'

export const spec: CommandModule['spec'] = {
  usage: '[OPTIONS] CONTAINER',
  short: "Export a container's filesystem as a tar archive",
  args: { min: 1, max: 1 },
  flags: [{ long: 'output', short: 'o', type: 'string', description: 'Write to a file, instead of STDOUT' }],
}

export const run: CommandModule['run'] = async (ctx, flags, [container = '']) => {
  const output = flag.str(flags, 'output')
  if (!output && ctx.stdoutIsTTY)
    throw new StatusError(1, 'cowardly refusing to save to a terminal. Use the -o flag or redirect')
  const tar = await ctx.client.containerExport(container)
  if (!output) {
    await pipeline(tar, ctx.out.stream, { end: false })
    return
  }
  const tmp = join(dirname(output), `.${basename(output)}.${process.pid}.tmp`)
  try {
    await pipeline(tar, createWriteStream(tmp))
    renameSync(tmp, output)
  } catch (err) {
    rmSync(tmp, { force: true })
    throw new StatusError(1, `failed to export container: ${(err as Error).message}`)
  }
}
