// `berth create`: flags → create body (create-request.ts), create (pulling if needed), print the id.
import type { CommandModule } from '../../command.ts'
import { StatusError } from '../../context.ts'
import { errorText } from '../../errors-text.ts'
import { flag } from '../../flags.ts'
import { PROG } from '../../version-info.ts'
import { createContainer } from './create-container.ts'
import { CREATE_FLAGS } from './create-flags.ts'
import { toCreateRequest } from './create-request.ts'

export const spec: CommandModule['spec'] = {
  usage: '[OPTIONS] IMAGE [COMMAND] [ARG...]',
  short: 'Create a new container',
  args: { min: 1 },
  flags: CREATE_FLAGS,
  interspersed: false,
}

export const run: CommandModule['run'] = async (ctx, flags, args) => {
  try {
    const plan = toCreateRequest(flags, args, ctx.env, { detach: false, consoleSize: ctx.terminal?.size() })
    const id = await createContainer(ctx, plan, { quiet: flag.bool(flags, 'quiet') })
    ctx.out.line(id)
  } catch (err) {
    throw new StatusError(
      125,
      `${PROG}: ${errorText(err)}\n\nRun '${PROG} create --help' for more information`,
    )
  }
}
