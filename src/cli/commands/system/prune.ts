// `berth system prune`: container prune, then image prune (dangling, or all unused with -a), with
// docker's combined warning. Networks, volumes and build cache are reported only when supported.
import type { CommandModule } from '../../command.ts'
import { flag } from '../../flags.ts'
import { humanSize } from '../../output/units.ts'
import { parseFilterFlags } from '../filters.ts'
import { confirm } from '../prompt.ts'

export const spec: CommandModule['spec'] = {
  usage: '[OPTIONS]',
  short: 'Remove unused data',
  args: { max: 0 },
  flags: [
    { long: 'all', short: 'a', type: 'bool', description: 'Remove all unused images not just dangling ones' },
    { long: 'filter', type: 'list', description: 'Provide filter values (e.g. "label=<key>=<value>")' },
    { long: 'force', short: 'f', type: 'bool', description: 'Do not prompt for confirmation' },
    { long: 'volumes', type: 'bool', description: 'Prune anonymous volumes' },
  ],
}

export const run: CommandModule['run'] = async (ctx, flags) => {
  const all = flag.bool(flags, 'all')
  const items = ['all stopped containers', 'all networks not used by at least one container']
  if (flag.bool(flags, 'volumes')) items.push('all anonymous volumes not used by at least one container')
  items.push(all ? 'all images without at least one container associated to them' : 'all dangling images')
  items.push(all ? 'all build cache' : 'unused build cache')
  const warning = `WARNING! This will remove:\n${items.map((i) => `  - ${i}`).join('\n')}\n`
  if (!flag.bool(flags, 'force') && !(await confirm(ctx, warning))) {
    ctx.out.line('Total reclaimed space: 0B')
    return
  }
  const filters = parseFilterFlags(flag.list(flags, 'filter'))
  let reclaimed = 0
  const c = await ctx.client.containerPrune({ filters })
  if ((c.ContainersDeleted ?? []).length > 0) {
    ctx.out.line(`Deleted Containers:\n${(c.ContainersDeleted ?? []).join('\n')}\n`)
    reclaimed += c.SpaceReclaimed
  }
  const i = await ctx.client.imagePrune({ filters: { ...filters, dangling: [all ? 'false' : 'true'] } })
  if ((i.ImagesDeleted ?? []).length > 0) {
    const lines = (i.ImagesDeleted ?? []).map((d) =>
      d.Untagged ? `untagged: ${d.Untagged}` : `deleted: ${d.Deleted ?? ''}`,
    )
    ctx.out.line(`Deleted Images:\n${lines.join('\n')}\n`)
    reclaimed += i.SpaceReclaimed
  }
  ctx.out.line(`Total reclaimed space: ${humanSize(reclaimed, 4)}`)
}
