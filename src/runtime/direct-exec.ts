// Exec sessions without a terminal, run as `runc exec` / `crun exec` children of berthd (as
// containerd's shim does) instead of under a conmon: the process's stdout and stderr come back on
// pipes, its exit code is the runtime's. A session needs no monitor to outlive berthd: Docker does
// not keep exec sessions across a daemon restart either. Terminal sessions stay with conmon
// (conmon-exec.ts), which holds the pty master. Both runtimes take the same arguments here.
//
//   <execRoot>/<id>/x/<execId>/         the session's directory (removed once it has ended)
//   ├── process.json                    <runtime> exec --process
//   ├── pid                             <runtime> exec --pid-file: written once the process runs
//   └── runtime.log                     the runtime's own messages (--log), for a failed start
import { type FSWatcher, watch } from 'node:fs'
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { PassThrough, type Readable } from 'node:stream'
import { setTimeout as sleep } from 'node:timers/promises'
import { ConflictError, InternalError, messageOf } from '../lib/errors.ts'
import { start as spawnChild } from '../lib/exec.ts'
import type { Logger } from '../lib/log.ts'
import { execSessionDir } from './conmon-exec.ts'
import { readPidFile } from './process-util.ts'
import type { ExecOptions, ExecProcess } from './runtime.ts'
import { runtimeMessage } from './runtime-errors.ts'

export interface DirectExecContext {
  /** runc or crun: the binary itself (on hybrid hosts crun's exec needs no wrapper). */
  runtimePath: string
  /** For messages: `runc` or `crun`. */
  runtimeName: string
  stateRoot: string
  /** `<execRoot>/<id>`: the container's conmon directory (sessions live below it). */
  containerDir: string
  log: Logger
}

/** Starts `opts.process` (no terminal) in container `id`; resolves once it runs, with its output
 *  on `stdout`/`stderr`. @throws InternalError with the runtime's message when it cannot start. */
export async function startDirectExec(
  c: DirectExecContext,
  id: string,
  execId: string,
  opts: ExecOptions,
): Promise<ExecProcess> {
  if (opts.tty) throw new InternalError('direct exec sessions have no terminal: use conmon')
  const dir = execSessionDir(c.containerDir, execId)
  await rm(dir, { recursive: true, force: true })
  await mkdir(dir, { recursive: true, mode: 0o700 })
  await writeFile(join(dir, 'process.json'), JSON.stringify(opts.process))
  const pidFile = join(dir, 'pid')
  // Watch before spawning: the pid file may appear before spawn() returns.
  const pidWritten = fileAppears(dir, 'pid')
  // biome-ignore format: flag/value pairs read better one pair per line
  const args = [
    '--root', c.stateRoot,
    '--log', join(dir, 'runtime.log'),
    'exec',
    '--process', join(dir, 'process.json'),
    '--pid-file', pidFile,
    id,
  ]
  const child = spawnChild(c.runtimePath, args, {
    stdio: [opts.openStdin ? 'pipe' : 'ignore', 'pipe', 'pipe'],
    env: { PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin' },
    // Its own session: signals meant for berthd's process group do not reach it.
    detached: true,
  })
  // Node resumes (drains into nothing) the stdio pipes nobody listens to when the child exits,
  // which a short process does before the caller reads: piped into our own streams at once,
  // the output waits for the reader (with back-pressure to the process).
  const stdout = (child.stdout as Readable).pipe(new PassThrough())
  const stderr = (child.stderr as Readable).pipe(new PassThrough())
  const exitCode = new Promise<number>((resolve) => {
    child.once('error', (err) => {
      c.log.error('cannot run the runtime for exec', { id, runtime: c.runtimeName, err: messageOf(err) })
      resolve(-1)
    })
    child.once('exit', (code) => resolve(code ?? -1))
  })
  const started = await Promise.race([pidWritten.seen.then(() => true), exitCode.then(() => false)])
  pidWritten.close()
  let pid = await readPidFile(pidFile)
  // crun writes its pid file in place (runc renames one into place): it may be empty for a moment.
  for (let i = 0; started && pid === undefined && i < 100; i++) {
    await sleep(1)
    pid = await readPidFile(pidFile)
  }
  if (!started && pid === undefined) {
    // The runtime gave up before the process ran: its message is in the log (and on the stderr pipe,
    // which is not the process's output).
    let detail = runtimeMessage(await readFile(join(dir, 'runtime.log'), 'utf8').catch(() => ''))
    // runc starts every exec failure with these words (Docker shows them); crun does not.
    if (detail && !detail.startsWith('exec failed: ')) detail = `exec failed: ${detail}`
    stdout.destroy()
    stderr.destroy()
    await rm(dir, { recursive: true, force: true })
    throw new InternalError(detail || `${c.runtimeName} exec failed (exit ${await exitCode})`)
  }
  // The session's files go in the background: the exit code is what the caller waits for.
  const exited = exitCode.then((code) => {
    void rm(dir, { recursive: true, force: true }).catch(() => undefined)
    return code
  })
  let stdinTaken = false
  return {
    pid: pid ?? 0,
    exited,
    stdout,
    stderr,
    openStdin: async () => {
      if (!opts.openStdin || child.stdin === null || stdinTaken)
        throw new ConflictError('exec session has no stdin')
      stdinTaken = true
      return child.stdin
    },
    // No terminal to resize: like conmon, a resize of a plain session changes nothing.
    resize: async () => undefined,
  }
}

/** Resolves `seen` once `dir/name` has been created (the runtime writes it by rename). */
function fileAppears(dir: string, name: string): { seen: Promise<void>; close(): void } {
  let watcher: FSWatcher | undefined
  const seen = new Promise<void>((resolve) => {
    watcher = watch(dir, (_event, filename) => {
      if (filename === name) resolve()
    })
    watcher.on('error', () => undefined)
  })
  return { seen, close: () => watcher?.close() }
}
