// CLI entry logic: docker's global options, endpoint resolution (-H, BERTH_HOST, DOCKER_HOST,
// default socket), command lookup, flag parsing, and exit codes. I/O is injected; no process.* here.
import type { Readable, Writable } from 'node:stream'
import { EngineClient, resolveHost } from '../client/index.ts'
import { isLogLevel } from '../lib/log.ts'
import type { CommandModule } from './command.ts'
import { GROUPS, resolveCommand } from './commands/index.ts'
import { type CliContext, outputOf, StatusError } from './context.ts'
import { argCountError, errorText, usageError } from './errors-text.ts'
import { FlagError, type FlagSpec, flag, parseFlags } from './flags.ts'
import { terminalOf } from './terminal.ts'
import { CLI_VERSION, GIT_COMMIT, PROG } from './version-info.ts'

export interface MainIO {
  argv: string[]
  env: NodeJS.ProcessEnv
  stdout: Writable
  stderr: Writable
  stdin: Readable
  stdinIsTTY: boolean
  stdoutIsTTY: boolean
  now?: () => Date
  /** Tests inject a client instead of connecting. */
  client?: CliContext['client']
}

const GLOBAL_FLAGS: FlagSpec[] = [
  { long: 'config', type: 'string' },
  { long: 'context', short: 'c', type: 'string' },
  { long: 'debug', short: 'D', type: 'bool' },
  { long: 'host', short: 'H', type: 'list' },
  {
    long: 'log-level',
    short: 'l',
    type: 'string',
    parse: (v) => {
      if (!isLogLevel(v)) throw new Error(`not a valid logrus Level: "${v}"`)
      return v
    },
  },
  { long: 'tls', type: 'bool' },
  { long: 'tlscacert', type: 'string' },
  { long: 'tlscert', type: 'string' },
  { long: 'tlskey', type: 'string' },
  { long: 'tlsverify', type: 'bool' },
  { long: 'version', short: 'v', type: 'bool' },
  { long: 'help', type: 'bool' },
]

/** Runs one CLI invocation and resolves with the process exit code. */
export async function main(io: MainIO): Promise<number> {
  const out = outputOf(io.stdout)
  const err = outputOf(io.stderr)
  let global: ReturnType<typeof parseFlags>
  try {
    global = parseFlags(GLOBAL_FLAGS, io.argv, { interspersed: false })
  } catch (e) {
    if (!(e instanceof FlagError)) throw e
    err.line(
      `${e.message}\n\nUsage:  ${PROG} [OPTIONS] COMMAND [ARG...]\n\nRun '${PROG} --help' for more information`,
    )
    return 125
  }
  if (flag.bool(global, 'version')) {
    out.line(`${PROG} version ${CLI_VERSION}, build ${GIT_COMMIT}`)
    return 0
  }
  if (global.args.length === 0 || flag.bool(global, 'help')) {
    out.line(topUsage())
    return 0
  }
  const resolved = resolveCommand(global.args)
  if ('unknown' in resolved) {
    err.line(
      `${PROG}: unknown command: ${PROG} ${resolved.unknown}\n\nRun '${PROG} --help' for more information`,
    )
    return 1
  }
  if ('group' in resolved) {
    out.line(await groupUsage(resolved.group))
    return 0
  }
  const mod: CommandModule = await resolved.load()
  const { spec } = mod
  const flags = withHelp(spec.flags)
  let parsed: ReturnType<typeof parseFlags>
  try {
    parsed = parseFlags(flags, resolved.rest, { interspersed: spec.interspersed ?? true })
  } catch (e) {
    if (!(e instanceof FlagError)) throw e
    err.line(usageError(e.message, resolved.path, spec.usage))
    return 125
  }
  if (parsed.values.help === true) {
    out.line(commandHelp(resolved.path, mod))
    return 0
  }
  const bad = argCountError(resolved.path, spec.args, parsed.args.length)
  if (bad) {
    err.line(usageError(`${PROG}: ${bad.text}`, resolved.path, spec.usage, bad.hint))
    return 1
  }
  let ctx: CliContext
  try {
    ctx = makeContext(io, global, out, err)
  } catch (e) {
    err.line(errorText(e))
    return 1
  }
  try {
    await mod.run(ctx, parsed, parsed.args)
    return 0
  } catch (e) {
    if (e instanceof StatusError) {
      if (e.message !== '') err.line(e.message)
      return e.status
    }
    err.line(errorText(e))
    return 1
  } finally {
    ctx.client.close()
  }
}

function makeContext(
  io: MainIO,
  global: ReturnType<typeof parseFlags>,
  out: CliContext['out'],
  err: CliContext['err'],
): CliContext {
  const host = resolveHost(flag.list(global, 'host'), io.env)
  const tlsverify = flag.bool(global, 'tlsverify') || (io.env.DOCKER_TLS_VERIFY ?? '') !== ''
  const client =
    io.client ??
    new EngineClient({
      host,
      tls: {
        tls: flag.bool(global, 'tls'),
        verify: tlsverify,
        cacert: flag.str(global, 'tlscacert'),
        cert: flag.str(global, 'tlscert'),
        key: flag.str(global, 'tlskey'),
      },
      apiVersion: io.env.DOCKER_API_VERSION || undefined,
      userAgent: `${PROG}-cli/${CLI_VERSION}`,
    })
  return {
    client,
    out,
    err,
    stdin: io.stdin,
    stdinIsTTY: io.stdinIsTTY,
    stdoutIsTTY: io.stdoutIsTTY,
    terminal: io.stdinIsTTY ? terminalOf(io.stdin, io.stdout) : undefined,
    env: io.env,
    now: io.now ?? (() => new Date()),
    host,
  }
}

/** Every command has --help; -h too unless the command uses it (run/create: --hostname). */
function withHelp(flags: FlagSpec[]): FlagSpec[] {
  const taken = flags.some((f) => f.short === 'h')
  return [...flags, { long: 'help', short: taken ? undefined : 'h', type: 'bool' }]
}

function commandHelp(path: string, mod: CommandModule): string {
  const lines = [`\nUsage:  ${PROG} ${path} ${mod.spec.usage}`, '', mod.spec.short]
  const visible = mod.spec.flags.filter((f) => !f.hidden)
  if (visible.length > 0) {
    lines.push('', 'Options:')
    for (const f of visible) {
      const name = f.short ? `-${f.short}, --${f.long}` : `    --${f.long}`
      const arg = f.type === 'bool' ? '' : f.type === 'list' ? ' list' : f.type === 'int' ? ' int' : ' string'
      lines.push(`  ${(name + arg).padEnd(28)}${f.description ?? ''}`.trimEnd())
    }
  }
  return lines.join('\n')
}

/** `berth network` alone: the group's verbs, as docker prints them. */
async function groupUsage(name: string): Promise<string> {
  const group = GROUPS[name]
  if (!group) return topUsage()
  const verbs = Object.keys(group.verbs).sort()
  const shorts = await Promise.all(verbs.map(async (v) => (await group.verbs[v]?.())?.spec.short ?? ''))
  const rows = verbs.map((v, i) => `  ${v.padEnd(11)} ${shorts[i]}`)
  return [
    `\nUsage:  ${PROG} ${name} COMMAND`,
    '',
    group.short,
    '',
    'Commands:',
    ...rows,
    '',
    `Run '${PROG} ${name} COMMAND --help' for more information on a command.`,
  ].join('\n')
}

function topUsage(): string {
  return `
Usage:  ${PROG} [OPTIONS] COMMAND

A self-sufficient runtime for containers

Common Commands:
  run         Create and run a new container from an image
  ps          List containers
  images      List images
  version     Show the ${PROG} version information
  info        Display system-wide information

Management Commands:
  builder     Manage builds
  container   Manage containers
  image       Manage images
  network     Manage networks
  system      Manage ${PROG}
  volume      Manage volumes

Commands:
  attach      Attach local standard input, output, and error streams to a running container
  build       Build an image from a Dockerfile
  commit      Create a new image from a container's changes
  cp          Copy files/folders between a container and the local filesystem
  create      Create a new container
  diff        Inspect changes to files or directories on a container's filesystem
  events      Get real time events from the server
  exec        Execute a command in a running container
  export      Export a container's filesystem as a tar archive
  history     Show the history of an image
  import      Import the contents from a tarball to create a filesystem image
  inspect     Return low-level information on Docker objects
  kill        Kill one or more running containers
  load        Load an image from a tar archive or STDIN
  login       Authenticate to a registry
  logout      Log out from a registry
  logs        Fetch the logs of a container
  pause       Pause all processes within one or more containers
  port        List port mappings or a specific mapping for the container
  pull        Download an image from a registry
  push        Upload an image to a registry
  rename      Rename a container
  restart     Restart one or more containers
  rm          Remove one or more containers
  rmi         Remove one or more images
  save        Save one or more images to a tar archive (streamed to STDOUT by default)
  start       Start one or more stopped containers
  stats       Display a live stream of container(s) resource usage statistics
  stop        Stop one or more running containers
  tag         Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE
  top         Display the running processes of a container
  unpause     Unpause all processes within one or more containers
  update      Update configuration of one or more containers
  wait        Block until one or more containers stop, then print their exit codes

Global Options:
  -H, --host list          Daemon socket to connect to
  -l, --log-level string   Set the logging level ("debug", "info", "warn", "error", "fatal") (default "info")
      --tls                Use TLS; implied by --tlsverify
      --tlscacert string   Trust certs signed only by this CA
      --tlscert string     Path to TLS certificate file
      --tlskey string      Path to TLS key file
      --tlsverify          Use TLS and verify the remote
  -v, --version            Print version information and quit

Run '${PROG} COMMAND --help' for more information on a command.`
}
