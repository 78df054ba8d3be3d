// SystemService: the daemon-wide views (/info, /version, /system/df): real counts and host
// facts gathered from the container and image services and the host.
import { readFile } from 'node:fs/promises'
import { cpus, hostname, release, totalmem } from 'node:os'
import type { ContainerService } from '../container/index.ts'
import type { ImageServiceContract } from '../image/image-service-contract.ts'
import { shortId } from '../lib/ids.ts'

export const BERTH_VERSION = '0.1.0'
export const API_VERSION = '1.47'
export const MIN_API_VERSION = '1.24'

export interface HostFacts {
  /** '1' or '2' (hybrid hosts report '1': the controllers are v1). */
  cgroupVersion: '1' | '2'
  cgroupDriver: 'cgroupfs'
  runtimes: Record<string, { path: string }>
  defaultRuntime: string
  dataRoot: string
  daemonId: string
  securityOptions: string[]
  warnings: string[]
  debug: boolean
  /** dockerd's registry settings, for /info RegistryConfig. */
  registry?: { insecureRegistries?: string[]; registryMirrors?: string[] }
}

export class SystemService {
  readonly #containers: ContainerService
  readonly #images: ImageServiceContract
  readonly #host: HostFacts
  #osName: string | undefined
  readonly #listeners: () => number

  constructor(deps: {
    containers: ContainerService
    images: ImageServiceContract
    host: HostFacts
    eventListeners: () => number
  }) {
    this.#containers = deps.containers
    this.#images = deps.images
    this.#host = deps.host
    this.#listeners = deps.eventListeners
  }

  version(): Record<string, unknown> {
    const details = {
      ApiVersion: API_VERSION,
      Arch: goArch(),
      BuildTime: '',
      Experimental: 'false',
      GitCommit: '',
      GoVersion: `node${process.versions.node}`,
      KernelVersion: release(),
      MinAPIVersion: MIN_API_VERSION,
      Os: 'linux',
    }
    return {
      Platform: { Name: 'berth' },
      Components: [{ Name: 'Engine', Version: BERTH_VERSION, Details: details }],
      Version: BERTH_VERSION,
      ...details,
      Experimental: false,
    }
  }

  async info(): Promise<Record<string, unknown>> {
    const all = this.#containers.all()
    const count = (s: string) => all.filter((c) => c.state.status === s).length
    const running = count('running') + count('restarting')
    const paused = count('paused')
    const images = await this.#images.usage()
    const h = this.#host
    return {
      ID: h.daemonId,
      Containers: all.length,
      ContainersRunning: running,
      ContainersPaused: paused,
      ContainersStopped: all.length - running - paused,
      Images: images.images,
      Driver: 'overlay2',
      DriverStatus: [
        ['Backing Filesystem', 'extfs'],
        ['Supports d_type', 'true'],
        ['Using metacopy', 'false'],
        ['Native Overlay Diff', 'true'],
        ['userxattr', 'false'],
      ],
      Plugins: {
        Volume: ['local'],
        Network: ['bridge', 'host', 'none'],
        Authorization: null,
        Log: ['k8s-file', 'json-file', 'none'],
      },
      MemoryLimit: true,
      SwapLimit: true,
      CpuCfsPeriod: true,
      CpuCfsQuota: true,
      CPUShares: true,
      CPUSet: true,
      PidsLimit: true,
      OomKillDisable: h.cgroupVersion === '1',
      IPv4Forwarding: (await readText('/proc/sys/net/ipv4/ip_forward')).trim() === '1',
      BridgeNfIptables: false,
      BridgeNfIp6tables: false,
      Debug: h.debug,
      NFd: 0,
      NGoroutines: 0,
      SystemTime: new Date().toISOString(),
      LoggingDriver: 'json-file',
      CgroupDriver: h.cgroupDriver,
      CgroupVersion: h.cgroupVersion,
      NEventsListener: this.#listeners(),
      KernelVersion: release(),
      OperatingSystem: await this.#os(),
      OSVersion: await this.#osVersion(),
      OSType: 'linux',
      Architecture: process.arch === 'x64' ? 'x86_64' : process.arch,
      IndexServerAddress: 'https://index.docker.io/v1/',
      RegistryConfig: registryConfig(h.registry ?? {}),
      NCPU: cpus().length,
      MemTotal: totalmem(),
      GenericResources: null,
      DockerRootDir: h.dataRoot,
      HttpProxy: process.env.HTTP_PROXY ?? '',
      HttpsProxy: process.env.HTTPS_PROXY ?? '',
      NoProxy: process.env.NO_PROXY ?? '',
      Name: hostname(),
      Labels: [],
      ExperimentalBuild: false,
      ServerVersion: BERTH_VERSION,
      Runtimes: h.runtimes,
      DefaultRuntime: h.defaultRuntime,
      Swarm: {
        NodeID: '',
        NodeAddr: '',
        LocalNodeState: 'inactive',
        ControlAvailable: false,
        Error: '',
        RemoteManagers: null,
      },
      LiveRestoreEnabled: true,
      Isolation: '',
      InitBinary: 'docker-init',
      ContainerdCommit: { ID: '' },
      RuncCommit: { ID: '' },
      InitCommit: { ID: '' },
      SecurityOptions: h.securityOptions,
      CDISpecDirs: [],
      // null when empty, as dockerd (Go nil slice) — like Plugins.Authorization, GenericResources and
      // RegistryConfig's lists above; the spec has no x-nullable there, but clients read dockerd's null.
      Warnings: h.warnings.length ? h.warnings : null,
    }
  }

  async #os(): Promise<string> {
    this.#osName ??= /^PRETTY_NAME="?([^"\n]*)"?/m.exec(await readText('/etc/os-release'))?.[1] ?? 'Linux'
    return this.#osName
  }

  async #osVersion(): Promise<string> {
    return /^VERSION_ID="?([^"\n]*)"?/m.exec(await readText('/etc/os-release'))?.[1] ?? ''
  }

  shortDaemonId(): string {
    return shortId(this.#host.daemonId)
  }
}

function goArch(): string {
  return process.arch === 'x64' ? 'amd64' : process.arch
}

async function readText(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8')
  } catch {
    // Missing host files only blank out the matching /info fields.
    return ''
  }
}

/** /info RegistryConfig as dockerd builds it: loopback and CIDR entries are insecure CIDRs,
 *  named insecure registries and docker.io (with its mirrors) are index configs. */
function registryConfig(r: { insecureRegistries?: string[]; registryMirrors?: string[] }) {
  const mirrors = r.registryMirrors ?? []
  const insecure = r.insecureRegistries ?? []
  const cidrs = insecure.filter((e) => e.includes('/'))
  const indexConfigs: Record<
    string,
    { Name: string; Mirrors: string[]; Secure: boolean; Official: boolean }
  > = { 'docker.io': { Name: 'docker.io', Mirrors: mirrors, Secure: true, Official: true } }
  for (const name of insecure.filter((e) => !e.includes('/')))
    indexConfigs[name] = { Name: name, Mirrors: [], Secure: false, Official: false }
  return {
    AllowNondistributableArtifactsCIDRs: null,
    AllowNondistributableArtifactsHostnames: null,
    InsecureRegistryCIDRs: ['::1/128', '127.0.0.0/8', ...cidrs],
    IndexConfigs: indexConfigs,
    Mirrors: mirrors.length ? mirrors : null,
  }
}
