// `berth stats`: docker's live resource table. --no-stream prints one table (each figure from a
// one-second sample pair); otherwise the table is redrawn every second until interrupted.
import type { ContainerStatsResponse } from '../../../client/index.ts'
import type { CommandModule } from '../../command.ts'
import type { CliContext } from '../../context.ts'
import { StatusError } from '../../context.ts'
import { errorText } from '../../errors-text.ts'
import { flag } from '../../flags.ts'
import { renderList } from '../../output/formatter.ts'
import { DEFAULT_STATS_TABLE, STATS_HEADERS, statsRow } from '../../output/stats-format.ts'

export const spec: CommandModule['spec'] = {
  usage: '[OPTIONS] [CONTAINER...]',
  short: 'Display a live stream of container(s) resource usage statistics',
  args: {},
  flags: [
    {
      long: 'all',
      short: 'a',
      type: 'bool',
      description: 'Show all containers (default shows just running)',
    },
    { long: 'format', type: 'string', description: 'Format output using a custom template' },
    {
      long: 'no-stream',
      type: 'bool',
      description: 'Disable streaming stats and only pull the first result',
    },
    { long: 'no-trunc', type: 'bool', description: 'Do not truncate output' },
  ],
}

export const run: CommandModule['run'] = async (ctx, flags, names) => {
  const targets =
    names.length > 0
      ? names
      : (await ctx.client.containerList({ all: flag.bool(flags, 'all') })).map((c) => c.Id)
  const render = (samples: Map<string, ContainerStatsResponse>) =>
    renderList(
      { format: flag.str(flags, 'format') ?? '', defaultTable: DEFAULT_STATS_TABLE, headers: STATS_HEADERS },
      targets.flatMap((t) => {
        const s = samples.get(t)
        return s ? [statsRow(s, t, { trunc: !flag.bool(flags, 'no-trunc') })] : []
      }),
    )
  if (flag.bool(flags, 'no-stream')) {
    const samples = new Map<string, ContainerStatsResponse>()
    const failed: string[] = []
    await Promise.all(
      targets.map(async (t) => {
        try {
          for await (const s of ctx.client.containerStats(t, { stream: false })) samples.set(t, s)
        } catch (err) {
          failed.push(errorText(err))
        }
      }),
    )
    ctx.out.write(render(samples))
    if (failed.length > 0) throw new StatusError(1, failed.join('\n'))
    return
  }
  await streamTable(ctx, targets, render)
}

/** Redraws the table each second from the latest sample of every container. */
async function streamTable(
  ctx: CliContext,
  targets: string[],
  render: (samples: Map<string, ContainerStatsResponse>) => string,
): Promise<void> {
  const samples = new Map<string, ContainerStatsResponse>()
  const ac = new AbortController()
  const streams = targets.map(async (t) => {
    try {
      for await (const s of ctx.client.containerStats(t, { stream: true, signal: ac.signal }))
        samples.set(t, s)
    } catch (err) {
      if (!ac.signal.aborted) ctx.err.line(errorText(err))
    }
  })
  // docker clears the screen and moves home before each table when writing to a terminal.
  const draw = () => ctx.out.write(`${ctx.stdoutIsTTY ? '\x1b[2J\x1b[H' : ''}${render(samples)}`)
  const timer = setInterval(draw, 1000)
  try {
    await Promise.all(streams)
  } finally {
    clearInterval(timer)
    ac.abort()
  }
  draw()
}
