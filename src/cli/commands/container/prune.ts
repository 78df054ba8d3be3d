// `berth container prune`: POST /containers/prune after docker's confirmation prompt.
import type { CommandModule } from '../../command.ts'
import { flag } from '../../flags.ts'
import { humanSize } from '../../output/units.ts'
import { parseFilterFlags } from '../filters.ts'
import { confirm } from '../prompt.ts'

export const spec: CommandModule['spec'] = {
  usage: '[OPTIONS]',
  short: 'Remove all stopped containers',
  args: { max: 0 },
  flags: [
    { long: 'filter', type: 'list', description: 'Provide filter values (e.g. "until=<timestamp>")' },
    { long: 'force', short: 'f', type: 'bool', description: 'Do not prompt for confirmation' },
  ],
}

export const run: CommandModule['run'] = async (ctx, flags) => {
  const filters = parseFilterFlags(flag.list(flags, 'filter'))
  if (
    !flag.bool(flags, 'force') &&
    !(await confirm(ctx, 'WARNING! This will remove all stopped containers.'))
  ) {
    ctx.out.line('Total reclaimed space: 0B')
    return
  }
  const report = await ctx.client.containerPrune({ filters })
  const deleted = report.ContainersDeleted ?? []
  if (deleted.length > 0) ctx.out.line(`Deleted Containers:\n${deleted.join('\n')}\n`)
  ctx.out.line(`Total reclaimed space: ${humanSize(deleted.length > 0 ? report.SpaceReclaimed : 0, 4)}`)
}
