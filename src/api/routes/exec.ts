// Engine API exec routes: create (POST /containers/{id}/exec), start (hijacked like attach,
// multiplexed unless Tty), inspect and resize. Parsing and encoding only; ExecService runs them.
import type { Duplex } from 'node:stream'
import type { ExecConfig, ExecInstance, ExecService, ExecSession } from '../../container/index.ts'
import { BerthError, InvalidArgumentError } from '../../lib/errors.ts'
import { int } from '../query.ts'
import { type ApiReply, type ApiRequest, get, json, post, type Route } from '../router.ts'
import { frame, MULTIPLEXED, RAW_STREAM } from '../stream/multiplex.ts'

export function execRoutes(execs: ExecService): Route[] {
  return [
    post('/containers/:id/exec', (req) => containerExec(execs, req)),
    post('/exec/:id/start', (req) => execStart(execs, req)),
    get('/exec/:id/json', async (req) => json(toExecInspect(execs.inspect(req.params.id!)))),
    post('/exec/:id/resize', async (req) => {
      await execs.resize(req.params.id!, { height: int(req, 'h') ?? 0, width: int(req, 'w') ?? 0 })
      return { kind: 'empty', status: 200 }
    }),
  ]
}

async function containerExec(execs: ExecService, req: ApiRequest): Promise<ApiReply> {
  const id = execs.create(req.params.id!, toExecConfig(await req.json()))
  return json({ Id: id }, 201)
}

async function execStart(execs: ExecService, req: ApiRequest): Promise<ApiReply> {
  const body = asObject(req.upgrade ? await req.json() : await req.json(), 'body')
  const size = body.ConsoleSize
  const consoleSize =
    Array.isArray(size) && size.length === 2 && size.every((n) => Number.isInteger(n) && n > 0)
      ? { height: size[0] as number, width: size[1] as number }
      : undefined
  const detach = body.Detach === true
  const id = req.params.id!
  if (detach) {
    await execs.start(id, { detach, consoleSize })
    return { kind: 'empty', status: 200 }
  }
  // As dockerd: the connection is upgraded first (a missing exec is still a 404), then the
  // process starts. Clients such as docker-py read the 101 head on its own and lose output
  // that arrives with it, so the head must not wait for the process.
  const { config } = execs.inspect(id)
  return {
    kind: 'hijack',
    contentType: config.tty ? RAW_STREAM : MULTIPLEXED,
    run: async (conn) => {
      let session: ExecSession | undefined
      try {
        session = await execs.start(id, { detach, consoleSize })
      } catch (err) {
        // Docker answers a start that fails after the upgrade in-band: the message is the
        // output, and the exit code (126/127) is left in exec inspect for the client.
        if (!(err instanceof BerthError)) throw err
        const text = Buffer.from(`${err.message}\r\n`)
        conn.end(config.tty ? text : frame(1, text))
        return
      }
      if (session === undefined) return void conn.end()
      await pump(session, conn, { stdout: config.attachStdout, stderr: config.attachStderr })
    },
  }
}

/** Client bytes → the process's stdin; output → the client until the process exits. */
async function pump(
  session: ExecSession,
  conn: Duplex,
  o: { stdout: boolean; stderr: boolean },
): Promise<void> {
  // A client that hangs up early must not crash the daemon with EPIPE.
  conn.on('error', () => conn.destroy())
  const input = session.stdin
  if (input) {
    input.on('error', () => undefined) // the process may exit before its stdin is drained
    conn.on('data', (c: Buffer) => input.write(c))
    conn.on('end', () => input.end())
    conn.on('close', () => input.end())
  }
  for await (const batch of session.output) {
    if (conn.destroyed) break
    const chunks = batch
      .filter((e) => (e.stream === 'stdout' ? o.stdout : o.stderr))
      .map((e) => (session.tty ? e.data : frame(e.stream === 'stdout' ? 1 : 2, e.data)))
    if (chunks.length === 0) continue
    if (!conn.write(Buffer.concat(chunks)))
      await new Promise<void>((r) => conn.once('drain', r).once('close', r))
  }
  if (!conn.destroyed) conn.end()
}

export function toExecConfig(raw: unknown): ExecConfig {
  const b = asObject(raw, 'body')
  const cmd = strings(b.Cmd, 'Cmd')
  return {
    cmd,
    env: strings(b.Env, 'Env'),
    workingDir: str(b.WorkingDir, 'WorkingDir'),
    user: str(b.User, 'User'),
    tty: b.Tty === true,
    attachStdin: b.AttachStdin === true,
    attachStdout: b.AttachStdout === true,
    attachStderr: b.AttachStderr === true,
    privileged: b.Privileged === true,
    detachKeys: str(b.DetachKeys, 'DetachKeys'),
  }
}

/** Engine API ExecInspectResponse. */
export function toExecInspect(e: ExecInstance): Record<string, unknown> {
  const [entrypoint = '', ...args] = e.config.cmd
  return {
    ID: e.id,
    Running: e.running,
    ExitCode: e.exitCode ?? 0, // the spec says integer; Docker's null means "not yet"
    ProcessConfig: {
      tty: e.config.tty,
      entrypoint,
      arguments: args,
      privileged: e.config.privileged,
      user: e.config.user,
    },
    OpenStdin: e.config.attachStdin,
    OpenStderr: e.config.attachStderr,
    OpenStdout: e.config.attachStdout,
    CanRemove: false,
    ContainerID: e.containerId,
    DetachKeys: e.config.detachKeys,
    Pid: e.pid,
  }
}

function asObject(v: unknown, what: string): Record<string, unknown> {
  if (v === undefined || v === null) return {}
  if (typeof v !== 'object' || Array.isArray(v)) throw new InvalidArgumentError(`${what} must be an object`)
  return v as Record<string, unknown>
}

function strings(v: unknown, field: string): string[] {
  if (v === undefined || v === null) return []
  if (typeof v === 'string') return [v]
  if (!Array.isArray(v) || !v.every((s) => typeof s === 'string'))
    throw new InvalidArgumentError(`${field} must be an array of strings`)
  return v as string[]
}

function str(v: unknown, field: string): string {
  if (v === undefined || v === null) return ''
  if (typeof v !== 'string') throw new InvalidArgumentError(`${field} must be a string, not ${typeof v}`)
  return v
}
