// `berth image prune`: POST /images/prune (dangling only unless -a) after docker's prompt.
import type { CommandModule } from '../../command.ts'
import { flag } from '../../flags.ts'
import { humanSize } from '../../output/units.ts'
import { parseFilterFlags } from '../filters.ts'
import { confirm } from '../prompt.ts'

export const spec: CommandModule['spec'] = {
  usage: '[OPTIONS]',
  short: 'Remove unused images',
  args: { max: 0 },
  flags: [
    {
      long: 'all',
      short: 'a',
      type: 'bool',
      description: 'Remove all unused images, not just dangling ones',
    },
    { long: 'filter', type: 'list', description: 'Provide filter values (e.g. "until=<timestamp>")' },
    { long: 'force', short: 'f', type: 'bool', description: 'Do not prompt for confirmation' },
  ],
}

export const run: CommandModule['run'] = async (ctx, flags) => {
  const all = flag.bool(flags, 'all')
  const filters = parseFilterFlags(flag.list(flags, 'filter'))
  filters.dangling = [all ? 'false' : 'true']
  const warning = all
    ? 'WARNING! This will remove all images without at least one container associated to them.'
    : 'WARNING! This will remove all dangling images.'
  if (!flag.bool(flags, 'force') && !(await confirm(ctx, warning))) {
    ctx.out.line('Total reclaimed space: 0B')
    return
  }
  const report = await ctx.client.imagePrune({ filters })
  const deleted = report.ImagesDeleted ?? []
  if (deleted.length > 0) {
    const lines = deleted.map((d) => (d.Untagged ? `untagged: ${d.Untagged}` : `deleted: ${d.Deleted ?? ''}`))
    ctx.out.line(`Deleted Images:\n${lines.join('\n')}\n`)
  }
  ctx.out.line(`Total reclaimed space: ${humanSize(deleted.length > 0 ? report.SpaceReclaimed : 0, 4)}`)
}
