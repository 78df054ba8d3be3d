// `berth history`: GET /images/{name}/history in docker's table.
import type { CommandModule } from '../../command.ts'
import { flag } from '../../flags.ts'
import { renderList } from '../../output/formatter.ts'
import { DEFAULT_HISTORY_TABLE, HISTORY_HEADERS, HistoryContext } from '../../output/history-format.ts'

export const spec: CommandModule['spec'] = {
  usage: '[OPTIONS] IMAGE',
  short: 'Show the history of an image',
  args: { min: 1, max: 1 },
  flags: [
    { long: 'format', type: 'string', description: 'Format output using a custom template' },
    {
      long: 'human',
      short: 'H',
      type: 'bool',
      description: 'Print sizes and dates in human readable format',
    },
    { long: 'no-trunc', type: 'bool', description: "Don't truncate output" },
    { long: 'platform', type: 'string', description: 'Show history for the given platform' },
    { long: 'quiet', short: 'q', type: 'bool', description: 'Only show image IDs' },
  ],
}

export const run: CommandModule['run'] = async (ctx, flags, [name = '']) => {
  const history = await ctx.client.imageHistory(name, { platform: flag.str(flags, 'platform') })
  const human = flags.values.human !== false // docker's -H defaults to true
  const trunc = !flag.bool(flags, 'no-trunc')
  const now = ctx.now()
  const items = history.map((h) => new HistoryContext(h, { trunc, human, now }))
  ctx.out.write(
    renderList(
      {
        format: flag.str(flags, 'format') ?? '',
        defaultTable: DEFAULT_HISTORY_TABLE,
        quiet: flag.bool(flags, 'quiet'),
        quietFormat: '{{.ID}}',
        headers: human ? HISTORY_HEADERS : { ...HISTORY_HEADERS, CreatedSince: 'CREATED AT' },
      },
      items,
    ),
  )
}
