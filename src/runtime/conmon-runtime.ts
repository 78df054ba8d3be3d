// ConmonRuntime: the Runtime that drives runc or crun through one conmon per container. conmon
// keeps the container's stdio, logs (k8s-file), exit code and attach socket, so containers outlive
// berthd. This adapter holds no container state of its own: everything is on disk (see
// conmon-paths.ts) or in the OCI runtime's state root. It does not write config.json.
import { randomBytes } from 'node:crypto'
import { constants } from 'node:fs'
import { access, mkdir, open, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises'
import { isAbsolute, join } from 'node:path'
import type { Readable, Writable } from 'node:stream'
import {
  ConflictError,
  errnoOf,
  InternalError,
  InvalidArgumentError,
  isNotFound,
  messageOf,
  NotFoundError,
  UnavailableError,
} from '../lib/errors.ts'
import { run, start as spawnChild } from '../lib/exec.ts'
import type { Logger } from '../lib/log.ts'
import { openAttachStdin } from './attach-stdin.ts'
import { type CgroupVersion, detectCgroups, removeCgroup } from './cgroups.ts'
import { conmonCreateArgs } from './conmon-args.ts'
import { startConmonExec } from './conmon-exec.ts'
import { type ConmonPaths, conmonPaths, isSafeId } from './conmon-paths.ts'
import { crunDeleteStopped, crunStartViaExecFifo } from './crun-direct.ts'
import { startDirectExec } from './direct-exec.ts'
import { ExitWatcher } from './exit-watcher.ts'
import { isAlive, readPidFile, waitGone } from './process-util.ts'
import { deleteStopped, startViaExecFifo } from './runc-direct.ts'
import type {
  CreateOptions,
  ExecOptions,
  ExecProcess,
  ExitStatus,
  Runtime,
  RuntimeState,
  RuntimeStatus,
} from './runtime.ts'
import { runtimeMessage } from './runtime-errors.ts'
import { type ContainerStats, readCgroupStats, readNetworkStats } from './stats.ts'
import { readSyncMessage } from './sync-pipe.ts'

export interface ConmonRuntimeOptions {
  /** Absolute path of conmon (2.1.x). */
  conmonPath: string
  /** Absolute path of the OCI runtime binary (runc or crun). */
  runtimePath: string
  /** Shown by /info; `crun` enables the hybrid-cgroup workaround. */
  runtimeName: string
  /** The runtime's own state root (`--root`), e.g. `<exec-root>/runc`; never the system default. */
  stateRoot: string
  /** Where conmon's per-container files live (pid files, exit files, persist dirs). */
  execRoot: string
  log: Logger
  /** Host cgroup layout; detected on first use when omitted. */
  cgroupVersion?: CgroupVersion
  /** conmon's --log-level; its messages go to `<execRoot>/<id>/conmon.log`. Default `error`. */
  conmonLogLevel?: 'error' | 'warn' | 'info' | 'debug'
  /** Absolute path of util-linux unshare, for the crun hybrid workaround. */
  unsharePath?: string
}

const STATUSES: readonly RuntimeStatus[] = ['created', 'running', 'paused', 'stopped']
/** How long delete() waits for conmon to record an exit before killing it. */
const CONMON_EXIT_TIMEOUT_MS = 2000

export class ConmonRuntime implements Runtime {
  readonly name: string
  readonly #o: ConmonRuntimeOptions
  readonly #exits: ExitWatcher
  #ready: Promise<string> | undefined
  #cgroupVersion: CgroupVersion | undefined

  constructor(opts: ConmonRuntimeOptions) {
    for (const p of [opts.conmonPath, opts.runtimePath, opts.stateRoot, opts.execRoot]) {
      if (!isAbsolute(p)) throw new InvalidArgumentError(`ConmonRuntime needs absolute paths, got "${p}"`)
    }
    this.name = opts.runtimeName
    this.#o = opts
    this.#exits = new ExitWatcher(join(opts.execRoot, 'exits'), opts.log)
  }

  async create(id: string, opts: CreateOptions): Promise<{ pid: number }> {
    checkId(id)
    if (!isAbsolute(opts.bundle) || !isAbsolute(opts.logPath)) {
      throw new InvalidArgumentError('bundle and logPath must be absolute paths')
    }
    const runtimePath = await this.#setup()
    // Never clean up after a create that collided with a live container: refuse up front.
    if (await this.#known(id)) throw new ConflictError(`container ${id} already exists in ${this.name}`)
    const p = this.#paths(id)
    await rm(p.dir, { recursive: true, force: true })
    await rm(p.exitFile, { force: true })
    await mkdir(p.persistDir, { recursive: true, mode: 0o700 })
    await symlink(opts.bundle, p.bundleLink)
    const args = conmonCreateArgs({
      id,
      runtimePath,
      stateRoot: this.#o.stateRoot,
      bundle: opts.bundle,
      logPath: opts.logPath,
      logSizeMax: opts.logSizeMax,
      tty: opts.tty,
      openStdin: opts.openStdin,
      // Docker never closes a TTY container's stdin when a client detaches or hangs up, even
      // with StdinOnce: the terminal stays usable for the next `attach`.
      stdinOnce: opts.stdinOnce && !opts.tty,
      logLevel: this.#o.conmonLogLevel ?? 'error',
      paths: p,
    })
    let result: { pid: number } | { error: string }
    try {
      result = await this.#spawnConmon(args, p, opts.signal)
    } catch (err) {
      await this.#cleanupFailedCreate(id, p)
      throw err
    }
    if ('pid' in result) return result
    await this.#cleanupFailedCreate(id, p)
    throw new InternalError(result.error)
  }

  async start(id: string): Promise<void> {
    checkId(id)
    // runc's start is reading its exec fifo, crun's writing to it: done here, without a runtime
    // process (runc-direct.ts, crun-direct.ts). runc's needs the init pid (to notice an init that
    // dies first); without one, runc does it.
    const stateDir = join(this.#o.stateRoot, id)
    if (this.#o.runtimeName === 'crun') return crunStartViaExecFifo(stateDir)
    const initPid = this.#o.runtimeName === 'runc' ? await readPidFile(this.#paths(id).pidFile) : undefined
    if (initPid !== undefined) return startViaExecFifo(stateDir, initPid)
    await this.#runtimeOrThrow(id, ['start', id])
  }

  async kill(id: string, signal: string, opts: { all?: boolean } = {}): Promise<void> {
    checkId(id)
    if (!/^(SIG)?[A-Z0-9+-]+$/.test(signal)) throw new InvalidArgumentError(`invalid signal "${signal}"`)
    await this.#runtimeOrThrow(id, ['kill', ...(opts.all ? ['--all'] : []), id, signal])
  }

  async pause(id: string): Promise<void> {
    checkId(id)
    await this.#runtimeOrThrow(id, ['pause', id])
  }

  async resume(id: string): Promise<void> {
    checkId(id)
    await this.#runtimeOrThrow(id, ['resume', id])
  }

  async update(id: string, resources: Record<string, unknown>): Promise<void> {
    checkId(id)
    const runtimePath = await this.#setup()
    // From a file: crun opens /dev/stdin for "-", which fails on the socket Node gives a child.
    const file = join(this.#o.execRoot, `update-${id}-${randomBytes(4).toString('hex')}.json`)
    await writeFile(file, JSON.stringify(resources), { mode: 0o600 })
    const res = await run(runtimePath, ['--root', this.#o.stateRoot, 'update', '--resources', file, id], {
      allowFailure: true,
    }).finally(() => rm(file, { force: true }))
    if (res.code === 0) return
    if (!(await this.#known(id))) throw new NotFoundError(`no such container: ${id}`)
    throw new InternalError(runtimeMessage(res.stderr) || `${this.name} update failed (exit ${res.code})`)
  }

  async delete(id: string, opts: { force?: boolean } = {}): Promise<void> {
    checkId(id)
    const p = this.#paths(id)
    const [known, hasDir] = await Promise.all([this.#known(id), exists(p.dir)])
    if (!known && !hasDir && !(await exists(p.exitFile))) return // fast path: `run` deletes before create
    // A plainly stopped container is deleted without a runtime process (runc-direct.ts,
    // crun-direct.ts).
    const stateDir = join(this.#o.stateRoot, id)
    const name = this.#o.runtimeName
    const direct =
      known &&
      ((name === 'runc' && (await deleteStopped(stateDir))) ||
        (name === 'crun' && (await crunDeleteStopped(stateDir))))
    if (known && !direct) {
      const runtimePath = await this.#setup()
      const args = ['delete', ...(opts.force ? ['--force'] : []), id]
      const res = await run(runtimePath, ['--root', this.#o.stateRoot, ...args], { allowFailure: true })
      if (res.code !== 0 && (await this.#known(id))) {
        const message = runtimeMessage(res.stderr) || `${this.name} delete failed`
        throw opts.force ? new InternalError(message) : new ConflictError(message)
      }
    }
    // conmon writes the exit file after the container dies; let it finish so nothing reappears.
    const conmonPid = await readPidFile(p.conmonPidFile)
    if (conmonPid !== undefined) await waitGone(conmonPid, CONMON_EXIT_TIMEOUT_MS)
    await rm(p.dir, { recursive: true, force: true })
    await rm(p.exitFile, { force: true })
  }

  async state(id: string): Promise<RuntimeState | undefined> {
    checkId(id)
    if (!(await this.#known(id))) return undefined
    const res = await this.#runtime(['state', id])
    if (res.code !== 0) {
      if (!(await this.#known(id))) return undefined
      throw new InternalError(runtimeMessage(res.stderr) || `${this.name} state failed`)
    }
    const parsed = JSON.parse(res.stdout) as { status?: unknown; pid?: unknown }
    const status = STATUSES.find((s) => s === parsed.status)
    if (status === undefined)
      throw new InternalError(`${this.name} state: unexpected status ${String(parsed.status)}`)
    return { status, pid: typeof parsed.pid === 'number' ? parsed.pid : 0 }
  }

  async pids(id: string): Promise<number[]> {
    checkId(id)
    const res = await this.#runtimeOrThrow(id, ['ps', '--format', 'json', id])
    const parsed: unknown = JSON.parse(res.stdout.trim() || 'null')
    return Array.isArray(parsed) ? parsed.filter((n): n is number => typeof n === 'number') : []
  }

  async exitStatus(id: string): Promise<ExitStatus | undefined> {
    checkId(id)
    const p = this.#paths(id)
    let text: string
    let finishedAt: Date
    try {
      const fh = await open(p.exitFile, 'r')
      try {
        finishedAt = (await fh.stat()).mtime
        text = await fh.readFile('utf8')
      } finally {
        await fh.close()
      }
    } catch (err) {
      if (isNotFound(err)) return undefined
      throw err
    }
    const exitCode = Number.parseInt(text.trim(), 10)
    if (!Number.isSafeInteger(exitCode)) throw new InternalError(`unreadable exit file for ${id}: "${text}"`)
    // conmon 2.1.x writes `oom` into the persist dir; older ones wrote it into their cwd (the bundle).
    const oomKilled = (await exists(p.oomFile)) || (await exists(join(p.bundleLink, 'oom')))
    return { exitCode, finishedAt, oomKilled }
  }

  onExit(listener: (id: string) => void): () => void {
    return this.#exits.subscribe(listener)
  }

  async openStdin(id: string): Promise<NodeJS.WritableStream> {
    checkId(id)
    const p = this.#paths(id)
    if (!(await exists(p.dir))) throw new NotFoundError(`no such container: ${id}`)
    const stream: Writable = await openAttachStdin(p.attachSocket)
    return stream
  }

  async resize(id: string, size: { height: number; width: number }): Promise<void> {
    checkId(id)
    const { height, width } = size
    // conmon rejects sizes outside 0..1000 (ctrl.c); say so instead of failing silently.
    for (const n of [height, width]) {
      if (!Number.isInteger(n) || n < 0 || n > 1000)
        throw new InvalidArgumentError(`invalid terminal size ${height}x${width}`)
    }
    const p = this.#paths(id)
    let fh: Awaited<ReturnType<typeof open>>
    try {
      // Non-blocking: opening a FIFO nobody reads (conmon gone) must fail, not hang.
      fh = await open(p.ctlFifo, constants.O_WRONLY | constants.O_NONBLOCK)
    } catch (err) {
      const code = errnoOf(err)
      if (code === 'ENOENT') throw new NotFoundError(`no such container: ${id}`, { cause: err })
      if (code === 'ENXIO') throw new ConflictError(`container ${id} is not running`, { cause: err })
      throw new InternalError(`resize ${id}: ${messageOf(err)}`, { cause: err })
    }
    try {
      // conmon ctl message: `<type> <height> <width>\n`, type 1 = window resize.
      await fh.write(`1 ${height} ${width}\n`)
    } finally {
      await fh.close()
    }
  }

  async exec(id: string, execId: string, opts: ExecOptions): Promise<ExecProcess> {
    checkId(id)
    checkId(execId)
    // The init pid from conmon's pidfile instead of `runc state` (a process, ~15 ms on the
    // path of every exec); runc exec itself refuses a paused or stopping container.
    const pid = await readPidFile(this.#paths(id).pidFile)
    if (pid === undefined) throw new NotFoundError(`no such container: ${id}`)
    if (!(await isAlive(pid))) throw new ConflictError(`container ${id} is stopped, not running`)
    // runc keeps the exec fifo until `runc start`: its presence means "created".
    if (await exists(join(this.#o.stateRoot, id, 'exec.fifo')))
      throw new ConflictError(`container ${id} is created, not running`)
    // crun's exec joins the v1 hierarchies on a hybrid host by itself: it goes without the wrapper.
    const { runtimeName } = this.#o
    const wrapped = await this.#setup()
    const ctx = {
      conmonPath: this.#o.conmonPath,
      runtimePath: runtimeName === 'crun' ? this.#o.runtimePath : wrapped,
      stateRoot: this.#o.stateRoot,
      containerDir: this.#paths(id).dir,
      log: this.#o.log,
    }
    // Without a terminal, the runtime runs the session itself, as berthd's child (direct-exec.ts).
    if (!opts.tty && (runtimeName === 'runc' || runtimeName === 'crun'))
      return startDirectExec({ ...ctx, runtimeName }, id, execId, opts)
    return startConmonExec(ctx, id, execId, opts)
  }

  async stats(id: string): Promise<ContainerStats> {
    checkId(id)
    const cgroupsPath = await readCgroupsPath(join(this.#paths(id).bundleLink, 'config.json'))
    if (cgroupsPath === undefined) throw new NotFoundError(`no cgroup for container ${id}`)
    this.#cgroupVersion ??= this.#o.cgroupVersion ?? (await detectCgroups()).version
    const stats = await readCgroupStats(cgroupsPath, this.#cgroupVersion)
    // conmon's --container-pidfile: the init pid, without spawning `runc state` every second.
    // No pidfile yet (the container is being created) just means no network figures.
    const pid = await readPidFile(this.#paths(id).pidFile)
    const networks = pid === undefined ? undefined : await readNetworkStats(pid)
    return networks ? { ...stats, networks } : stats
  }

  // ---- internals ----

  #paths(id: string): ConmonPaths {
    return conmonPaths(this.#o.execRoot, id)
  }

  /** Creates the roots once and returns what conmon should run as the runtime. */
  #setup(): Promise<string> {
    this.#ready ??= this.#doSetup().catch((err) => {
      this.#ready = undefined
      throw err
    })
    return this.#ready
  }

  async #doSetup(): Promise<string> {
    const { execRoot, stateRoot, runtimePath, runtimeName } = this.#o
    await mkdir(join(execRoot, 'exits'), { recursive: true, mode: 0o700 })
    await mkdir(stateRoot, { recursive: true, mode: 0o700 })
    for (const bin of [this.#o.conmonPath, runtimePath]) {
      try {
        await access(bin, constants.X_OK)
      } catch (err) {
        throw new UnavailableError(`cannot run ${bin}: ${messageOf(err)}`, { cause: err })
      }
    }
    if (runtimeName !== 'crun') return runtimePath
    const version = this.#o.cgroupVersion ?? (await detectCgroups()).version
    if (version !== 'hybrid') return runtimePath
    // HOST-NOTES: crun refuses hybrid hosts; in a private mount namespace without the cgroup2
    // mount it sees plain v1. Every crun command goes through this wrapper, not only create.
    const wrapper = join(execRoot, 'crun-hybrid')
    const unshare = this.#o.unsharePath ?? '/usr/bin/unshare'
    const script = [
      '#!/bin/sh',
      '# Written by berth: run crun where the hybrid cgroup2 mount is not visible.',
      `exec ${shellQuote(unshare)} -m --propagation private /bin/sh -c 'umount /sys/fs/cgroup/unified && exec "$0" "$@"' ${shellQuote(runtimePath)} "$@"`,
      '',
    ].join('\n')
    await writeFile(wrapper, script, { mode: 0o755 })
    this.#o.log.info('crun on a hybrid cgroup host: running it in a private mount namespace', { wrapper })
    return wrapper
  }

  /** Spawns conmon and waits for its sync message: the container's pid or the runtime's error. */
  async #spawnConmon(
    args: string[],
    p: ConmonPaths,
    signal: AbortSignal | undefined,
  ): Promise<{ pid: number } | { error: string }> {
    const logFh = await open(p.conmonLog, 'a', 0o600)
    let child: ReturnType<typeof spawnChild>
    try {
      child = spawnChild(this.#o.conmonPath, args, {
        stdio: ['ignore', logFh.fd, logFh.fd, 'pipe'],
        env: { PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin', _OCI_SYNCPIPE: '3' },
        detached: true,
      })
    } finally {
      await logFh.close()
    }
    const pipe = child.stdio[3] as Readable
    let spawnError: Error | undefined
    child.once('error', (err) => {
      spawnError = err
      pipe.destroy()
    })
    try {
      const msg = await readSyncMessage(pipe, signal)
      if (msg !== undefined && msg.data > 0) return { pid: msg.data }
      if (spawnError !== undefined)
        throw new InternalError(`cannot run conmon: ${spawnError.message}`, { cause: spawnError })
      const detail = runtimeMessage(msg?.message ?? '') || (await this.#conmonLogTail(p))
      return { error: detail || 'conmon exited without reporting the container pid' }
    } finally {
      pipe.destroy()
      child.unref()
    }
  }

  async #conmonLogTail(p: ConmonPaths): Promise<string> {
    const text = await readFile(p.conmonLog, 'utf8').catch(() => '')
    return text.trim().split('\n').slice(-5).join('\n')
  }

  /** After a failed create: nothing of the container may remain (runtime state, conmon, cgroup, files). */
  async #cleanupFailedCreate(id: string, p: ConmonPaths): Promise<void> {
    const conmonPid = await readPidFile(p.conmonPidFile).catch(() => undefined)
    if (conmonPid !== undefined) {
      try {
        process.kill(conmonPid, 'SIGKILL')
      } catch {
        // Already gone: conmon exits by itself after reporting a failed create.
      }
    }
    if (await this.#known(id)) await this.#runtime(['delete', '--force', id])
    const cgroupsPath = await readCgroupsPath(join(p.bundleLink, 'config.json'))
    if (cgroupsPath !== undefined) {
      const busy = await removeCgroup(cgroupsPath)
      if (busy.length > 0) this.#o.log.warn('cgroup left behind after failed create', { id, busy })
    }
    await rm(p.dir, { recursive: true, force: true })
    await rm(p.exitFile, { force: true })
  }

  /** Does the OCI runtime have a record of `id`? (Its state dir is `<stateRoot>/<id>` for runc and crun.) */
  #known(id: string): Promise<boolean> {
    return exists(join(this.#o.stateRoot, id))
  }

  async #runtime(args: string[]) {
    const runtimePath = await this.#setup()
    return run(runtimePath, ['--root', this.#o.stateRoot, ...args], { allowFailure: true })
  }

  /** Runs a runtime command; failures become NotFoundError (unknown id), ConflictError (wrong
   *  state, e.g. not running) or InternalError, with the runtime's own message. */
  async #runtimeOrThrow(id: string, args: string[]) {
    const res = await this.#runtime(args)
    if (res.code === 0) return res
    const op = args[0] ?? ''
    const message = runtimeMessage(res.stderr) || `${this.name} ${op} failed (exit ${res.code})`
    if (!(await this.#known(id))) throw new NotFoundError(`no such container: ${id}`)
    const st = await this.state(id).catch(() => undefined)
    const legal = LEGAL_FROM[op]
    if (st !== undefined && legal !== undefined && !legal.includes(st.status))
      throw new ConflictError(message)
    throw new InternalError(message)
  }
}

/** The states from which each runtime command can succeed; a failure elsewhere is a conflict. */
const LEGAL_FROM: Record<string, readonly RuntimeStatus[]> = {
  start: ['created'],
  kill: ['created', 'running', 'paused'],
  pause: ['running'],
  resume: ['paused'],
}

function checkId(id: string): void {
  if (!isSafeId(id)) throw new InvalidArgumentError(`invalid container id "${id}"`)
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path)
    return true
  } catch (err) {
    if (isNotFound(err) || errnoOf(err) === 'ENOTDIR') return false
    throw err
  }
}

async function readCgroupsPath(configPath: string): Promise<string | undefined> {
  try {
    const config = JSON.parse(await readFile(configPath, 'utf8')) as { linux?: { cgroupsPath?: unknown } }
    const path = config.linux?.cgroupsPath
    return typeof path === 'string' && path.startsWith('/') ? path : undefined
  } catch {
    // No readable config: the runtime never got far enough to make a cgroup from it.
    return undefined
  }
}

function shellQuote(s: string): string {
  return `'${s.replaceAll("'", `'\\''`)}'`
}
