// `berth volume prune`: POST /volumes/prune (anonymous volumes only unless -a) after docker's prompt.
import type { CommandModule } from '../../command.ts'
import { flag } from '../../flags.ts'
import { humanSize } from '../../output/units.ts'
import { parseFilterFlags } from '../filters.ts'
import { confirm } from '../prompt.ts'

export const spec: CommandModule['spec'] = {
  usage: '[OPTIONS]',
  short: 'Remove unused local volumes',
  args: { max: 0 },
  flags: [
    {
      long: 'all',
      short: 'a',
      type: 'bool',
      description: 'Remove all unused volumes, not just anonymous ones',
    },
    { long: 'filter', type: 'list', description: 'Provide filter values (e.g. "label=<label>")' },
    { long: 'force', short: 'f', type: 'bool', description: 'Do not prompt for confirmation' },
  ],
}

export const run: CommandModule['run'] = async (ctx, flags) => {
  const all = flag.bool(flags, 'all')
  const filters = parseFilterFlags(flag.list(flags, 'filter'))
  if (all) filters.all = ['true']
  const warning = all
    ? 'WARNING! This will remove all local volumes not used by at least one container.'
    : 'WARNING! This will remove anonymous local volumes not used by at least one container.'
  if (!flag.bool(flags, 'force') && !(await confirm(ctx, warning))) {
    ctx.out.line('Total reclaimed space: 0B')
    return
  }
  const report = await ctx.client.volumePrune({ filters })
  const deleted = report.VolumesDeleted ?? []
  if (deleted.length > 0) ctx.out.line(`Deleted Volumes:\n${deleted.map((n) => `${n}\n`).join('')}`)
  ctx.out.line(`Total reclaimed space: ${humanSize(deleted.length > 0 ? report.SpaceReclaimed : 0, 4)}`)
}
