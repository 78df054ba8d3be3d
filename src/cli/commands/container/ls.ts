// `berth ps` / `container ls`: GET /containers/json rendered with docker's ContainerContext.
import type { CommandModule } from '../../command.ts'
import { flag } from '../../flags.ts'
import {
  CONTAINER_HEADERS,
  ContainerContext,
  DEFAULT_CONTAINER_TABLE,
} from '../../output/container-format.ts'
import { formatUses, renderList } from '../../output/formatter.ts'
import { parseFilterFlags } from '../filters.ts'

export const spec: CommandModule['spec'] = {
  usage: '[OPTIONS]',
  short: 'List containers',
  args: { max: 0 },
  flags: [
    {
      long: 'all',
      short: 'a',
      type: 'bool',
      description: 'Show all containers (default shows just running)',
    },
    { long: 'filter', short: 'f', type: 'list', description: 'Filter output based on conditions provided' },
    { long: 'format', type: 'string', description: 'Format output using a custom template' },
    {
      long: 'last',
      short: 'n',
      type: 'int',
      description: 'Show n last created containers (includes all states)',
    },
    {
      long: 'latest',
      short: 'l',
      type: 'bool',
      description: 'Show the latest created container (includes all states)',
    },
    { long: 'no-trunc', type: 'bool', description: "Don't truncate output" },
    { long: 'quiet', short: 'q', type: 'bool', description: 'Only display container IDs' },
    { long: 'size', short: 's', type: 'bool', description: 'Display total file sizes' },
  ],
}

export const run: CommandModule['run'] = async (ctx, flags) => {
  const format = flag.str(flags, 'format') ?? ''
  const quiet = flag.bool(flags, 'quiet')
  const all = flag.bool(flags, 'all')
  // Like docker, -n/-l only send a limit; the daemon includes stopped containers when limited.
  const limit = flag.bool(flags, 'latest') ? 1 : (flag.int(flags, 'last') ?? -1)
  // docker asks for sizes only when they are shown: -s on the default table, or .Size in --format.
  const size =
    !quiet && (format === '' || format === 'table' ? flag.bool(flags, 'size') : formatUses(format, 'Size'))
  const containers = await ctx.client.containerList({
    all,
    limit: limit > 0 ? limit : undefined,
    size,
    filters: parseFilterFlags(flag.list(flags, 'filter')),
  })
  const now = ctx.now()
  const trunc = !flag.bool(flags, 'no-trunc')
  const items = containers.map((c) => new ContainerContext(c, { trunc, now }))
  const defaultTable =
    size && format === '' ? `${DEFAULT_CONTAINER_TABLE}\t{{.Size}}` : DEFAULT_CONTAINER_TABLE
  ctx.out.write(
    renderList({ format, defaultTable, quiet, quietFormat: '{{.ID}}', headers: CONTAINER_HEADERS }, items),
  )
}
