// Builds every engine service over a data root and a Runtime, and the API route table over
// them. wire.ts passes the real ConmonRuntime and host facts; in-process API tests pass a
// FakeRuntime. The monitor is returned unstarted: the caller starts it once it is ready.
import { join } from 'node:path'
import { type ApiApp, createApiApp } from '../api/app.ts'
import { archiveRoutes } from '../api/routes/archive.ts'
import { buildRoutes } from '../api/routes/build.ts'
import { commitRoutes } from '../api/routes/commit.ts'
import { containerRoutes } from '../api/routes/containers.ts'
import { distributionRoutes } from '../api/routes/distribution.ts'
import { execRoutes } from '../api/routes/exec.ts'
import { imageRoutes } from '../api/routes/images.ts'
import { networkRoutes } from '../api/routes/networks.ts'
import { swarmRoutes } from '../api/routes/swarm.ts'
import { systemRoutes } from '../api/routes/system.ts'
import { volumeRoutes } from '../api/routes/volumes.ts'
import { BuildService } from '../build/index.ts'
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
  NetworkAttach,
  NetworkConnectService,
} from '../container/index.ts'
import { EventBus, EventLog, REPLAY } from '../events/index.ts'
import { ImageService, type RegistryOptions } from '../image/index.ts'
import type { Logger } from '../lib/log.ts'
import { EmbeddedDns } from '../network/dns/index.ts'
import {
  type AddressPool,
  DEFAULT_POOLS,
  type NetworkKernel,
  NetworkService,
  NetworkStore,
  NullKernel,
} from '../network/index.ts'
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
  /** Networking on the host (wire.ts); without it networks are records only (NullKernel, no DNS). */
  network?: NetworkOptions
}

export interface NetworkOptions {
  kernel: NetworkKernel
  /** Linux bridge of the default network (dockerd -b). */
  bridgeName: string
  bip?: string
  /** dockerd --ipv6 --fixed-cidr-v6: the default bridge's IPv6 subnet. */
  fixedCidrV6?: string
  pools: AddressPool[]
  /** dockerd --dns ('ip' or 'ip:port'). */
  dns: string[]
  /** Non-loopback resolvers of the host's resolv.conf (embedded DNS fallback upstreams). */
  hostResolvers: string[]
  mtu?: number
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
  networks: NetworkService
}

export async function buildServices(o: ServiceOptions): Promise<Services> {
  // The replay buffer survives restarts: `docker events --since` still sees what came before.
  const eventLog = new EventLog(join(o.dataRoot, 'events.log'), REPLAY)
  const events = new EventBus({ log: eventLog, history: await eventLog.load() })
  const images = new ImageService({ root: o.dataRoot, publisher: events, log: o.log, registry: o.registry })
  await images.init()
  const volumes = new VolumeService({ root: o.dataRoot, publisher: events, log: o.log })
  await volumes.init()
  const store = new ContainerStore(o.dataRoot, o.log)
  await store.load()
  const net = o.network
  const networks = new NetworkService({
    store: new NetworkStore(o.dataRoot),
    kernel: net?.kernel ?? new NullKernel(),
    publisher: events,
    log: o.log,
    bridgeName: net?.bridgeName ?? 'berth0',
    bip: net?.bip,
    fixedCidrV6: net?.fixedCidrV6,
    pools: net?.pools ?? DEFAULT_POOLS,
    mtu: net?.mtu,
  })
  const attach = new NetworkAttach({
    networks,
    log: o.log,
    daemonDns: net?.dns ?? [],
    embeddedDns: net !== undefined,
    container: (ref) => store.find(ref),
  })
  if (net) {
    const dns = new EmbeddedDns({
      records: networks.endpoints.records(),
      upstreams: (scope, clientIp) => attach.upstreams(scope, clientIp, net.hostResolvers),
      searchDomains: (scope, clientIp) => attach.searchDomains(scope, clientIp),
      log: o.log,
    })
    networks.setDns((scope, address) => dns.listen(scope, address))
  }
  await networks.init({
    active: (id) => ['running', 'paused', 'restarting'].includes(store.find(id)?.state.status ?? ''),
  })
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
    network: attach,
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
    host: { ...o.system, dataRoot: o.dataRoot, ...(o.registry ? { registry: o.registry } : {}) },
  })
  const builder = new BuildService({ dataRoot: o.dataRoot, images, containers, io, log: o.log })
  await builder.init()
  const app = createApiApp(
    [
      ...systemRoutes({
        system,
        events,
        dataUsage: () => dataUsage(containers, images, volumes, builder),
        login: (auth, opts) => images.login(auth, opts),
      }),
      ...containerRoutes({ containers, io, images }),
      ...execRoutes(execs),
      ...imageRoutes(images),
      ...distributionRoutes(images),
      ...volumeRoutes(volumes),
      ...archiveRoutes(archive),
      ...commitRoutes(new CommitService({ containers, images, publisher: events, log: o.log })),
      ...networkRoutes({ networks, connect: new NetworkConnectService(attach, containers) }),
      ...swarmRoutes(),
      ...buildRoutes(builder),
    ],
    o.log,
  )
  return {
    app,
    events,
    images,
    volumes,
    containers,
    io,
    system,
    monitor: new ContainerMonitor(containers),
    networks,
  }
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
