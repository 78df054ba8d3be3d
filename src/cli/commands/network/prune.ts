// `berth network prune`: POST /networks/prune after docker's prompt; lists the deleted networks.
import type { CommandModule } from '../../command.ts'
import { flag } from '../../flags.ts'
import { parseFilterFlags } from '../filters.ts'
import { confirm } from '../prompt.ts'

export const spec: CommandModule['spec'] = {
  usage: '[OPTIONS]',
  short: 'Remove all unused networks',
  args: { max: 0 },
  flags: [
    { long: 'filter', type: 'list', description: 'Provide filter values (e.g. "until=<timestamp>")' },
    { long: 'force', short: 'f', type: 'bool', description: 'Do not prompt for confirmation' },
  ],
}

const WARNING = 'WARNING! This will remove all custom networks not used by at least one container.'

export const run: CommandModule['run'] = async (ctx, flags) => {
  const filters = parseFilterFlags(flag.list(flags, 'filter'))
  if (!flag.bool(flags, 'force') && !(await confirm(ctx, WARNING))) return
  const report = await ctx.client.networkPrune({ filters })
  const deleted = report.NetworksDeleted ?? []
  // docker prints "Deleted Networks:\n<name>\n…" with Println: one blank line after the list.
  if (deleted.length > 0) ctx.out.line(`Deleted Networks:\n${deleted.map((n) => `${n}\n`).join('')}`)
}
