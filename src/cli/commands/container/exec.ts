// `berth exec`: create an exec instance, start it attached (hijacked stream, raw with -t) or
// detached (-d), and exit with the process's exit code, fetched from exec inspect as docker does.
import { readFileSync } from 'node:fs'
import type { CommandModule } from '../../command.ts'
import type { CliContext } from '../../context.ts'
import { StatusError } from '../../context.ts'
import { flag } from '../../flags.ts'
import { pumpAttach } from './attach-io.ts'
import { expandEnv, parseKeyValueFile } from './create-parsers.ts'
import { detachKeysOf } from './detach-keys.ts'

export const spec: CommandModule['spec'] = {
  usage: '[OPTIONS] CONTAINER COMMAND [ARG...]',
  short: 'Execute a command in a running container',
  args: { min: 2 },
  interspersed: false,
  flags: [
    { long: 'detach', short: 'd', type: 'bool', description: 'Detached mode: run command in the background' },
    {
      long: 'detach-keys',
      type: 'string',
      description: 'Override the key sequence for detaching a container',
    },
    { long: 'env', short: 'e', type: 'list', description: 'Set environment variables' },
    { long: 'env-file', type: 'list', description: 'Read in a file of environment variables' },
    { long: 'interactive', short: 'i', type: 'bool', description: 'Keep STDIN open even if not attached' },
    { long: 'privileged', type: 'bool', description: 'Give extended privileges to the command' },
    { long: 'tty', short: 't', type: 'bool', description: 'Allocate a pseudo-TTY' },
    {
      long: 'user',
      short: 'u',
      type: 'string',
      description: 'Username or UID (format: "<name|uid>[:<group|gid>]")',
    },
    { long: 'workdir', short: 'w', type: 'string', description: 'Working directory inside the container' },
  ],
}

export const run: CommandModule['run'] = async (ctx, flags, [container = '', ...cmd]) => {
  const detach = flag.bool(flags, 'detach')
  const tty = flag.bool(flags, 'tty')
  const interactive = flag.bool(flags, 'interactive')
  if (tty && interactive && !detach && !ctx.stdinIsTTY)
    throw new StatusError(1, 'the input device is not a TTY')
  const detachKeys = detachKeysOf(ctx, flags)
  const size = tty ? ctx.terminal?.size() : undefined
  const { Id: execId } = await ctx.client.containerExec(container, {
    Cmd: cmd,
    Env: envOf(ctx, flag.list(flags, 'env-file'), flag.list(flags, 'env')),
    WorkingDir: flag.str(flags, 'workdir'),
    User: flag.str(flags, 'user'),
    Tty: tty,
    AttachStdin: interactive && !detach,
    AttachStdout: !detach,
    AttachStderr: !detach,
    Privileged: flag.bool(flags, 'privileged'),
    DetachKeys: detachKeys,
    ConsoleSize: size ? [size.height, size.width] : undefined,
  })
  if (detach) {
    await ctx.client.execStart(execId, { detach: true, tty })
    return
  }
  const conn = await ctx.client.execStart(execId, {
    tty,
    consoleSize: size ? [size.height, size.width] : undefined,
  })
  if (conn === undefined) return
  const { detached } = await pumpAttach(ctx, conn, {
    stdin: interactive,
    tty,
    detachKeys,
    resize: (s) => ctx.client.execResize(execId, { h: s.height, w: s.width }),
  })
  if (detached) return
  const code = await exitCodeOf(ctx, execId)
  if (code !== 0) throw new StatusError(code)
}

/** docker's getExecExitStatus: the stream has ended; the daemon records the code right after. */
async function exitCodeOf(ctx: CliContext, execId: string): Promise<number> {
  for (let i = 0; i < 100; i++) {
    const info = await ctx.client.execInspect(execId)
    if (!info.Running) return info.ExitCode ?? 0
    await new Promise((r) => setTimeout(r, 20))
  }
  return 0
}

function envOf(ctx: CliContext, files: string[], vars: string[]): string[] {
  return [
    ...files.flatMap((p) => parseKeyValueFile(readFileSync(p, 'utf8'), p, ctx.env, true)),
    ...vars.map((e) => expandEnv(e, ctx.env)),
  ]
}
