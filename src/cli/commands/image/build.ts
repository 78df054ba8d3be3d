// `berth build` / `berth image build`: docker's legacy-builder flags, the context packed on the
// client (build-context.ts), POST /build, and the stream rendered (build-render.ts) as a
// compact live view, docker's plain output or quiet. Exit codes as docker: a failed build
// exits with the error's code (a failed RUN's exit code), else 1.

import { readFile, rm, writeFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import { PassThrough, type Readable } from 'node:stream'
import { encodeRegistryAuth, type ImageBuildOptions } from '../../../client/index.ts'
import type { CommandModule } from '../../command.ts'
import type { CliContext } from '../../context.ts'
import { StatusError } from '../../context.ts'
import { flag, type ParseResult } from '../../flags.ts'
import { humanSize } from '../../output/units.ts'
import { configPath, loadCredentials } from '../system/credentials.ts'
import { prepareContext } from './build-context.ts'
import { BuildError, type RenderMode, renderBuild } from './build-render.ts'

const PROGRESS = ['auto', 'plain', 'tty', 'quiet']

export const spec: CommandModule['spec'] = {
  usage: '[OPTIONS] PATH | URL | -',
  short: 'Build an image from a Dockerfile',
  args: { min: 1, max: 1 },
  flags: [
    { long: 'add-host', type: 'list', description: 'Add a custom host-to-IP mapping (host:ip)' },
    { long: 'build-arg', type: 'list', description: 'Set build-time variables' },
    { long: 'compress', type: 'bool', description: 'Compress the build context using gzip' },
    {
      long: 'file',
      short: 'f',
      type: 'string',
      description: "Name of the Dockerfile (Default is 'PATH/Dockerfile')",
    },
    { long: 'force-rm', type: 'bool', description: 'Always remove intermediate containers' },
    { long: 'iidfile', type: 'string', description: 'Write the image ID to the file' },
    { long: 'label', type: 'list', description: 'Set metadata for an image' },
    {
      long: 'network',
      type: 'string',
      description: 'Set the networking mode for the RUN instructions during build',
    },
    { long: 'no-cache', type: 'bool', description: 'Do not use cache when building the image' },
    { long: 'platform', type: 'string', description: 'Set platform if server is multi-platform capable' },
    {
      long: 'progress',
      type: 'string',
      description: 'Set type of progress output (auto, plain, tty, quiet)',
      parse: (v) => {
        if (!PROGRESS.includes(v)) throw new Error(`invalid progress mode "${v}" (auto, plain, tty, quiet)`)
        return v
      },
    },
    { long: 'pull', type: 'bool', description: 'Always attempt to pull a newer version of the image' },
    {
      long: 'quiet',
      short: 'q',
      type: 'bool',
      description: 'Suppress the build output and print image ID on success',
    },
    {
      long: 'rm',
      type: 'bool',
      description: 'Remove intermediate containers after a successful build (default true)',
    },
    {
      long: 'tag',
      short: 't',
      type: 'list',
      description: "Name and optionally a tag in the 'name:tag' format",
    },
    { long: 'target', type: 'string', description: 'Set the target build stage to build.' },
  ],
}

export const run: CommandModule['run'] = async (ctx, flags, args) => {
  const iidfile = flag.str(flags, 'iidfile')
  // Like docker: no stale id file is left behind if this build fails.
  if (iidfile) await rm(iidfile, { force: true })
  const mode = renderModeOf(ctx, flags)
  const source = await prepareContext({
    context: args[0] ?? '.',
    file: flag.str(flags, 'file'),
    cwd: resolve(),
    stdin: ctx.stdin,
  })
  const counted = countBytes(
    flag.bool(flags, 'compress')
      ? source.body.pipe(process.getBuiltinModule('node:zlib').createGzip())
      : source.body,
  )
  const opts: ImageBuildOptions = {
    ...buildQueryOf(ctx, flags),
    dockerfile: source.dockerfile,
    quiet: mode === 'quiet',
    registryConfig: await registryConfigOf(ctx.env),
  }
  const sent = counted.total.then(
    (n) => `Sending build context to Docker daemon ${humanSize(n, 4).padStart(8)}\r\r\n`,
  )
  // A failure to read the context also fails the request body, which reports it.
  sent.catch(() => undefined)
  const preamble = { text: sent, printed: false }
  let imageId: string | undefined
  try {
    imageId = await renderBuild(ctx.client.imageBuild(counted.stream, opts), {
      mode,
      out: ctx.out,
      err: ctx.err,
      now: () => ctx.now().getTime(),
      columns: ctx.terminal?.size()?.width ?? (ctx.out.stream as { columns?: number }).columns,
      preamble,
    })
  } catch (err) {
    // docker prints the upload line even when the daemon refuses the build outright.
    const line = preamble.printed || mode === 'compact' ? undefined : await settledSoon(sent)
    if (line) (mode === 'quiet' ? ctx.err : ctx.out).write(line)
    if (err instanceof BuildError) throw new StatusError(err.code, err.message)
    throw err
  }
  if (iidfile && imageId) await writeFile(iidfile, imageId)
}

function renderModeOf(ctx: CliContext, flags: ParseResult): RenderMode {
  const progress = flag.str(flags, 'progress') ?? 'auto'
  if (flag.bool(flags, 'quiet') || progress === 'quiet') return 'quiet'
  if (progress === 'plain') return 'plain'
  if (progress === 'tty') return 'compact'
  return ctx.stdoutIsTTY ? 'compact' : 'plain'
}

/** The POST /build query from the flags (docker's imageBuildOptions). */
export function buildQueryOf(ctx: Pick<CliContext, 'env'>, flags: ParseResult): ImageBuildOptions {
  const network = flag.str(flags, 'network')
  return {
    tags: flag.list(flags, 'tag'),
    buildArgs: buildArgsOf(flag.list(flags, 'build-arg'), ctx.env),
    labels: labelsOf(flag.list(flags, 'label')),
    target: flag.str(flags, 'target') || undefined,
    noCache: flag.bool(flags, 'no-cache'),
    pull: flag.bool(flags, 'pull'),
    rm: flags.changed.has('rm') ? flag.bool(flags, 'rm') : true,
    forceRm: flag.bool(flags, 'force-rm'),
    networkMode: network && network !== 'default' ? network : undefined,
    platform: flag.str(flags, 'platform') || ctx.env.DOCKER_DEFAULT_PLATFORM || undefined,
    extraHosts: flag.list(flags, 'add-host'),
  }
}

/** --build-arg KEY=VALUE, or KEY alone: the client's environment value (null when unset). */
export function buildArgsOf(values: string[], env: NodeJS.ProcessEnv): Record<string, string | null> {
  const out: Record<string, string | null> = {}
  for (const v of values) {
    const eq = v.indexOf('=')
    if (eq >= 0) out[v.slice(0, eq)] = v.slice(eq + 1)
    else out[v] = env[v] ?? null
  }
  return out
}

/** --label KEY=VALUE, or KEY alone (empty value). */
export function labelsOf(values: string[]): Record<string, string> {
  const out: Record<string, string> = {}
  for (const v of values) {
    const eq = v.indexOf('=')
    out[eq >= 0 ? v.slice(0, eq) : v] = eq >= 0 ? v.slice(eq + 1) : ''
  }
  return out
}

/** X-Registry-Config: every stored credential, as docker sends GetAllCredentials(). */
async function registryConfigOf(env: NodeJS.ProcessEnv): Promise<string> {
  let cfg: { auths?: Record<string, unknown>; credHelpers?: Record<string, string> }
  try {
    cfg = JSON.parse(await readFile(configPath(env), 'utf8'))
  } catch {
    return encodeRegistryAuth({}) // no (readable) config file: docker sends an empty map
  }
  const keys = new Set([...Object.keys(cfg.auths ?? {}), ...Object.keys(cfg.credHelpers ?? {})])
  const all: Record<string, unknown> = {}
  for (const key of keys) {
    const c = await loadCredentials(env, key)
    if (c) all[key] = c
  }
  return encodeRegistryAuth(all)
}

/** The value of `p` if it settles within a moment (an upload cut short never completes). */
async function settledSoon(p: Promise<string>): Promise<string | undefined> {
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<undefined>((r) => {
    timer = setTimeout(() => r(undefined), 50)
  })
  try {
    return await Promise.race([p.catch(() => undefined), late])
  } finally {
    clearTimeout(timer)
  }
}

/** The context stream with its byte count once it has been read through. */
function countBytes(src: Readable): { stream: Readable; total: Promise<number> } {
  let n = 0
  const pass = new PassThrough()
  const total = new Promise<number>((resolve, reject) => {
    src.on('data', (c: Buffer) => {
      n += c.length
    })
    src.once('end', () => resolve(n))
    src.once('error', reject)
  })
  src.once('error', (err) => pass.destroy(err))
  src.pipe(pass)
  return { stream: pass, total }
}
