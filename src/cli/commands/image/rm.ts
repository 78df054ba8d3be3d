// `berth rmi` / `image rm`: DELETE /images/{name}, printing "Untagged:"/"Deleted:" lines.
import type { CommandModule } from '../../command.ts'
import { StatusError } from '../../context.ts'
import { errorText } from '../../errors-text.ts'
import { flag } from '../../flags.ts'

export const spec: CommandModule['spec'] = {
  usage: '[OPTIONS] IMAGE [IMAGE...]',
  short: 'Remove one or more images',
  args: { min: 1 },
  flags: [
    { long: 'force', short: 'f', type: 'bool', description: 'Force removal of the image' },
    { long: 'no-prune', type: 'bool', description: 'Do not delete untagged parents' },
    { long: 'platform', type: 'list', description: 'Remove only the given platform variant' },
  ],
}

export const run: CommandModule['run'] = async (ctx, flags, names) => {
  const failed: string[] = []
  for (const name of names) {
    try {
      const items = await ctx.client.imageDelete(name, {
        force: flag.bool(flags, 'force'),
        noprune: flag.bool(flags, 'no-prune'),
      })
      for (const d of items)
        ctx.out.line(d.Deleted ? `Deleted: ${d.Deleted}` : `Untagged: ${d.Untagged ?? ''}`)
    } catch (err) {
      failed.push(errorText(err))
    }
  }
  if (failed.length > 0) throw new StatusError(1, failed.join('\n'))
}
