// `berth attach`: hijack the attach endpoint of a running container, stream its output, forward
// stdin (unless --no-stdin), and exit with the container's code once it stops.
import type { CommandModule } from '../../command.ts'
import { StatusError } from '../../context.ts'
import { errorText } from '../../errors-text.ts'
import { flag } from '../../flags.ts'
import { pumpAttach } from './attach-io.ts'
import { detachKeysOf } from './detach-keys.ts'
import { proxySignals } from './sig-proxy.ts'

export const spec: CommandModule['spec'] = {
  usage: '[OPTIONS] CONTAINER',
  short: 'Attach local standard input, output, and error streams to a running container',
  args: { min: 1, max: 1 },
  flags: [
    {
      long: 'detach-keys',
      type: 'string',
      description: 'Override the key sequence for detaching a container',
    },
    { long: 'no-stdin', type: 'bool', description: 'Do not attach STDIN' },
    { long: 'sig-proxy', type: 'bool', description: 'Proxy all received signals to the process' },
  ],
}

export const run: CommandModule['run'] = async (ctx, flags, [name = '']) => {
  const c = await ctx.client.containerInspect(name)
  if (!c.State.Running) throw new StatusError(1, 'You cannot attach to a stopped container, start it first')
  if (c.State.Paused) throw new StatusError(1, 'You cannot attach to a paused container, unpause it first')
  if (c.State.Restarting)
    throw new StatusError(1, 'You cannot attach to a restarting container, wait until it is running')
  const stdin = !flag.bool(flags, 'no-stdin') && c.Config?.OpenStdin === true
  if (stdin && c.Config?.Tty && !ctx.stdinIsTTY) throw new StatusError(1, 'the input device is not a TTY')
  const { result } = await ctx.client.containerWaitRegistered(name, { condition: 'not-running' })
  const detachKeys = detachKeysOf(ctx, flags)
  const conn = await ctx.client.containerAttach(name, {
    stream: true,
    stdin,
    stdout: true,
    stderr: true,
    detachKeys,
    tty: c.Config?.Tty,
  })
  const stopProxy =
    !c.Config?.Tty && flags.values['sig-proxy'] !== false
      ? proxySignals(
          (signal) => ctx.client.containerKill(name, { signal }),
          (err) => ctx.err.line(`Error sending signal: ${errorText(err)}`),
        )
      : undefined
  const { detached } = await pumpAttach(ctx, conn, {
    stdin,
    tty: c.Config?.Tty === true,
    detachKeys,
    resize: (size) => ctx.client.containerResize(name, { h: size.height, w: size.width }),
  }).finally(() => stopProxy?.())
  // docker attach reports a detach as an error: "read escape sequence", status 1.
  if (detached) throw new StatusError(1, 'read escape sequence')
  const status = await result
  if (status.StatusCode !== 0) throw new StatusError(status.StatusCode)
}
