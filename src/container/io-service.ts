// ContainerIoService: what flows in and out of a container besides its lifecycle — logs,
// attach (output from the log, input to the runtime's stdin) and top.
import { stat } from 'node:fs/promises'
import { PassThrough } from 'node:stream'
import { ConflictError, InvalidArgumentError, messageOf } from '../lib/errors.ts'
import { run } from '../lib/exec.ts'
import type { ContainerService } from './container-service.ts'
import { type LogEntry, readLogs } from './logs.ts'

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

export class ContainerIoService {
  readonly #svc: ContainerService

  constructor(svc: ContainerService) {
    this.#svc = svc
  }

  logs(ref: string, opts: LogsOptions): { tty: boolean; entries: AsyncIterable<LogEntry[]> } {
    const rec = this.#svc.get(ref)
    const driver = rec.hostConfig.LogConfig?.Type
    if (driver === 'none')
      throw new InvalidArgumentError(`configured logging driver does not support reading`)
    const running =
      rec.state.status === 'running' || rec.state.status === 'paused' || rec.state.status === 'restarting'
    const stopped = running ? this.#svc.waiters.nextExit(rec.id) : Promise.resolve(0)
    return {
      tty: rec.config.Tty,
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
