// `berth start`: start each container; with -a, attach first and exit with the container's code.
import type { CommandModule } from '../../command.ts'
import { StatusError } from '../../context.ts'
import { errorText } from '../../errors-text.ts'
import { flag } from '../../flags.ts'
import { pumpAttach } from './attach-io.ts'
import { detachKeysOf } from './detach-keys.ts'
import { startErrorStatus } from './run.ts'

export const spec: CommandModule['spec'] = {
  usage: '[OPTIONS] CONTAINER [CONTAINER...]',
  short: 'Start one or more stopped containers',
  args: { min: 1 },
  flags: [
    { long: 'attach', short: 'a', type: 'bool', description: 'Attach STDOUT/STDERR and forward signals' },
    {
      long: 'detach-keys',
      type: 'string',
      description: 'Override the key sequence for detaching a container',
    },
    { long: 'interactive', short: 'i', type: 'bool', description: "Attach container's STDIN" },
  ],
}

export const run: CommandModule['run'] = async (ctx, flags, names) => {
  const attach = flag.bool(flags, 'attach') || flag.bool(flags, 'interactive')
  if (!attach) {
    const failed: string[] = []
    const failedNames: string[] = []
    for (const name of names) {
      try {
        await ctx.client.containerStart(name)
        ctx.out.line(name)
      } catch (err) {
        failed.push(errorText(err))
        failedNames.push(name)
      }
    }
    if (failed.length > 0)
      throw new StatusError(
        1,
        `${failed.join('\n')}\nError: failed to start containers: ${failedNames.join(', ')}`,
      )
    return
  }
  if (names.length > 1) throw new StatusError(1, 'you cannot start and attach multiple containers at once')
  const name = names[0] ?? ''
  const c = await ctx.client.containerInspect(name)
  const stdin = flag.bool(flags, 'interactive') && c.Config?.OpenStdin === true
  const detachKeys = detachKeysOf(ctx, flags)
  const conn = await ctx.client.containerAttach(name, {
    stream: true,
    stdin,
    stdout: true,
    stderr: true,
    detachKeys,
    tty: c.Config?.Tty,
  })
  const tty = c.Config?.Tty === true
  const io = pumpAttach(ctx, conn, { stdin, tty, detachKeys })
  const { result } = await ctx.client.containerWaitRegistered(name, { condition: 'next-exit' })
  try {
    await ctx.client.containerStart(name, { detachKeys })
  } catch (err) {
    throw new StatusError(startErrorStatus(errorText(err)), errorText(err))
  }
  const size = tty ? ctx.terminal?.size() : undefined
  if (size) await ctx.client.containerResize(name, { h: size.height, w: size.width }).catch(() => undefined)
  if ((await io).detached) return
  const status = await result
  if (status.StatusCode !== 0) throw new StatusError(status.StatusCode)
}
