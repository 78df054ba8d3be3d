// Engine API v1.47 system wire types: info, version, events, disk usage. Shapes only.
import type { ContainerSummary } from './container.ts'
import type { ImageSummary } from './image.ts'

export interface PluginsInfo {
  Volume?: string[]
  Network?: string[]
  Authorization?: string[] | null
  Log?: string[]
}

export interface IndexInfo {
  Name?: string
  Mirrors?: string[]
  Secure?: boolean
  Official?: boolean
}

export interface RegistryServiceConfig {
  AllowNondistributableArtifactsCIDRs?: string[]
  AllowNondistributableArtifactsHostnames?: string[]
  InsecureRegistryCIDRs?: string[]
  IndexConfigs?: Record<string, IndexInfo>
  Mirrors?: string[]
}

export interface RuntimeInfo {
  path?: string
  runtimeArgs?: string[]
  status?: Record<string, string>
}

export interface Commit {
  ID?: string
  /** Deprecated in v1.48. */
  Expected?: string
}

export interface SwarmInfo {
  NodeID?: string
  NodeAddr?: string
  LocalNodeState?: '' | 'inactive' | 'pending' | 'active' | 'error' | 'locked'
  ControlAvailable?: boolean
  Error?: string
  RemoteManagers?: { NodeID?: string; Addr?: string }[] | null
  Nodes?: number | null
  Managers?: number | null
  Cluster?: unknown
}

export interface ContainerdInfo {
  Address?: string
  Namespaces?: { Containers?: string; Plugins?: string }
}

/** Response of GET /info. */
export interface SystemInfo {
  ID: string
  Containers: number
  ContainersRunning: number
  ContainersPaused: number
  ContainersStopped: number
  Images: number
  Driver: string
  DriverStatus: [string, string][] | null
  DockerRootDir: string
  Plugins: PluginsInfo
  MemoryLimit: boolean
  SwapLimit: boolean
  KernelMemoryTCP?: boolean
  CpuCfsPeriod: boolean
  CpuCfsQuota: boolean
  CPUShares: boolean
  CPUSet: boolean
  PidsLimit: boolean
  OomKillDisable: boolean
  IPv4Forwarding: boolean
  BridgeNfIptables?: boolean
  BridgeNfIp6tables?: boolean
  Debug: boolean
  NFd: number
  NGoroutines: number
  SystemTime: string
  LoggingDriver: string
  CgroupDriver: 'cgroupfs' | 'systemd' | 'none'
  CgroupVersion: '1' | '2'
  NEventsListener: number
  KernelVersion: string
  OperatingSystem: string
  OSVersion: string
  OSType: string
  Architecture: string
  NCPU: number
  MemTotal: number
  IndexServerAddress: string
  RegistryConfig: RegistryServiceConfig | null
  GenericResources?: unknown[] | null
  HttpProxy: string
  HttpsProxy: string
  NoProxy: string
  Name: string
  Labels: string[]
  ExperimentalBuild: boolean
  ServerVersion: string
  Runtimes: Record<string, RuntimeInfo>
  DefaultRuntime: string
  Swarm: SwarmInfo
  LiveRestoreEnabled: boolean
  Isolation: 'default' | 'hyperv' | 'process' | ''
  InitBinary: string
  ContainerdCommit: Commit
  RuncCommit: Commit
  InitCommit: Commit
  SecurityOptions: string[]
  ProductLicense?: string
  DefaultAddressPools?: { Base: string; Size: number }[]
  Warnings: string[] | null
  CDISpecDirs?: string[]
  Containerd?: ContainerdInfo | null
}

export interface ComponentVersion {
  Name: string
  Version: string
  Details?: Record<string, string> | null
}

/** Response of GET /version. */
export interface SystemVersion {
  Platform?: { Name: string }
  Components?: ComponentVersion[]
  Version: string
  ApiVersion: string
  MinAPIVersion: string
  GitCommit: string
  GoVersion: string
  Os: string
  Arch: string
  KernelVersion: string
  Experimental?: boolean
  BuildTime?: string
}

export type EventType =
  | 'builder'
  | 'config'
  | 'container'
  | 'daemon'
  | 'image'
  | 'network'
  | 'node'
  | 'plugin'
  | 'secret'
  | 'service'
  | 'volume'

export interface EventActor {
  ID: string
  Attributes: Record<string, string>
}

/** One JSON object of the GET /events stream. */
export interface EventMessage {
  Type: EventType
  Action: string
  Actor: EventActor
  scope: 'local' | 'swarm'
  /** Unix seconds. */
  time: number
  timeNano: number
  /** Deprecated legacy fields (still sent by Docker for old clients). */
  status?: string
  id?: string
  from?: string
}

export interface VolumeUsageData {
  Size: number
  RefCount: number
}

export interface Volume {
  Name: string
  Driver: string
  Mountpoint: string
  CreatedAt?: string
  Status?: Record<string, unknown>
  Labels: Record<string, string> | null
  Scope: 'local' | 'global'
  Options: Record<string, string> | null
  UsageData?: VolumeUsageData | null
}

export interface BuildCache {
  ID: string
  Parents?: string[] | null
  Type: string
  Description: string
  InUse: boolean
  Shared: boolean
  Size: number
  CreatedAt: string
  LastUsedAt: string | null
  UsageCount: number
}

/** Response of GET /system/df. */
export interface SystemDataUsageResponse {
  LayersSize: number
  Images: ImageSummary[] | null
  Containers: ContainerSummary[] | null
  Volumes: Volume[] | null
  BuildCache: BuildCache[] | null
}
