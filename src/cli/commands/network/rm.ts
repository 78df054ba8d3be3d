// `berth network rm`: DELETE /networks/{id} for each name; prints each removed name, reports
// failures on stderr as they happen (docker's order) and exits 1 if any failed.
// With -f a network that does not exist is skipped silently.
import { EngineApiError } from '../../../client/index.ts'
import type { CommandModule } from '../../command.ts'
import { StatusError } from '../../context.ts'
import { errorText } from '../../errors-text.ts'
import { flag } from '../../flags.ts'

export const spec: CommandModule['spec'] = {
  usage: 'NETWORK [NETWORK...]',
  short: 'Remove one or more networks',
  args: { min: 1 },
  flags: [
    { long: 'force', short: 'f', type: 'bool', description: 'Do not error if the network does not exist' },
  ],
}

export const run: CommandModule['run'] = async (ctx, flags, names) => {
  const force = flag.bool(flags, 'force')
  let failed = false
  for (const name of names) {
    try {
      await ctx.client.networkDelete(name)
      ctx.out.line(name)
    } catch (err) {
      if (force && err instanceof EngineApiError && err.kind === 'not-found') continue
      ctx.err.line(errorText(err))
      failed = true
    }
  }
  // docker returns cli.StatusError{StatusCode: 1}, whose text is printed as "exit status 1".
  if (failed) throw new StatusError(1, 'exit status 1')
}
