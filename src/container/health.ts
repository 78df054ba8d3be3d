// Docker's HEALTHCHECK: the probe settings read from Config.Healthcheck, the pure state machine
// (starting → healthy/unhealthy, FailingStreak, the last 5 results) and HealthMonitor, which runs
// one prober per running container. Probes run as exec sessions (ExecService); this module does
// not decide container state and never keeps the daemon alive (every timer is unref'd).
import type { Publisher } from '../events/index.ts'
import { InvalidArgumentError, messageOf } from '../lib/errors.ts'
import type { Logger } from '../lib/log.ts'
import type { ContainerService } from './container-service.ts'
import type { ExecService } from './exec-service.ts'
import type { ContainerStore } from './store.ts'
import type { ContainerConfig, ContainerRecord, HealthResult, HealthState } from './types.ts'

/** moby daemon/health.go: defaults, log length and output cap. */
const DEFAULT_INTERVAL_MS = 30_000
const DEFAULT_TIMEOUT_MS = 30_000
const DEFAULT_START_INTERVAL_MS = 5_000
const DEFAULT_RETRIES = 3
const MAX_LOG_ENTRIES = 5
export const MAX_OUTPUT_BYTES = 4096

export interface Probe {
  /** The process to exec: CMD's arguments, or the shell running CMD-SHELL's string. */
  cmd: string[]
  intervalMs: number
  timeoutMs: number
  startPeriodMs: number
  startIntervalMs: number
  retries: number
}

/** The probe a container's (merged) config asks for; undefined without one, for ["NONE"] and,
 *  as Docker (which only logs it), for an unknown test kind. */
export function probeOf(config: ContainerConfig): Probe | undefined {
  const hc = config.Healthcheck
  const test = Array.isArray(hc?.Test) ? hc.Test.map(String) : []
  let cmd: string[]
  if (test[0] === 'CMD' && test.length > 1) cmd = test.slice(1)
  else if (test[0] === 'CMD-SHELL' && test.length > 1)
    cmd = [...(config.Shell?.length ? config.Shell : ['/bin/sh', '-c']), test.slice(1).join(' ')]
  else return undefined
  const ms = (v: unknown, dflt: number) => (typeof v === 'number' && v > 0 ? Math.ceil(v / 1e6) : dflt)
  return {
    cmd,
    intervalMs: ms(hc?.Interval, DEFAULT_INTERVAL_MS),
    timeoutMs: ms(hc?.Timeout, DEFAULT_TIMEOUT_MS),
    startPeriodMs: ms(hc?.StartPeriod, 0),
    startIntervalMs: ms(hc?.StartInterval, DEFAULT_START_INTERVAL_MS),
    retries: typeof hc?.Retries === 'number' && hc.Retries > 0 ? hc.Retries : DEFAULT_RETRIES,
  }
}

/** Engine API create validation (moby's validateHealthCheck). @throws InvalidArgumentError. */
export function validateHealthcheck(hc: Record<string, unknown> | undefined): void {
  if (!hc) return
  for (const k of ['Interval', 'Timeout', 'StartPeriod', 'StartInterval']) {
    const v = hc[k]
    if (typeof v === 'number' && v !== 0 && v < 1e6)
      throw new InvalidArgumentError(`${k} in Healthcheck cannot be less than 1ms`)
  }
  if (typeof hc.Retries === 'number' && hc.Retries < 0)
    throw new InvalidArgumentError('Retries in Healthcheck cannot be negative')
}

/** The health a starting container begins with (Docker keeps the old log across restarts). */
export function startingHealth(prev: HealthState | undefined): HealthState {
  return { Status: 'starting', FailingStreak: 0, Log: prev?.Log ?? [] }
}

/** Applies one probe result (moby handleProbeResult). Failures while still "starting" and within
 *  the start period do not count. Returns the new state; the input is not modified. */
export function applyResult(
  h: HealthState,
  r: HealthResult,
  ctx: { startedAt: string; startPeriodMs: number; retries: number },
): HealthState {
  const Log = [...h.Log, r].slice(-MAX_LOG_ENTRIES)
  if (r.ExitCode === 0) return { Status: 'healthy', FailingStreak: 0, Log }
  const inStartPeriod =
    h.Status === 'starting' && Date.parse(r.Start) - Date.parse(ctx.startedAt) < ctx.startPeriodMs
  if (inStartPeriod) return { ...h, Log }
  const FailingStreak = h.FailingStreak + 1
  return { Status: FailingStreak >= ctx.retries ? 'unhealthy' : h.Status, FailingStreak, Log }
}

/** Delay before the next probe: StartInterval while starting within the start period. */
export function nextDelay(p: Probe, h: HealthState, startedAt: string, now = Date.now()): number {
  const inStartPeriod = now - Date.parse(startedAt) < p.startPeriodMs
  return inStartPeriod && h.Status === 'starting' ? p.startIntervalMs : p.intervalMs
}

/** Runs `cmd` in the running container; output is capped at MAX_OUTPUT_BYTES. A probe past its
 *  timeout is killed and reported with exit code -1. Never rejects. */
export type ProbeRunner = (rec: ContainerRecord, cmd: string[], timeoutMs: number) => Promise<HealthResult>

/** The real runner: an exec session, as Docker (exec_create/exec_start/exec_die events included). */
export function execProbeRunner(execs: ExecService): ProbeRunner {
  return async (rec, cmd, timeoutMs) => {
    const Start = new Date().toISOString()
    const done = (ExitCode: number, Output: string): HealthResult => ({
      Start,
      End: new Date().toISOString(),
      ExitCode,
      Output,
    })
    try {
      const id = execs.create(rec.id, {
        cmd,
        env: [],
        workingDir: '',
        user: '',
        tty: false,
        attachStdin: false,
        attachStdout: true,
        attachStderr: true,
        privileged: false,
        detachKeys: '',
      })
      const session = await execs.start(id, { detach: false })
      if (!session) return done(-1, 'health check exec did not attach')
      const chunks: Buffer[] = []
      let size = 0
      const read = (async () => {
        for await (const batch of session.output)
          for (const e of batch)
            if (size < MAX_OUTPUT_BYTES) {
              chunks.push(e.data)
              size += e.data.length
            }
      })()
      let timer: NodeJS.Timeout | undefined
      const timedOut = new Promise<true>((r) => {
        timer = setTimeout(() => r(true), timeoutMs)
        timer.unref()
      })
      const late = await Promise.race([read.then(() => false), timedOut]).finally(() => clearTimeout(timer))
      if (late) {
        // Only a still-running session has a live host pid to kill.
        const e = execs.inspect(id)
        if (e.running) killProbe(e.pid)
        return done(-1, `Health check exceeded timeout (${formatDuration(timeoutMs)})`)
      }
      const output = Buffer.concat(chunks).subarray(0, MAX_OUTPUT_BYTES).toString('utf8')
      return done(execs.inspect(id).exitCode ?? -1, output)
    } catch (err) {
      return done(-1, messageOf(err))
    }
  }
}

function killProbe(pid: number): void {
  if (pid <= 0) return
  try {
    process.kill(pid, 'SIGKILL')
  } catch (err) {
    // ESRCH: it finished between the timeout and the kill; nothing left to stop.
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err
  }
}

/** Go's time.Duration String for whole milliseconds ("30s", "200ms", "1m30s"). */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms}ms`
  const m = Math.floor(ms / 60_000)
  const s = (ms % 60_000) / 1000
  return m > 0 ? `${m}m${s}s` : `${s}s`
}

/** What the monitor needs of ContainerService (a narrow fake in the unit tests). */
export type HealthHost = Pick<ContainerService, 'onLifecycle' | 'all' | 'withLock' | 'attrs'> & {
  readonly deps: { store: Pick<ContainerStore, 'find' | 'save'>; publisher: Publisher; log: Logger }
}

interface Prober {
  timer?: NodeJS.Timeout
  stopped: boolean
}

/** One prober per running container with a healthcheck: started on start/unpause, stopped on
 *  exit/pause/removal and by stop() (daemon shutdown). Results are persisted in the record. */
export class HealthMonitor {
  readonly #svc: HealthHost
  readonly #run: ProbeRunner
  readonly #probers = new Map<string, Prober>()
  #unsubscribe: (() => void) | undefined

  constructor(svc: HealthHost, run: ProbeRunner) {
    this.#svc = svc
    this.#run = run
  }

  /** Watches the lifecycle and starts probers for containers already running (daemon restart). */
  start(): void {
    this.#unsubscribe = this.#svc.onLifecycle((rec, change) => this.#onChange(rec, change))
    for (const rec of this.#svc.all()) if (rec.state.status === 'running') this.#begin(rec, false)
  }

  /** Stops every prober; idempotent. Health stays as last recorded. */
  stop(): void {
    this.#unsubscribe?.()
    this.#unsubscribe = undefined
    for (const id of [...this.#probers.keys()]) this.#end(id)
  }

  #onChange(rec: ContainerRecord, change: 'start' | 'exit' | 'pause' | 'unpause' | 'remove'): void {
    if (change === 'start') this.#begin(rec, true)
    else if (change === 'unpause') this.#begin(rec, false)
    else {
      this.#end(rec.id)
      // moby CloseMonitorChannel: a container whose monitor stopped reports unhealthy.
      if (change !== 'remove' && rec.state.health) rec.state.health.Status = 'unhealthy'
    }
  }

  #begin(rec: ContainerRecord, fresh: boolean): void {
    this.#end(rec.id)
    const probe = probeOf(rec.config)
    if (!probe) return
    if (fresh || !rec.state.health) rec.state.health = startingHealth(rec.state.health)
    const p: Prober = { stopped: false }
    this.#probers.set(rec.id, p)
    this.#schedule(rec, probe, p)
  }

  #end(id: string): void {
    const p = this.#probers.get(id)
    if (!p) return
    p.stopped = true
    clearTimeout(p.timer)
    this.#probers.delete(id)
  }

  #schedule(rec: ContainerRecord, probe: Probe, p: Prober): void {
    const h = rec.state.health ?? startingHealth(undefined)
    p.timer = setTimeout(() => void this.#tick(rec, probe, p), nextDelay(probe, h, rec.state.startedAt))
    p.timer.unref()
  }

  async #tick(rec: ContainerRecord, probe: Probe, p: Prober): Promise<void> {
    if (p.stopped) return
    const result = await this.#run(rec, probe.cmd, probe.timeoutMs)
    if (p.stopped || rec.state.status !== 'running') return
    try {
      await this.#svc.withLock(rec.id, () => this.#record(rec, probe, result))
    } catch (err) {
      this.#svc.deps.log.warn('recording health check failed', { id: rec.id, err: messageOf(err) })
    }
    if (!p.stopped) this.#schedule(rec, probe, p)
  }

  async #record(rec: ContainerRecord, probe: Probe, result: HealthResult): Promise<void> {
    if (!this.#svc.deps.store.find(rec.id) || rec.state.status !== 'running') return
    const before = rec.state.health ?? startingHealth(undefined)
    const after = applyResult(before, result, {
      startedAt: rec.state.startedAt,
      startPeriodMs: probe.startPeriodMs,
      retries: probe.retries,
    })
    rec.state.health = after
    await this.#svc.deps.store.save(rec)
    if (after.Status !== before.Status)
      this.#svc.deps.publisher.publish(
        'container',
        `health_status: ${after.Status}`,
        rec.id,
        this.#svc.attrs(rec),
      )
  }
}
