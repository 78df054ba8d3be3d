// Reacts to container exits: records them, removes AutoRemove containers, applies restart
// policies with Docker's back-off (100 ms doubling, reset after 10 s of running). On daemon
// start, restore() re-adopts containers that kept running and records exits that happened
// while berthd was down. It also owns the health probers (health.ts), started after restore.
import { messageOf } from '../lib/errors.ts'
import type { ContainerService } from './container-service.ts'
import { ExecService } from './exec-service.ts'
import { execProbeRunner, HealthMonitor } from './health.ts'
import type { ContainerRecord } from './types.ts'

export class ContainerMonitor {
  readonly #svc: ContainerService
  readonly #backoff = new Map<string, number>()
  readonly #timers = new Set<NodeJS.Timeout>()
  readonly #health: HealthMonitor
  #unsubscribe: (() => void) | undefined

  constructor(svc: ContainerService) {
    this.#svc = svc
    // Health probes run as exec sessions of their own (not listed by the API's exec instances).
    this.#health = new HealthMonitor(svc, execProbeRunner(new ExecService(svc)))
  }

  async start(): Promise<void> {
    this.#unsubscribe = this.#svc.deps.runtime.onExit((id) => void this.#onExit(id))
    await this.#restore()
    this.#health.start()
  }

  stop(): void {
    this.#health.stop()
    this.#unsubscribe?.()
    for (const t of this.#timers) clearTimeout(t)
  }

  async #onExit(id: string): Promise<void> {
    const rec = this.#svc.deps.store.find(id)
    if (!rec) return
    try {
      const recorded = await this.#svc.withLock(id, () => this.#svc.recordExit(rec))
      if (recorded) await this.#afterExit(rec)
    } catch (err) {
      this.#svc.deps.log.error('handling container exit failed', { id, err: messageOf(err) })
    }
  }

  async #afterExit(rec: ContainerRecord): Promise<void> {
    if (rec.hostConfig.AutoRemove) {
      await this.#svc.withLock(rec.id, () => this.#svc.removeRecord(rec))
      return
    }
    if (!this.#shouldRestart(rec)) return
    const ranMs = Date.parse(rec.state.finishedAt) - Date.parse(rec.state.startedAt)
    const delay = ranMs > 10_000 ? 100 : Math.min((this.#backoff.get(rec.id) ?? 50) * 2, 60_000)
    this.#backoff.set(rec.id, delay)
    rec.state.status = 'restarting'
    await this.#svc.deps.store.save(rec)
    const t = setTimeout(() => {
      this.#timers.delete(t)
      void this.#restart(rec)
    }, delay)
    this.#timers.add(t)
  }

  async #restart(rec: ContainerRecord): Promise<void> {
    if (!this.#svc.deps.store.find(rec.id) || rec.state.status !== 'restarting') return
    rec.state.status = 'exited'
    rec.restartCount++
    try {
      await this.#svc.start(rec.id)
    } catch (err) {
      this.#svc.deps.log.warn('restart failed', { id: rec.id, err: messageOf(err) })
      await this.#afterExit(rec)
    }
  }

  #shouldRestart(rec: ContainerRecord): boolean {
    const p = rec.hostConfig.RestartPolicy ?? { Name: '', MaximumRetryCount: 0 }
    if (rec.state.stoppedByUser) return false
    switch (p.Name) {
      case 'always':
      case 'unless-stopped':
        return true
      case 'on-failure':
        return (
          rec.state.exitCode !== 0 && (p.MaximumRetryCount === 0 || rec.restartCount < p.MaximumRetryCount)
        )
      default:
        return false
    }
  }

  async #restore(): Promise<void> {
    const { runtime, store, log } = this.#svc.deps
    for (const rec of store.all()) {
      if (rec.state.status === 'removing') {
        await this.#svc
          .withLock(rec.id, () => this.#svc.removeRecord(rec))
          .catch((e) => log.warn('remove failed', { err: messageOf(e) }))
        continue
      }
      if (rec.state.status === 'restarting') rec.state.status = 'exited'
      if (rec.state.status !== 'running' && rec.state.status !== 'paused') {
        const p = rec.hostConfig.RestartPolicy?.Name
        if (p === 'always' || (p === 'unless-stopped' && !rec.state.stoppedByUser)) {
          await this.#svc
            .start(rec.id)
            .catch((e) => log.warn('restart on daemon start failed', { id: rec.id, err: messageOf(e) }))
        }
        continue
      }
      const exited = await this.#svc.withLock(rec.id, () => this.#svc.recordExit(rec))
      if (exited) {
        await this.#afterExit(rec)
        continue
      }
      const state = await runtime.state(rec.id)
      if (!state || state.status === 'stopped') {
        // The runtime lost it (host reboot, or the monitor died): record it as exited.
        rec.state = {
          ...rec.state,
          status: 'exited',
          pid: 0,
          exitCode: 255,
          error: 'container was lost while the daemon was down',
          finishedAt: new Date().toISOString(),
        }
        await this.#svc.deps.images.unmountRootfs(rec.id).catch(() => undefined)
        await store.save(rec)
        continue
      }
      rec.state.status = state.status === 'paused' ? 'paused' : 'running'
      await store.save(rec)
      log.info('re-adopted running container', { id: rec.id, pid: state.pid })
    }
  }
}
