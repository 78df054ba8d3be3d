// `berth run`: create (pulling if needed), attach before start, wait (next-exit, or removed with
// --rm), start, stream I/O, exit with the container's status. Docker's 125/126/127 on failures.
import type { CommandModule } from '../../command.ts'
import type { CliContext } from '../../context.ts'
import { StatusError } from '../../context.ts'
import { errorText } from '../../errors-text.ts'
import { flag } from '../../flags.ts'
import { PROG } from '../../version-info.ts'
import { pumpAttach } from './attach-io.ts'
import { createContainer } from './create-container.ts'
import { CREATE_FLAGS, RUN_ONLY_FLAGS } from './create-flags.ts'
import { toCreateRequest } from './create-request.ts'
import { detachKeysOf } from './detach-keys.ts'
import { proxySignals } from './sig-proxy.ts'

export const spec: CommandModule['spec'] = {
  usage: '[OPTIONS] IMAGE [COMMAND] [ARG...]',
  short: 'Create and run a new container from an image',
  args: { min: 1 },
  flags: [...CREATE_FLAGS, ...RUN_ONLY_FLAGS],
  interspersed: false,
}

const runError = (err: unknown) =>
  `${PROG}: ${errorText(err)}\n\nRun '${PROG} run --help' for more information`

/** docker's runStartContainerErr: the start error's text picks 127, 126 or 125. */
export function startErrorStatus(message: string): number {
  const m = message.replace(/^Error response from daemon: /, '')
  if (/executable file not found|no such file or directory|system cannot find the file specified/.test(m))
    return 127
  if (/permission denied|is a directory/.test(m)) return 126
  return 125
}

export const run: CommandModule['run'] = async (ctx, flags, args) => {
  const detach = flag.bool(flags, 'detach')
  let plan: ReturnType<typeof toCreateRequest>
  let id: string
  try {
    // docker sends the terminal's size at create: the process starts with it (no 0x0 moment).
    plan = toCreateRequest(flags, args, ctx.env, { detach, consoleSize: ctx.terminal?.size() })
    if (plan.body.Tty && plan.body.AttachStdin && !ctx.stdinIsTTY)
      throw new Error('the input device is not a TTY')
    id = await createContainer(ctx, plan, { quiet: flag.bool(flags, 'quiet') })
  } catch (err) {
    throw new StatusError(125, runError(err))
  }
  const body = plan.body
  const attaching = !detach && (body.AttachStdin || body.AttachStdout || body.AttachStderr)
  const autoRemove = body.HostConfig?.AutoRemove === true
  const detachKeys = detachKeysOf(ctx, flags)

  // Attach and the wait registration go out together (one round trip less before start); both
  // are in place before start, so neither output nor a fast exit is missed.
  const attachment = attaching
    ? ctx.client.containerAttach(id, {
        stream: true,
        stdin: body.AttachStdin,
        stdout: body.AttachStdout,
        stderr: body.AttachStderr,
        detachKeys,
        tty: body.Tty,
      })
    : undefined
  // Registered before start so a fast exit is not missed (docker's waitExitOrRemoved); never rejects.
  const waiting = detach ? undefined : waitStatus(ctx, id, autoRemove)
  let io: Promise<{ detached: boolean }> | undefined
  if (attachment) {
    try {
      const conn = await attachment
      io = pumpAttach(ctx, conn, {
        stdin: body.AttachStdin === true,
        tty: body.Tty === true,
        detachKeys,
        resize: (size) => ctx.client.containerResize(id, { h: size.height, w: size.width }),
      })
    } catch (err) {
      throw new StatusError(125, runError(err))
    }
  }
  const status = waiting ? (await waiting).status : undefined

  // docker turns the proxy off with a TTY: the terminal sends ^C to the process itself.
  const stopProxy =
    attaching && !body.Tty && flags.values['sig-proxy'] !== false
      ? proxySignals(
          (signal) => ctx.client.containerKill(id, { signal }),
          (err) => ctx.err.line(`Error sending signal: ${errorText(err)}`),
        )
      : undefined
  try {
    await ctx.client.containerStart(id, { detachKeys })
  } catch (err) {
    stopProxy?.()
    if (autoRemove) await status
    throw new StatusError(startErrorStatus(errorText(err)), runError(err))
  }
  if (detach) {
    ctx.out.line(id)
    return
  }
  try {
    await streamUntilExit(ctx, id, body, io, status)
  } finally {
    stopProxy?.()
  }
}

async function streamUntilExit(
  ctx: CliContext,
  id: string,
  body: ReturnType<typeof toCreateRequest>['body'],
  io: Promise<{ detached: boolean }> | undefined,
  status: Promise<number> | undefined,
): Promise<void> {
  // The first resize (at attach) came before start; the process sees this one.
  const size = body.Tty ? ctx.terminal?.size() : undefined
  if (size) await ctx.client.containerResize(id, { h: size.height, w: size.width }).catch(() => undefined)
  if (io) {
    const res = await io.catch((err) => {
      ctx.err.line(errorText(err))
      return { detached: false }
    })
    if (res.detached) return // docker: detaching leaves the container running, exit 0
  }
  const code = await (status ?? Promise.resolve(0))
  if (code !== 0) throw new StatusError(code)
}

/** Resolves once the wait is registered, with the exit status still pending (wrapped: an async
 *  function returning a bare promise would wait for it). */
async function waitStatus(
  ctx: CliContext,
  id: string,
  autoRemove: boolean,
): Promise<{ status: Promise<number> }> {
  const failed = (err: unknown) => {
    ctx.err.line(`Error waiting for container: ${errorText(err)}`)
    return 125
  }
  try {
    const { result } = await ctx.client.containerWaitRegistered(id, {
      condition: autoRemove ? 'removed' : 'next-exit',
    })
    return {
      status: result.then((res) => (res.Error?.Message ? failed(res.Error.Message) : res.StatusCode), failed),
    }
  } catch (err) {
    return { status: Promise.resolve(failed(err)) }
  }
}
