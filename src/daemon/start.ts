// Starts berthd: pidfile, services, listeners, the idle collector (idle-gc.ts); on SIGTERM/SIGINT closes the listeners and
// exits, leaving containers running (their monitors keep them; the next start re-adopts them).
import { readFile, rm } from 'node:fs/promises'
import { writeFileAtomic } from '../lib/fs-atomic.ts'
import { createLogger } from '../lib/log.ts'
import { BERTH_VERSION } from '../system/index.ts'
import { parseDaemonArgs } from './config.ts'
import { fullGc, startIdleCollector } from './idle-gc.ts'
import { listenAll } from './listen.ts'
import { wire } from './wire.ts'

/** API silence after which berthd gives memory back (idle-gc.ts). */
const IDLE_MS = 5_000

export async function startDaemon(argv: string[]): Promise<number> {
  const parsed = parseDaemonArgs(argv)
  if (parsed.kind === 'help') {
    process.stdout.write(parsed.text)
    return 0
  }
  if (parsed.kind === 'version') {
    process.stdout.write(`berthd version ${BERTH_VERSION}\n`)
    return 0
  }
  const cfg = parsed.config
  const log = createLogger(cfg.logLevel)
  if (process.getuid?.() !== 0) {
    log.error('berthd needs to be started with root privileges')
    return 1
  }
  await claimPidfile(cfg.pidfile)
  const daemon = await wire(cfg, log)
  const idle = startIdleCollector(IDLE_MS, () => {
    const t0 = performance.now()
    const rss = process.memoryUsage.rss()
    fullGc()
    const mb = (n: number) => Math.round(n / 104857.6) / 10
    log.debug('idle collection', {
      ms: Math.round(performance.now() - t0),
      rssMb: mb(rss),
      rssMbAfter: mb(process.memoryUsage.rss()),
    })
  })
  const listeners = await listenAll(daemon.app, cfg, log, idle.touch)
  idle.touch() // start-up's own garbage goes with the first quiet period
  log.info('berthd has completed initialization', { version: BERTH_VERSION, dataRoot: cfg.dataRoot })
  await new Promise<void>((resolve) => {
    const stop = (sig: string) => {
      log.info('processing signal', { signal: sig })
      resolve()
    }
    process.once('SIGTERM', () => stop('SIGTERM'))
    process.once('SIGINT', () => stop('SIGINT'))
  })
  idle.stop()
  daemon.monitor.stop()
  await Promise.all(listeners.map((l) => l.close()))
  // Without running containers, berth's bridges and firewall table go; else they stay (live restore).
  await daemon.networks.shutdown().catch((err) => log.warn('network cleanup failed', { err: String(err) }))
  await rm(cfg.pidfile, { force: true })
  log.info('berthd shut down; containers keep running')
  return 0
}

async function claimPidfile(path: string): Promise<void> {
  const old = Number((await readFile(path, 'utf8').catch(() => '')).trim())
  if (old > 0 && old !== process.pid && alive(old)) {
    throw new Error(`pid file found, ensure berthd is not running or delete ${path}`)
  }
  await writeFileAtomic(path, `${process.pid}`)
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    // ESRCH: no such process, the pidfile is stale.
    return false
  }
}
