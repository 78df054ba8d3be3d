// ExecService: Docker's exec instances. Holds the sessions in memory (like Docker, they do not
// survive a daemon restart), builds each session's OCI process from the container's own
// config.json, and runs it through Runtime.exec. Output comes from the session's pipes or, when
// the runtime logs it (terminal sessions under conmon), from a per-session log file.
// It does not decide container state: ContainerService does; this only refuses non-running ones.
import { readFile, rm } from 'node:fs/promises'
import { dirname, isAbsolute, join } from 'node:path'
import {
  ConflictError,
  InternalError,
  InvalidArgumentError,
  messageOf,
  NotFoundError,
} from '../lib/errors.ts'
import { newId } from '../lib/ids.ts'
import type { ExecProcess } from '../runtime/runtime.ts'
import type { ContainerService } from './container-service.ts'
import { NotRunningError } from './errors.ts'
import { LogEntry, readLogs } from './logs.ts'
import type { ContainerRecord } from './types.ts'
import { resolveGroupAdd, resolveUser } from './user.ts'

export interface ExecConfig {
  cmd: string[]
  env: string[]
  workingDir: string
  user: string
  tty: boolean
  attachStdin: boolean
  attachStdout: boolean
  attachStderr: boolean
  privileged: boolean
  detachKeys: string
}

export interface ExecInstance {
  id: string
  containerId: string
  config: ExecConfig
  running: boolean
  /** null until the process has exited. */
  exitCode: number | null
  /** Host pid while running (0 before start). */
  pid: number
  /** Set once start() has been called: an exec instance runs at most once. */
  started: boolean
}

export interface ExecSession {
  tty: boolean
  /** Output until the process exits (then the exit code is already in inspect()). */
  output: AsyncIterable<LogEntry[]>
  stdin?: NodeJS.WritableStream
}

/** Docker keeps finished exec instances around for inspect; forget them after this long. */
const FINISHED_TTL_MS = 5 * 60_000

export class ExecService {
  readonly #containers: ContainerService
  readonly #execs = new Map<string, ExecInstance & { process?: ExecProcess }>()

  constructor(containers: ContainerService) {
    this.#containers = containers
  }

  /** Engine API exec create. @throws NotFoundError (container), ConflictError when it is not
   *  running or paused, InvalidArgumentError without a command. */
  create(ref: string, config: ExecConfig): string {
    const rec = this.#containers.get(ref)
    checkRunning(rec)
    if (config.cmd.length === 0) throw new InvalidArgumentError('No exec command specified')
    const id = newId()
    this.#execs.set(id, {
      id,
      containerId: rec.id,
      config,
      running: false,
      exitCode: null,
      pid: 0,
      started: false,
    })
    this.#publish(rec, `exec_create: ${config.cmd.join(' ')}`, { execID: id })
    return id
  }

  /** @throws NotFoundError "No such exec instance". */
  inspect(id: string): ExecInstance {
    const e = this.#execs.get(id)
    if (e === undefined) throw new NotFoundError(`No such exec instance: ${id}`)
    const { process: _process, ...rest } = e
    return rest
  }

  /** Starts the process. Attached (detach false): resolves with its output and stdin.
   *  @throws ConflictError when already started or the container is not running. */
  async start(
    id: string,
    opts: { detach: boolean; consoleSize?: { height: number; width: number } },
  ): Promise<ExecSession | undefined> {
    const e = this.#execs.get(id)
    if (e === undefined) throw new NotFoundError(`No such exec instance: ${id}`)
    if (e.started) throw new ConflictError(`Exec command ${id} is already running`)
    const rec = this.#containers.get(e.containerId)
    checkRunning(rec)
    e.started = true
    const c = e.config
    const logPath = join(dirname(rec.logPath), `exec-${id}.log`)
    const openStdin = c.attachStdin && !opts.detach
    let proc: ExecProcess
    try {
      proc = await this.#containers.deps.runtime.exec(rec.id, id, {
        process: await this.#processSpec(rec, c, opts.consoleSize),
        tty: c.tty,
        openStdin,
        logPath,
      })
    } catch (err) {
      // Docker's codes for a process that cannot run: 127 not found, else 126.
      e.exitCode = /not found|no such file/i.test(messageOf(err)) ? 127 : 126
      if (err instanceof NotFoundError || err instanceof ConflictError) throw new NotRunningError(rec.id)
      // dockerd's wording around the runtime's own message.
      if (err instanceof InternalError)
        throw new InternalError(`OCI runtime exec failed: ${err.message}: unknown`, { cause: err })
      throw err
    }
    Object.assign(e, { process: proc, pid: proc.pid, running: true })
    this.#publish(rec, `exec_start: ${c.cmd.join(' ')}`, { execID: id })
    const finished = proc.exited.then((code) => {
      Object.assign(e, { running: false, exitCode: code, pid: 0, process: undefined })
      this.#publish(rec, 'exec_die', { execID: id, exitCode: String(code) })
      setTimeout(() => this.#execs.delete(id), FINISHED_TTL_MS).unref()
    })
    const { stdout, stderr } = proc
    if (opts.detach) {
      // Nobody reads a detached session's output.
      stdout?.resume()
      stderr?.resume()
      void finished.then(() => rm(logPath, { force: true }))
      return undefined
    }
    const stdin = openStdin ? await proc.openStdin().catch(() => undefined) : undefined
    if (stdout && stderr) return { tty: c.tty, output: pipedOutput(stdout, stderr, finished), stdin }
    async function* output(): AsyncGenerator<LogEntry[]> {
      try {
        yield* readLogs(logPath, { follow: true, stopped: finished })
      } finally {
        void finished.then(() => rm(logPath, { force: true }))
      }
    }
    return { tty: c.tty, output: output(), stdin }
  }

  /** @throws NotFoundError, ConflictError when the session is not running, InvalidArgumentError. */
  async resize(id: string, size: { height: number; width: number }): Promise<void> {
    const e = this.#execs.get(id)
    if (e === undefined) throw new NotFoundError(`No such exec instance: ${id}`)
    if (e.process === undefined) throw new ConflictError(`Exec ${id} is not running`)
    await e.process.resize(size)
  }

  /** The OCI process: the container's own (capabilities, rlimits, seccomp, env) with the exec's
   *  command, environment, working directory, user and terminal. */
  async #processSpec(
    rec: ContainerRecord,
    c: ExecConfig,
    consoleSize: { height: number; width: number } | undefined,
  ): Promise<Record<string, unknown>> {
    const bundle = join(this.#containers.deps.bundleRoot, rec.id)
    let spec: { process?: Record<string, unknown>; root?: { path?: string } }
    try {
      spec = JSON.parse(await readFile(join(bundle, 'config.json'), 'utf8'))
    } catch (err) {
      throw new NotRunningError(`${rec.id} (${messageOf(err)})`)
    }
    const base = spec.process ?? {}
    const env = mergeEnv(Array.isArray(base.env) ? base.env.map(String) : [], c.env)
    const proc: Record<string, unknown> = { ...base, args: c.cmd, env, terminal: c.tty }
    delete proc.consoleSize
    if (c.tty && consoleSize) proc.consoleSize = consoleSize
    if (c.tty && !env.some((e) => e.startsWith('TERM='))) env.push('TERM=xterm')
    if (c.workingDir) proc.cwd = c.workingDir
    const caps = (base.capabilities ?? {}) as Record<string, string[]>
    let isRoot = (base.user as { uid?: number } | undefined)?.uid === 0
    if (c.user) {
      const rootPath = spec.root?.path ?? 'rootfs'
      const rootfs = isAbsolute(rootPath) ? rootPath : join(bundle, rootPath)
      const user = await resolveUser(rootfs, c.user)
      // moby's getUser: the user's own groups, then the container's --group-add.
      const groupAdd = await resolveGroupAdd(
        rootfs,
        (rec.hostConfig.GroupAdd as string[] | null | undefined) ?? [],
      )
      proc.user = { uid: user.uid, gid: user.gid, additionalGids: [...user.additionalGids, ...groupAdd] }
      isRoot = user.uid === 0
      if (!c.env.some((e) => e.startsWith('HOME='))) setEnv(env, 'HOME', user.home || '/')
    }
    const bounding = caps.bounding ?? []
    const granted = isRoot || c.privileged ? bounding : []
    proc.capabilities = { ...caps, bounding, effective: granted, permitted: granted }
    return proc
  }

  #publish(rec: ContainerRecord, action: string, extra: Record<string, string>): void {
    this.#containers.deps.publisher.publish('container', action, rec.id, {
      ...this.#containers.attrs(rec),
      ...extra,
    })
  }
}

/** A session's output straight from its pipes, in arrival order, until both have ended and the
 *  process has exited (`finished`). Reading pauses while the consumer is behind. */
async function* pipedOutput(
  stdout: NodeJS.ReadableStream,
  stderr: NodeJS.ReadableStream,
  finished: Promise<unknown>,
): AsyncGenerator<LogEntry[]> {
  const queue: LogEntry[] = []
  const streams = [stdout, stderr]
  let open = streams.length
  let wake: (() => void) | undefined
  const notify = () => {
    const w = wake
    wake = undefined
    w?.()
  }
  const onData = (name: 'stdout' | 'stderr') => (chunk: Buffer) => {
    // Exec output is never shown with timestamps: the entry carries none.
    queue.push(new LogEntry(name, chunk, 0, chunk.length, 0, 0))
    if (queue.length >= 64) for (const s of streams) s.pause()
    notify()
  }
  for (const [s, name] of [
    [stdout, 'stdout'],
    [stderr, 'stderr'],
  ] as const) {
    let ended = false
    const end = () => {
      if (ended) return
      ended = true
      open--
      notify()
    }
    s.on('data', onData(name)).once('end', end).once('close', end).once('error', end)
  }
  try {
    for (;;) {
      if (queue.length > 0) {
        const batch = queue.splice(0)
        for (const s of streams) s.resume()
        yield batch
        continue
      }
      if (open === 0) break
      await new Promise<void>((r) => {
        wake = r
      })
    }
    await finished
  } finally {
    // The consumer may stop early (client gone): the process's output is then discarded.
    for (const s of streams) {
      s.removeAllListeners('data')
      s.resume()
    }
  }
}

function checkRunning(rec: ContainerRecord): void {
  if (rec.state.status === 'paused')
    throw new ConflictError(`Container ${rec.id} is paused, unpause the container before exec`)
  if (rec.state.status !== 'running') throw new NotRunningError(rec.id)
}

/** The container's environment with the exec's variables added or replacing same-named ones;
 *  a bare `VAR` (no `=`) unsets VAR, as moby's ReplaceOrAppendEnvValues does. */
export function mergeEnv(base: string[], extra: string[]): string[] {
  let out = [...base]
  for (const kv of extra) {
    const key = kv.split('=', 1)[0] ?? kv
    if (!kv.includes('=')) {
      out = out.filter((e) => !e.startsWith(`${key}=`))
      continue
    }
    setEnv(out, key, kv.slice(key.length + 1))
  }
  return out
}

function setEnv(env: string[], key: string, value: string): void {
  const i = env.findIndex((e) => e.startsWith(`${key}=`))
  if (i >= 0) env[i] = `${key}=${value}`
  else env.push(`${key}=${value}`)
}
