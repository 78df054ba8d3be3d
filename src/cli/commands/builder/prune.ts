// `berth builder prune`: POST /build/prune after docker's prompt, then docker's report
// ("Deleted build cache objects:" and "Total reclaimed space: …").
import type { CommandModule } from '../../command.ts'
import { flag } from '../../flags.ts'
import { humanSize, ramInBytes } from '../../output/units.ts'
import { parseFilterFlags } from '../filters.ts'
import { confirm } from '../prompt.ts'

export const spec: CommandModule['spec'] = {
  usage: '[OPTIONS]',
  short: 'Remove build cache',
  args: { max: 0 },
  flags: [
    {
      long: 'all',
      short: 'a',
      type: 'bool',
      description: 'Remove all unused build cache, not just dangling ones',
    },
    { long: 'filter', type: 'list', description: 'Provide filter values (e.g. "until=24h")' },
    { long: 'force', short: 'f', type: 'bool', description: 'Do not prompt for confirmation' },
    {
      long: 'keep-storage',
      type: 'string',
      description: 'Amount of disk space to keep for cache',
      parse: (v) => ramInBytes(v),
    },
  ],
}

export const run: CommandModule['run'] = async (ctx, flags) => {
  const all = flag.bool(flags, 'all')
  const filters = parseFilterFlags(flag.list(flags, 'filter'))
  const warning = all
    ? 'WARNING! This will remove all build cache.'
    : 'WARNING! This will remove all dangling build cache.'
  if (!flag.bool(flags, 'force') && !(await confirm(ctx, warning))) {
    ctx.out.line('Total reclaimed space: 0B')
    return
  }
  const keepStorage = flags.values['keep-storage'] as number | undefined
  const report = await ctx.client.buildPrune({ all, filters, keepStorage })
  const deleted = report.CachesDeleted ?? []
  if (deleted.length > 0) ctx.out.line(`Deleted build cache objects:\n${deleted.join('\n')}\n`)
  ctx.out.line(`Total reclaimed space: ${humanSize(report.SpaceReclaimed, 4)}`)
}
