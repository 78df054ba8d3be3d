// FakeRuntime: an in-memory Runtime for tests of the container service. Containers "run" until
// told to exit (exit()), killed, or their behaviour says they exit at start with a code. It
// starts no process and needs no root; it writes the configured output to logPath in k8s-file.
import { appendFile } from 'node:fs/promises'
import { constants } from 'node:os'
import { PassThrough } from 'node:stream'
import { ConflictError, InternalError, InvalidArgumentError, NotFoundError } from '../lib/errors.ts'
import type {
  CreateOptions,
  ExecOptions,
  ExecProcess,
  ExitStatus,
  Runtime,
  RuntimeState,
  RuntimeStatus,
} from './runtime.ts'
import type { ContainerStats } from './stats.ts'

/** What a fake container does. Everything is optional: the default runs until killed. */
export interface FakeBehaviour {
  /** create() fails with this runtime message (nothing is recorded). */
  createError?: string
  /** start() fails with this runtime message (the container stays created). */
  startError?: string
  /** Exit right after start with this code. */
  exitCode?: number
  /** Lines written to the log at start (k8s-file, stream stdout / stderr). */
  stdout?: string[]
  stderr?: string[]
  oomKilled?: boolean
  /** What an exec'd process does (default: `echo` prints its arguments, `cat` copies stdin,
   *  anything else exits 0 at once). */
  exec?: (args: string[]) => { stdout?: string; exitCode?: number }
}

interface FakeContainer {
  status: RuntimeStatus
  pid: number
  opts: CreateOptions
  behaviour: FakeBehaviour
  exit?: ExitStatus
  stdin: string
  size?: { height: number; width: number }
  resources?: Record<string, unknown>
}

/** Signals that do not end a process by default. */
const NON_FATAL = new Set([
  'SIGCHLD',
  'SIGCONT',
  'SIGURG',
  'SIGWINCH',
  'SIGSTOP',
  'SIGTSTP',
  'SIGTTIN',
  'SIGTTOU',
])

export class FakeRuntime implements Runtime {
  readonly name: string
  readonly #containers = new Map<string, FakeContainer>()
  readonly #listeners = new Set<(id: string) => void>()
  readonly #behaviour: (id: string, opts: CreateOptions) => FakeBehaviour
  #nextPid = 1000

  constructor(opts: { name?: string; behaviour?: (id: string, opts: CreateOptions) => FakeBehaviour } = {}) {
    this.name = opts.name ?? 'fake'
    this.#behaviour = opts.behaviour ?? (() => ({}))
  }

  async create(id: string, opts: CreateOptions): Promise<{ pid: number }> {
    if (this.#containers.has(id)) throw new ConflictError(`container ${id} already exists in ${this.name}`)
    const behaviour = this.#behaviour(id, opts)
    if (behaviour.createError !== undefined) throw new InternalError(behaviour.createError)
    const pid = this.#nextPid++
    this.#containers.set(id, { status: 'created', pid, opts, behaviour, stdin: '' })
    return { pid }
  }

  async start(id: string): Promise<void> {
    const c = this.#get(id)
    if (c.status !== 'created') throw new ConflictError('cannot start a container that is not created')
    if (c.behaviour.startError !== undefined) throw new InternalError(c.behaviour.startError)
    c.status = 'running'
    await this.#writeLog(c)
    const code = c.behaviour.exitCode
    if (code !== undefined) setImmediate(() => this.exit(id, code, { oomKilled: c.behaviour.oomKilled }))
  }

  async kill(id: string, signal: string, _opts: { all?: boolean } = {}): Promise<void> {
    const c = this.#get(id)
    if (c.status === 'stopped') throw new ConflictError('container not running')
    const name = signalName(signal)
    if (NON_FATAL.has(name)) return
    const signo = constants.signals[name as NodeJS.Signals]
    setImmediate(() => this.exit(id, 128 + signo))
  }

  async pause(id: string): Promise<void> {
    const c = this.#get(id)
    if (c.status !== 'running') throw new ConflictError('container not running')
    c.status = 'paused'
  }

  async update(id: string, resources: Record<string, unknown>): Promise<void> {
    const c = this.#get(id)
    if (c.status !== 'running' && c.status !== 'paused') throw new ConflictError('container not running')
    c.resources = resources
  }

  /** What the last update() set (tests). */
  resourcesOf(id: string): Record<string, unknown> | undefined {
    return this.#containers.get(id)?.resources
  }

  async resume(id: string): Promise<void> {
    const c = this.#get(id)
    if (c.status !== 'paused') throw new ConflictError('container not paused')
    c.status = 'running'
  }

  async delete(id: string, opts: { force?: boolean } = {}): Promise<void> {
    const c = this.#containers.get(id)
    if (c === undefined) return
    if ((c.status === 'running' || c.status === 'paused') && !opts.force) {
      throw new ConflictError('cannot delete container that is not stopped')
    }
    this.#containers.delete(id)
  }

  async state(id: string): Promise<RuntimeState | undefined> {
    const c = this.#containers.get(id)
    return c && { status: c.status, pid: c.status === 'stopped' ? 0 : c.pid }
  }

  async pids(id: string): Promise<number[]> {
    const c = this.#get(id)
    return c.status === 'stopped' ? [] : [c.pid]
  }

  async exitStatus(id: string): Promise<ExitStatus | undefined> {
    return this.#containers.get(id)?.exit
  }

  onExit(listener: (id: string) => void): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  async openStdin(id: string): Promise<NodeJS.WritableStream> {
    const c = this.#get(id)
    if (!c.opts.openStdin) throw new ConflictError('container was not created with an open stdin')
    const stream = new PassThrough()
    stream.on('data', (b: Buffer) => {
      c.stdin += b.toString('utf8')
    })
    return stream
  }

  async resize(id: string, size: { height: number; width: number }): Promise<void> {
    const c = this.#get(id)
    if (!c.opts.tty) throw new ConflictError('container has no terminal')
    c.size = size
  }

  async exec(id: string, _execId: string, opts: ExecOptions): Promise<ExecProcess> {
    const c = this.#get(id)
    if (c.status !== 'running') throw new ConflictError(`container ${id} is ${c.status}, not running`)
    const args = Array.isArray(opts.process.args) ? opts.process.args.map(String) : []
    if (args.length === 0) throw new InvalidArgumentError('exec: no command')
    const log = (text: string) =>
      text === ''
        ? Promise.resolve()
        : appendFile(opts.logPath, `${new Date().toISOString()} stdout F ${text}\n`)
    const stdin = new PassThrough()
    let exited: Promise<number>
    const program = c.behaviour.exec?.(args)
    if (program !== undefined) {
      exited = log(program.stdout ?? '').then(() => program.exitCode ?? 0)
    } else if (args[0] === 'cat') {
      exited = (async () => {
        const chunks: Buffer[] = []
        for await (const b of stdin) chunks.push(b as Buffer)
        await log(Buffer.concat(chunks).toString('utf8').replace(/\n$/, ''))
        return 0
      })()
    } else {
      // `sh -c '… exit N'` exits N; `echo` prints its arguments.
      const code = args[0] === 'sh' ? Number(/exit (\d+)/.exec(args[2] ?? '')?.[1] ?? 0) : 0
      exited = log(args[0] === 'echo' ? args.slice(1).join(' ') : '').then(() => code)
    }
    if (!opts.openStdin) stdin.end()
    return {
      pid: this.#nextPid++,
      exited,
      openStdin: async () => stdin,
      resize: async () => undefined,
    }
  }

  async stats(id: string): Promise<ContainerStats> {
    const c = this.#get(id)
    if (c.status !== 'running' && c.status !== 'paused') throw new NotFoundError(`no cgroup for ${id}`)
    return {
      read: new Date(),
      cgroup: 'v2',
      cpu: {
        totalNs: 1_000_000,
        userNs: 600_000,
        kernelNs: 400_000,
        systemNs: 1_000_000_000,
        onlineCpus: 2,
        throttling: { periods: 0, throttledPeriods: 0, throttledTimeNs: 0 },
      },
      memory: { usage: 1 << 20, limit: 1 << 30, stats: { inactive_file: 0 } },
      pids: { current: 1 },
      blkio: { ioServiceBytes: [], ioServiced: [] },
    }
  }

  // ---- test controls ----

  /** Makes a created, running or paused container exit now with `exitCode`, as its process would. */
  exit(id: string, exitCode: number, opts: { oomKilled?: boolean } = {}): void {
    const c = this.#containers.get(id)
    if (c === undefined || c.status === 'stopped') return
    c.status = 'stopped'
    c.exit = { exitCode, finishedAt: new Date(), oomKilled: opts.oomKilled ?? false }
    for (const listener of [...this.#listeners]) listener(id)
  }

  /** What was written to the container's stdin so far, and its last terminal size. */
  inspect(
    id: string,
  ): { stdin: string; size?: { height: number; width: number }; opts: CreateOptions } | undefined {
    const c = this.#containers.get(id)
    return c && { stdin: c.stdin, size: c.size, opts: c.opts }
  }

  #get(id: string): FakeContainer {
    const c = this.#containers.get(id)
    if (c === undefined) throw new NotFoundError(`no such container: ${id}`)
    return c
  }

  async #writeLog(c: FakeContainer): Promise<void> {
    const lines = [
      ...(c.behaviour.stdout ?? []).map((l) => ['stdout', l] as const),
      ...(c.behaviour.stderr ?? []).map((l) => ['stderr', l] as const),
    ]
    if (lines.length === 0) return
    const text = lines.map(([stream, l]) => `${new Date().toISOString()} ${stream} F ${l}\n`).join('')
    await appendFile(c.opts.logPath, text)
  }
}

/** `KILL`, `SIGKILL` or `9` → `SIGKILL`. @throws InvalidArgumentError for anything else. */
function signalName(signal: string): string {
  const signals = constants.signals as Record<string, number>
  if (/^\d+$/.test(signal)) {
    const n = Number(signal)
    const name = Object.keys(signals).find((k) => signals[k] === n)
    if (name !== undefined) return name
  } else {
    const name = signal.startsWith('SIG') ? signal : `SIG${signal}`
    if (signals[name] !== undefined) return name
  }
  throw new InvalidArgumentError(`invalid signal "${signal}"`)
}
