// `berth load`: POST /images/load from -i FILE or stdin, printing the daemon's progress lines.
import { createReadStream } from 'node:fs'
import type { Readable } from 'node:stream'
import type { CommandModule } from '../../command.ts'
import { StatusError } from '../../context.ts'
import { flag } from '../../flags.ts'
import { displayJSONMessages } from '../../output/jsonmessage.ts'

export const spec: CommandModule['spec'] = {
  usage: '[OPTIONS]',
  short: 'Load an image from a tar archive or STDIN',
  args: { max: 0 },
  flags: [
    {
      long: 'input',
      short: 'i',
      type: 'string',
      description: 'Read from tar archive file, instead of STDIN',
    },
    { long: 'platform', type: 'list', description: 'Load only the given platform variant' },
    { long: 'quiet', short: 'q', type: 'bool', description: 'Suppress the load output' },
  ],
}

export const run: CommandModule['run'] = async (ctx, flags) => {
  const input = flag.str(flags, 'input')
  if (!input && ctx.stdinIsTTY) throw new StatusError(1, 'requested load from stdin, but stdin is empty')
  const source = (input ? createReadStream(input) : ctx.stdin) as Readable
  if (input)
    await new Promise<void>((resolve, reject) => source.once('open', () => resolve()).once('error', reject))
  // docker forces quiet when stdout is not a terminal (no progress bars to draw).
  const quiet = flag.bool(flags, 'quiet') || !ctx.stdoutIsTTY
  const platform = flag.list(flags, 'platform')[0]
  await displayJSONMessages(ctx.client.imageLoad(source, { quiet, platform }), ctx.out, ctx.stdoutIsTTY)
}
