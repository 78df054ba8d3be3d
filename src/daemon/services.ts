// Builds every engine service over a data root and a Runtime, and the API route table over
// them. wire.ts passes the real ConmonRuntime and host facts; in-process API tests pass a
// FakeRuntime. The monitor is returned unstarted: the caller starts it once it is ready.
import { join } from 'node:path'
import { type ApiApp, createApiApp } from '../api/app.ts'
import { archiveRoutes } from '../api/routes/archive.ts'
import { buildRoutes } from '../api/routes/build.ts'
import { commitRoutes } from '../api/routes/commit.ts'
import { containerRoutes } from '../api/routes/containers.ts'
import { execRoutes } from '../api/routes/exec.ts'
import { imageRoutes } from '../api/routes/images.ts'
import { networkRoutes } from '../api/routes/networks.ts'
import { systemRoutes } from '../api/routes/system.ts'
import { volumeRoutes } from '../api/routes/volumes.ts'
import type { HostFacts as OciHostFacts } from '../container/bundle.ts'
import { readDaemonCapabilities } from '../container/capabilities.ts'
import {
  ArchiveService,
  CommitService,
  ContainerIoService,
  ContainerMonitor,
  ContainerService,
  ContainerStore,
  ExecService,
  mountPointsOf,
} from '../container/index.ts'
import { EventBus } from '../events/index.ts'
import { ImageService, type RegistryOptions } from '../image/index.ts'
import type { Logger } from '../lib/log.ts'
import { detectCgroups, type Runtime, readHostRlimits } from '../runtime/index.ts'
import { type HostFacts, SystemService } from '../system/index.ts'
import { VolumeService } from '../volume/index.ts'
import { dataUsage } from './data-usage.ts'

export interface ServiceOptions {
  /** Registry settings for pull/push/login (dockerd's insecure-registries). */
  registry?: RegistryOptions
  dataRoot: string
  execRoot: string
  runtime: Runtime
  log: Logger
  /** Host path of a static tini for --init. */
  initPath: string
  oci: OciHostFacts
  /** What /info reports about the host and daemon (the data root is added here). */
  system: Omit<HostFacts, 'dataRoot'>
}

export interface Services {
  app: ApiApp
  events: EventBus
  images: ImageService
  volumes: VolumeService
  containers: ContainerService
  io: ContainerIoService
  system: SystemService
  monitor: ContainerMonitor
}

export async function buildServices(o: ServiceOptions): Promise<Services> {
  const events = new EventBus()
  const images = new ImageService({ root: o.dataRoot, publisher: events, log: o.log, registry: o.registry })
  await images.init()
  const volumes = new VolumeService({ root: o.dataRoot, publisher: events, log: o.log })
  await volumes.init()
  const store = new ContainerStore(o.dataRoot, o.log)
  await store.load()
  const containers = new ContainerService({
    store,
    images,
    volumes,
    runtime: o.runtime,
    publisher: events,
    log: o.log,
    bundleRoot: join(o.execRoot, 'bundles'),
    initPath: o.initPath,
    host: o.oci,
  })
  images.setUsageProbe((imageId) => {
    const users = containers.all().filter((c) => c.imageId === imageId)
    const running = users.find((c) => c.state.status === 'running' || c.state.status === 'paused')
    const user = running ?? users[0]
    return user ? { containerId: user.id, running: running !== undefined } : undefined
  })
  volumes.setUsageProbe((name) =>
    containers
      .all()
      .filter((c) => (mountPointsOf(c) ?? []).some((m) => m.type === 'volume' && m.name === name))
      .map((c) => c.id),
  )
  const archive = new ArchiveService({ containers, images, log: o.log })
  const io = new ContainerIoService(containers)
  const execs = new ExecService(containers)
  const system = new SystemService({
    containers,
    images,
    eventListeners: () => events.listenerCount(),
    host: { ...o.system, dataRoot: o.dataRoot },
  })
  const app = createApiApp(
    [
      ...systemRoutes({
        system,
        events,
        dataUsage: () => dataUsage(containers, images),
        login: (auth, opts) => images.login(auth, opts),
      }),
      ...containerRoutes({ containers, io, images }),
      ...execRoutes(execs),
      ...imageRoutes(images),
      ...volumeRoutes(volumes),
      ...archiveRoutes(archive),
      ...commitRoutes(new CommitService({ containers, images, publisher: events, log: o.log })),
      ...networkRoutes(),
      ...buildRoutes(),
    ],
    o.log,
  )
  return { app, events, images, volumes, containers, io, system, monitor: new ContainerMonitor(containers) }
}

/** Facts read once from the host: the daemon's capabilities, rlimits and cgroup layout. */
export async function readHostFacts(): Promise<{ oci: OciHostFacts; cgroupVersion: '1' | '2' }> {
  const cgroups = await detectCgroups()
  return {
    cgroupVersion: cgroups.version === 'v2' ? '2' : '1',
    oci: {
      capabilities: await readDaemonCapabilities(),
      rlimits: await readHostRlimits(),
      cgroup: { version: cgroups.version, swap: cgroups.swap },
    },
  }
}
