// `berth network ls`: GET /networks, sorted naturally by name, as docker's table (NETWORK ID,
// NAME, DRIVER, SCOPE), -q, --no-trunc or --format. Filtering is the daemon's.
import type { CommandModule } from '../../command.ts'
import { StatusError } from '../../context.ts'
import { flag } from '../../flags.ts'
import { renderList } from '../../output/formatter.ts'
import { TemplateError } from '../../output/template.ts'
import { parseFilterFlags } from '../filters.ts'
import { DEFAULT_NETWORK_TABLE, NETWORK_HEADERS, NetworkContext, naturalCompare } from './network-format.ts'

export const spec: CommandModule['spec'] = {
  usage: '[OPTIONS]',
  short: 'List networks',
  args: { max: 0 },
  flags: [
    { long: 'filter', short: 'f', type: 'list', description: 'Provide filter values (e.g. "driver=bridge")' },
    { long: 'format', type: 'string', description: 'Format output using a custom template' },
    { long: 'no-trunc', type: 'bool', description: 'Do not truncate the output' },
    { long: 'quiet', short: 'q', type: 'bool', description: 'Only display network IDs' },
  ],
}

export const run: CommandModule['run'] = async (ctx, flags) => {
  const filters = parseFilterFlags(flag.list(flags, 'filter'))
  const networks = await ctx.client.networkList({ filters })
  const trunc = !flag.bool(flags, 'no-trunc')
  const items = [...networks]
    .sort((a, b) => naturalCompare(a.Name, b.Name))
    .map((n) => new NetworkContext(n, { trunc }))
  ctx.out.write(
    render(
      {
        format: flag.str(flags, 'format') ?? '',
        defaultTable: DEFAULT_NETWORK_TABLE,
        quiet: flag.bool(flags, 'quiet'),
        quietFormat: '{{.ID}}',
        headers: NETWORK_HEADERS,
      },
      items,
    ),
  )
}

/** renderList, with docker's "template parsing error: " prefix for every template failure. */
function render(...args: Parameters<typeof renderList>): string {
  try {
    return renderList(...args)
  } catch (err) {
    if (!(err instanceof TemplateError)) throw err
    throw new StatusError(
      1,
      `template parsing error: ${err.message.replace(/^failed to (parse|execute) template: /, '')}`,
    )
  }
}
