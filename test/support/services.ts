// In-process daemon for API tests: the services src/daemon/wire.ts builds, with FakeRuntime in
// place of ConmonRuntime, on a throwaway data root with busybox:latest imported, behind the
// real route table. Starts no process and binds no socket; close() removes every container,
// unmounts whatever is still mounted under the root and deletes it.
import { execFileSync } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { type ApiApp, createApiApp } from '../../src/api/app.ts'
import { containerRoutes } from '../../src/api/routes/containers.ts'
import { imageRoutes } from '../../src/api/routes/images.ts'
import { systemRoutes } from '../../src/api/routes/system.ts'
import { readDaemonCapabilities } from '../../src/container/capabilities.ts'
import { ContainerIoService, ContainerMonitor, ContainerService, ContainerStore } from '../../src/container/index.ts'
import { dataUsage } from '../../src/daemon/data-usage.ts'
import { EventBus } from '../../src/events/index.ts'
import { ImageService } from '../../src/image/index.ts'
import { busyboxRootfsTar, haveBusybox } from '../../src/image/testing.ts'
import { nullLogger } from '../../src/lib/log.ts'
import { detectCgroups, type FakeBehaviour, FakeRuntime, readHostRlimits } from '../../src/runtime/index.ts'
import { SystemService } from '../../src/system/index.ts'

export interface TestServices {
  /** Temporary directory holding the data root and the exec root. */
  dir: string
  dataRoot: string
  app: ApiApp
  events: EventBus
  images: ImageService
  runtime: FakeRuntime
  containers: ContainerService
  io: ContainerIoService
  system: SystemService
  monitor: ContainerMonitor
  /** Id of busybox:latest (undefined when started with `busybox: false`). */
  busyboxId: string | undefined
  /** What the fake runtime does for container `id` from its next start on. */
  behave(id: string, behaviour: FakeBehaviour): void
  /** Removes every container and the temporary directory. Safe to call after a failed start. */
  close(): Promise<void>
}

/** Why in-process API tests with real images cannot run here, or undefined when they can. */
export function servicesSkipReason(): string | undefined {
  if (!haveBusybox()) return 'needs /usr/bin/busybox (busybox-static)'
  // Starting a container mounts its overlay rootfs for real.
  if (process.getuid?.() !== 0) return 'needs root (overlay mounts on container start)'
  return undefined
}

export async function startServices(opts: { busybox?: boolean } = {}): Promise<TestServices> {
  const host = await hostFacts()
  const dir = await mkdtemp(join(tmpdir(), 'berth-api-'))
  const dataRoot = join(dir, 'data')
  const behaviours = new Map<string, FakeBehaviour>()
  const events = new EventBus()
  const images = new ImageService({ root: dataRoot, publisher: events, log: nullLogger })
  const runtime = new FakeRuntime({ behaviour: (id) => behaviours.get(id) ?? {} })
  const store = new ContainerStore(dataRoot, nullLogger)
  const containers = new ContainerService({
    store,
    images,
    runtime,
    publisher: events,
    log: nullLogger,
    bundleRoot: join(dir, 'exec', 'bundles'),
    initPath: '/usr/bin/tini-static',
    host: host.oci,
  })
  const io = new ContainerIoService(containers)
  const monitor = new ContainerMonitor(containers)
  let busyboxId: string | undefined
  const close = async () => {
    for (const c of containers.all()) {
      await containers.remove(c.id, { force: true, volumes: false }).catch(() => undefined)
      await images.removeRootfs(c.id).catch(() => undefined)
    }
    monitor.stop()
    await unmountUnder(dir)
    await rm(dir, { recursive: true, force: true })
  }
  try {
    await images.init()
    await store.load()
    images.setUsageProbe((imageId) => {
      const users = containers.all().filter((c) => c.imageId === imageId)
      const running = users.find((c) => c.state.status === 'running' || c.state.status === 'paused')
      const user = running ?? users[0]
      return user ? { containerId: user.id, running: running !== undefined } : undefined
    })
    const system = new SystemService({
      containers,
      images,
      eventListeners: () => events.listenerCount(),
      host: {
        cgroupVersion: host.cgroupVersion,
        cgroupDriver: 'cgroupfs',
        runtimes: { runc: { path: '/usr/sbin/runc' } },
        defaultRuntime: 'runc',
        dataRoot,
        daemonId: 'b6a3f0d1-6a1e-4a8e-9c1a-0d6f2b5e7c11',
        securityOptions: ['name=seccomp,profile=builtin'],
        warnings: [],
        debug: false,
      },
    })
    const app = createApiApp(
      [
        ...systemRoutes({ system, events, dataUsage: () => dataUsage(containers, images) }),
        ...containerRoutes({ containers, io, images }),
        ...imageRoutes(images),
      ],
      nullLogger,
    )
    await monitor.start()
    if (opts.busybox !== false) {
      const img = await images.importRootfs(Readable.from([await busyboxRootfsTar()]), {
        reference: 'busybox:latest',
        changes: ['CMD ["sh"]'],
        message: 'Imported from -',
      })
      busyboxId = img.id
    }
    return {
      dir,
      dataRoot,
      app,
      events,
      images,
      runtime,
      containers,
      io,
      system,
      monitor,
      busyboxId,
      behave: (id, b) => behaviours.set(id, b),
      close,
    }
  } catch (err) {
    await close()
    throw err
  }
}

/** The host facts wire.ts reads once at start (capabilities, rlimits, cgroup layout). */
async function hostFacts() {
  const cgroups = await detectCgroups()
  return {
    cgroupVersion: cgroups.version === 'v2' ? ('2' as const) : ('1' as const),
    oci: {
      capabilities: await readDaemonCapabilities(),
      rlimits: await readHostRlimits(),
      cgroup: { version: cgroups.version, swap: cgroups.swap },
    },
  }
}

/** Lazily unmounts every mount point under `dir`, deepest first (the last resort of close()). */
async function unmountUnder(dir: string): Promise<void> {
  const mountinfo = await readFile('/proc/self/mountinfo', 'utf8')
  const points = mountinfo
    .split('\n')
    .map((l) => l.split(' ')[4] ?? '')
    .filter((p) => p === dir || p.startsWith(`${dir}/`))
    .sort((a, b) => b.length - a.length)
  for (const p of points) execFileSync('umount', ['-l', p])
}
