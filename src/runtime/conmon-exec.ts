// Exec sessions under conmon (`conmon --exec --exec-process-spec`), for those that need it: with
// a terminal (conmon holds the pty master); runc and crun run the others (direct-exec.ts).
// One conmon per session, in its own directory, so that its exit file (named after the
// container, HOST-NOTES) cannot collide with another session's. conmon reports on the sync
// pipe first the pid, then the exit code. Output goes to the session's k8s-file log; stdin
// goes through the session's attach socket.
//
//   <execRoot>/<id>/x/<execId>/          the session's "bundle" for conmon (removed at exit)
//   ├── process.json                     --exec-process-spec
//   ├── pid, conmon.pid, conmon.log
//   ├── exit/<id>                        --exit-dir: exit code (fallback when the pipe is lost)
//   └── attach, ctl, winsz               conmon's attach socket and FIFOs (--full-attach)
import { constants } from 'node:fs'
import { mkdir, open, readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Readable } from 'node:stream'
import { ConflictError, errnoOf, InternalError, InvalidArgumentError, messageOf } from '../lib/errors.ts'
import { start as spawnChild } from '../lib/exec.ts'
import type { Logger } from '../lib/log.ts'
import { openAttachStdin } from './attach-stdin.ts'
import type { ExecOptions, ExecProcess } from './runtime.ts'
import { runtimeMessage } from './runtime-errors.ts'
import { parseSyncMessage, type SyncMessage } from './sync-pipe.ts'

export interface ConmonExecContext {
  conmonPath: string
  /** What conmon runs as the OCI runtime. */
  runtimePath: string
  stateRoot: string
  /** `<execRoot>/<id>`: the container's conmon directory. */
  containerDir: string
  log: Logger
}

export function execSessionDir(containerDir: string, execId: string): string {
  // Short: the attach socket path must stay near sockaddr_un's 108 bytes.
  return join(containerDir, 'x', execId.slice(0, 12))
}

/** Starts the session; resolves once the process runs. @throws InternalError with the runtime's
 *  message when it cannot start. */
export async function startConmonExec(
  c: ConmonExecContext,
  id: string,
  execId: string,
  opts: ExecOptions,
): Promise<ExecProcess> {
  const dir = execSessionDir(c.containerDir, execId)
  await rm(dir, { recursive: true, force: true })
  await mkdir(join(dir, 'exit'), { recursive: true, mode: 0o700 })
  await writeFile(join(dir, 'process.json'), JSON.stringify(opts.process))
  // biome-ignore format: flag/value pairs read better one pair per line
  const args = [
    '--api-version', '1',
    '-c', id,
    '-u', execId,
    '-n', id,
    '-r', c.runtimePath,
    '-b', dir,
    '-p', join(dir, 'pid'),
    '--conmon-pidfile', join(dir, 'conmon.pid'),
    '--exit-dir', join(dir, 'exit'),
    '-l', `k8s-file:${opts.logPath}`,
    '--log-level', 'error',
    '--socket-dir-path', dir,
    '--full-attach',
    '--no-sync-log',
    '--runtime-arg', '--root',
    '--runtime-arg', c.stateRoot,
    '--exec',
    '--exec-process-spec', join(dir, 'process.json'),
  ]
  if (opts.tty) args.push('-t')
  if (opts.openStdin) args.push('-i')
  const logFh = await open(join(dir, 'conmon.log'), 'a', 0o600)
  let child: ReturnType<typeof spawnChild>
  try {
    child = spawnChild(c.conmonPath, args, {
      stdio: ['ignore', logFh.fd, logFh.fd, 'pipe'],
      env: { PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin', _OCI_SYNCPIPE: '3' },
      detached: true,
    })
  } finally {
    await logFh.close()
  }
  child.unref()
  const messages = syncMessages(child.stdio[3] as Readable)
  child.once('error', (err) => c.log.error('cannot run conmon for exec', { id, err: messageOf(err) }))
  const first = await messages.next()
  if (first === undefined || first.data <= 0) {
    const detail = runtimeMessage(first?.message ?? '') || (await tail(join(dir, 'conmon.log')))
    await rm(dir, { recursive: true, force: true })
    throw new InternalError(detail || 'conmon exited without reporting the exec pid')
  }
  const exited = exitCodeOf(messages, dir, id).finally(() => rm(dir, { recursive: true, force: true }))
  return {
    pid: first.data,
    exited,
    openStdin: async () => {
      if (!opts.openStdin) throw new ConflictError('exec session has no stdin')
      return openAttachStdin(join(dir, 'attach'))
    },
    resize: (size) => resizeSession(dir, size),
  }
}

async function exitCodeOf(messages: SyncReader, dir: string, id: string): Promise<number> {
  const msg = await messages.next()
  if (msg !== undefined) return msg.data
  // The pipe closed without a second message: fall back to conmon's exit file.
  const text = await readFile(join(dir, 'exit', id), 'utf8').catch(() => '')
  const code = Number.parseInt(text.trim(), 10)
  return Number.isSafeInteger(code) ? code : -1
}

interface SyncReader {
  /** The next message, or undefined once the pipe has ended. */
  next(): Promise<SyncMessage | undefined>
}

/** Reads newline-separated sync messages from conmon's pipe. */
function syncMessages(pipe: Readable): SyncReader {
  const queue: Array<SyncMessage | undefined> = []
  const waiting: Array<(m: SyncMessage | undefined) => void> = []
  let buf = ''
  const push = (m: SyncMessage | undefined) => {
    const w = waiting.shift()
    if (w) w(m)
    else queue.push(m)
  }
  pipe.on('data', (chunk: Buffer) => {
    buf += chunk.toString('utf8')
    for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
      const msg = parseSyncMessage(buf.slice(0, nl))
      buf = buf.slice(nl + 1)
      if (msg !== undefined) push(msg)
    }
  })
  let ended = false
  const end = () => {
    if (ended) return
    ended = true
    const msg = parseSyncMessage(buf)
    if (msg !== undefined) push(msg)
    push(undefined)
  }
  pipe.on('end', end).on('close', end).on('error', end)
  // The daemon must not wait for sessions at shutdown: conmon keeps running without us.
  ;(pipe as Readable & { unref?: () => void }).unref?.()
  return {
    next: () =>
      new Promise((resolve) => {
        if (queue.length > 0) resolve(queue.shift())
        else if (ended) resolve(undefined)
        else waiting.push(resolve)
      }),
  }
}

async function resizeSession(dir: string, size: { height: number; width: number }): Promise<void> {
  const { height, width } = size
  for (const n of [height, width]) {
    if (!Number.isInteger(n) || n < 0 || n > 1000)
      throw new InvalidArgumentError(`invalid terminal size ${height}x${width}`)
  }
  let fh: Awaited<ReturnType<typeof open>>
  try {
    fh = await open(join(dir, 'ctl'), constants.O_WRONLY | constants.O_NONBLOCK)
  } catch (err) {
    const code = errnoOf(err)
    if (code === 'ENOENT' || code === 'ENXIO')
      throw new ConflictError('exec session is not running', { cause: err })
    throw new InternalError(`exec resize: ${messageOf(err)}`, { cause: err })
  }
  try {
    await fh.write(`1 ${height} ${width}\n`)
  } finally {
    await fh.close()
  }
}

async function tail(path: string): Promise<string> {
  const text = await readFile(path, 'utf8').catch(() => '')
  return text.trim().split('\n').slice(-5).join('\n')
}
