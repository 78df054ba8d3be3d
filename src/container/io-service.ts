// ContainerIoService: what flows in and out of a container besides its lifecycle — logs,
// attach (output from the log, input to the runtime's stdin) and top.
import { stat } from 'node:fs/promises'
import { PassThrough } from 'node:stream'
import { setTimeout as sleep } from 'node:timers/promises'
import { ConflictError, InvalidArgumentError, messageOf, NotFoundError } from '../lib/errors.ts'
import { run } from '../lib/exec.ts'
import type { ContainerStats } from '../runtime/index.ts'
import type { ContainerService } from './container-service.ts'
import { logDetails } from './log-options.ts'
import { type LogEntry, readLogs } from './logs.ts'
import type { ContainerRecord } from './types.ts'

export interface LogsOptions {
  follow: boolean
  sinceNs?: bigint
  untilNs?: bigint
  tail?: number
  signal?: AbortSignal
}

export interface AttachSession {
  tty: boolean
  /** Output: past logs (if asked) then live output until the container stops. */
  output: AsyncIterable<LogEntry[]>
  /** The container's stdin, when asked for and the container keeps one open. */
  stdin?: NodeJS.WritableStream
}

// The API encodes these; it may not import runtime/ itself.
export type { BlkioEntry, ContainerStats } from '../runtime/index.ts'

/** One stats reading with the one before it (Docker's precpu_stats), for CPU % between them. */
export interface StatsSample {
  id: string
  name: string
  /** undefined when the container is not running (Docker then sends zeroes). */
  current?: ContainerStats
  previous?: ContainerStats
}

/** Docker samples a streamed container's stats once a second. */
const STATS_INTERVAL_MS = 1000

export class ContainerIoService {
  readonly #svc: ContainerService

  constructor(svc: ContainerService) {
    this.#svc = svc
  }

  /** The user typed the detach keys on a TTY attach: the session ends, the container runs on. */
  detached(ref: string): void {
    const rec = this.#svc.get(ref)
    this.#svc.deps.publisher.publish('container', 'detach', rec.id, this.#svc.attrs(rec))
  }

  /** Resizes the container's TTY (a container without one, or one that just exited, is ignored). */
  async resize(ref: string, size: { height: number; width: number }): Promise<void> {
    const rec = this.#svc.get(ref)
    await this.#svc.deps.runtime.resize(rec.id, size).catch(() => undefined)
    this.#svc.deps.publisher.publish('container', 'resize', rec.id, {
      ...this.#svc.attrs(rec),
      height: String(size.height),
      width: String(size.width),
    })
  }

  /** The log of container `ref`; `details` is what `logs --details` puts before each line. */
  logs(
    ref: string,
    opts: LogsOptions,
  ): { tty: boolean; details: string; entries: AsyncIterable<LogEntry[]> } {
    const rec = this.#svc.get(ref)
    const driver = rec.hostConfig.LogConfig?.Type
    if (driver === 'none')
      throw new InvalidArgumentError(`configured logging driver does not support reading`)
    const running =
      rec.state.status === 'running' || rec.state.status === 'paused' || rec.state.status === 'restarting'
    const stopped = running ? this.#svc.waiters.nextExit(rec.id) : Promise.resolve(0)
    return {
      tty: rec.config.Tty,
      details: logDetails(
        rec.hostConfig.LogConfig?.Config ?? {},
        rec.config.Labels ?? {},
        rec.config.Env ?? [],
      ),
      entries: readLogs(rec.logPath, {
        ...opts,
        follow: opts.follow && running,
        stopped,
        signal: opts.signal,
      }),
    }
  }

  async attach(
    ref: string,
    opts: { stdin: boolean; logs: boolean; stream: boolean; signal?: AbortSignal },
  ): Promise<AttachSession> {
    const rec = this.#svc.get(ref)
    if (rec.state.status === 'paused')
      throw new ConflictError(`You cannot attach to a paused container, unpause it first`)
    const offset = await sizeOf(rec.logPath)
    const stopped = Promise.race([this.#svc.waiters.nextExit(rec.id), this.#svc.waiters.removed(rec.id)])
    async function* output(): AsyncGenerator<LogEntry[]> {
      if (opts.logs) yield* readLogs(rec.logPath, { signal: opts.signal })
      if (opts.stream)
        yield* readLogs(rec.logPath, {
          follow: true,
          fromOffset: opts.logs ? undefined : offset,
          stopped,
          signal: opts.signal,
        })
    }
    let stdin: NodeJS.WritableStream | undefined
    if (opts.stdin && rec.config.OpenStdin)
      stdin = await this.#stdinOf(rec.id, rec.state.status === 'running')
    this.#svc.deps.publisher.publish('container', 'attach', rec.id, this.#svc.attrs(rec))
    return { tty: rec.config.Tty, output: output(), stdin }
  }

  /** The container's stdin; before it starts, input is buffered and delivered once it runs. */
  async #stdinOf(id: string, running: boolean): Promise<NodeJS.WritableStream | undefined> {
    const runtime = this.#svc.deps.runtime
    if (running) return runtime.openStdin(id).catch(() => undefined)
    const buffer = new PassThrough()
    void this.#svc.waiters.started(id).then(async (started) => {
      if (!started) return buffer.destroy()
      try {
        buffer.pipe(await runtime.openStdin(id))
      } catch (err) {
        this.#svc.deps.log.warn('cannot open container stdin', { id, err: messageOf(err) })
        buffer.destroy()
      }
    })
    return buffer
  }

  /** Engine API stats: `stream` yields a sample every second until the container stops or
   *  `signal` aborts; otherwise one sample, measured over a second unless `oneShot`. */
  async *stats(
    ref: string,
    opts: { stream: boolean; oneShot: boolean; signal?: AbortSignal },
  ): AsyncGenerator<StatsSample> {
    const rec = this.#svc.get(ref)
    const base = { id: rec.id, name: rec.name }
    let previous = await this.#statsOf(rec)
    if (previous === undefined || (!opts.stream && opts.oneShot)) {
      yield { ...base, current: previous }
      return
    }
    if (opts.stream) yield { ...base, current: previous }
    while (!opts.signal?.aborted) {
      try {
        await sleep(STATS_INTERVAL_MS, undefined, { signal: opts.signal })
      } catch {
        // Aborted: the client went away.
        return
      }
      const current = await this.#statsOf(rec)
      yield { ...base, current, previous }
      if (current === undefined || !opts.stream) return
      previous = current
    }
  }

  async #statsOf(rec: ContainerRecord): Promise<ContainerStats | undefined> {
    if (rec.state.status !== 'running' && rec.state.status !== 'paused') return undefined
    try {
      return await this.#svc.deps.runtime.stats(rec.id)
    } catch (err) {
      // The container stopped between the state check and the read.
      if (err instanceof NotFoundError) return undefined
      throw err
    }
  }

  async top(ref: string, psArgs = '-ef'): Promise<{ Titles: string[]; Processes: string[][] }> {
    const rec = this.#svc.get(ref)
    if (rec.state.status !== 'running' && rec.state.status !== 'paused')
      throw new ConflictError(`Container ${rec.id} is not running`)
    const pids = new Set((await this.#svc.deps.runtime.pids(rec.id)).map(String))
    const args = psArgs.trim() ? psArgs.trim().split(/\s+/) : []
    const res = await run('ps', args, { allowFailure: true })
    if (res.code !== 0) throw new InvalidArgumentError(`ps: ${res.stderr.trim() || res.stdout.trim()}`)
    const lines = res.stdout.split('\n').filter((l) => l.trim())
    const titles = (lines[0] ?? '').trim().split(/\s+/)
    const pidCol = titles.indexOf('PID')
    if (pidCol < 0) throw new InvalidArgumentError(`Couldn't find PID field in ps output`)
    const processes = lines.slice(1).flatMap((line) => {
      const fields = line.trim().split(/\s+/)
      const row = [...fields.slice(0, titles.length - 1), fields.slice(titles.length - 1).join(' ')]
      return pids.has(fields[pidCol] ?? '') ? [row] : []
    })
    return { Titles: titles, Processes: processes }
  }
}

async function sizeOf(path: string): Promise<number> {
  try {
    return (await stat(path)).size
  } catch {
    // No log yet: the container has not written anything.
    return 0
  }
}
