// The composition root: builds every service once and hands each consumer only what it needs.
import { existsSync } from 'node:fs'
import { mkdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { type ApiApp, createApiApp } from '../api/app.ts'
import { containerRoutes } from '../api/routes/containers.ts'
import { imageRoutes } from '../api/routes/images.ts'
import { systemRoutes } from '../api/routes/system.ts'
import { readDaemonCapabilities } from '../container/capabilities.ts'
import { ContainerIoService, ContainerMonitor, ContainerService, ContainerStore } from '../container/index.ts'
import { EventBus } from '../events/index.ts'
import { ImageService } from '../image/index.ts'
import { writeFileAtomic } from '../lib/fs-atomic.ts'
import { newId } from '../lib/ids.ts'
import type { Logger } from '../lib/log.ts'
import { ConmonRuntime, detectCgroups, readHostRlimits } from '../runtime/index.ts'
import { SystemService } from '../system/index.ts'
import type { DaemonConfig } from './config.ts'
import { dataUsage } from './data-usage.ts'

export interface Daemon {
  app: ApiApp
  monitor: ContainerMonitor
  events: EventBus
}

export async function wire(cfg: DaemonConfig, log: Logger): Promise<Daemon> {
  await mkdir(cfg.dataRoot, { recursive: true, mode: 0o710 })
  await mkdir(cfg.execRoot, { recursive: true, mode: 0o700 })
  const events = new EventBus()
  const images = new ImageService({ root: cfg.dataRoot, publisher: events, log })
  await images.init()
  const runtimePath = resolveRuntime(cfg)
  const runtime = new ConmonRuntime({
    conmonPath: findBinary('conmon'),
    runtimePath,
    runtimeName: cfg.defaultRuntime,
    stateRoot: join(cfg.execRoot, 'runtime'),
    execRoot: join(cfg.execRoot, 'conmon'),
    log,
  })
  const cgroups = await detectCgroups()
  const store = new ContainerStore(cfg.dataRoot, log)
  await store.load()
  const containers = new ContainerService({
    store,
    images,
    runtime,
    publisher: events,
    log,
    bundleRoot: join(cfg.execRoot, 'bundles'),
    initPath: findBinary('tini-static'),
    host: {
      capabilities: await readDaemonCapabilities(),
      rlimits: await readHostRlimits(),
      cgroup: { version: cgroups.version, swap: cgroups.swap },
    },
  })
  images.setUsageProbe((imageId) => {
    const users = containers.all().filter((c) => c.imageId === imageId)
    const running = users.find((c) => c.state.status === 'running' || c.state.status === 'paused')
    const user = running ?? users[0]
    return user ? { containerId: user.id, running: running !== undefined } : undefined
  })
  const io = new ContainerIoService(containers)
  const system = new SystemService({
    containers,
    images,
    eventListeners: () => events.listenerCount(),
    host: {
      cgroupVersion: cgroups.version === 'v2' ? '2' : '1',
      cgroupDriver: 'cgroupfs',
      runtimes: {
        runc: { path: findBinary('runc') },
        ...(existsOr('crun') ? { crun: { path: findBinary('crun') } } : {}),
        ...cfg.runtimes,
      },
      defaultRuntime: cfg.defaultRuntime,
      dataRoot: cfg.dataRoot,
      daemonId: await daemonId(cfg.dataRoot),
      securityOptions: ['name=seccomp,profile=builtin'],
      warnings: [],
      debug: cfg.logLevel === 'debug',
    },
  })
  const app = createApiApp(
    [
      ...systemRoutes({ system, events, dataUsage: () => dataUsage(containers, images) }),
      ...containerRoutes({ containers, io, images }),
      ...imageRoutes(images),
    ],
    log,
  )
  const monitor = new ContainerMonitor(containers)
  await monitor.start()
  return { app, monitor, events }
}

function resolveRuntime(cfg: DaemonConfig): string {
  const custom = cfg.runtimes[cfg.defaultRuntime]
  if (custom) return custom.path
  return findBinary(cfg.defaultRuntime)
}

const SEARCH = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin']

function existsOr(name: string): boolean {
  return SEARCH.some((d) => existsSync(join(d, name)))
}

function findBinary(name: string): string {
  for (const d of SEARCH) {
    const p = join(d, name)
    if (existsSync(p)) return p
  }
  return name
}

async function daemonId(root: string): Promise<string> {
  const path = join(root, 'engine-id')
  try {
    return (await readFile(path, 'utf8')).trim()
  } catch {
    // First start: make the id this daemon keeps from now on.
    const id = newId()
    await writeFileAtomic(path, id)
    return id
  }
}
