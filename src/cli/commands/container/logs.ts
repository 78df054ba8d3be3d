// `berth logs`: inspect (for the TTY setting) then GET /containers/{id}/logs, demultiplexed to
// stdout/stderr unless the container has a TTY.
import { demultiplex } from '../../../client/index.ts'
import type { CommandModule } from '../../command.ts'
import { flag } from '../../flags.ts'
import { getTimestamp } from '../timestamp.ts'

export const spec: CommandModule['spec'] = {
  usage: '[OPTIONS] CONTAINER',
  short: 'Fetch the logs of a container',
  args: { min: 1, max: 1 },
  flags: [
    { long: 'details', type: 'bool', description: 'Show extra details provided to logs' },
    { long: 'follow', short: 'f', type: 'bool', description: 'Follow log output' },
    {
      long: 'since',
      type: 'string',
      description: 'Show logs since timestamp or relative (e.g. 42m for 42 minutes)',
    },
    {
      long: 'tail',
      short: 'n',
      type: 'string',
      description: 'Number of lines to show from the end of the logs',
    },
    { long: 'timestamps', short: 't', type: 'bool', description: 'Show timestamps' },
    {
      long: 'until',
      type: 'string',
      description: 'Show logs before a timestamp or relative (e.g. 42m for 42 minutes)',
    },
  ],
}

export const run: CommandModule['run'] = async (ctx, flags, [name = '']) => {
  const container = await ctx.client.containerInspect(name)
  const now = ctx.now()
  const since = flag.str(flags, 'since')
  const until = flag.str(flags, 'until')
  const { stream, multiplexed } = await ctx.client.containerLogs(name, {
    stdout: true,
    stderr: true,
    follow: flag.bool(flags, 'follow'),
    since: since ? getTimestamp(since, now) : undefined,
    until: until ? getTimestamp(until, now) : undefined,
    timestamps: flag.bool(flags, 'timestamps'),
    tail: flag.str(flags, 'tail') ?? 'all',
    details: flag.bool(flags, 'details'),
  })
  if (container.Config?.Tty || !multiplexed) {
    for await (const chunk of stream) ctx.out.write(chunk as Buffer)
    return
  }
  await demultiplex(stream, { stdout: ctx.out.stream, stderr: ctx.err.stream })
}
