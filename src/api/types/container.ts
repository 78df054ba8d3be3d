// Engine API v1.47 container wire types: create request, list/inspect responses, wait, top, prune.
// Shapes only. Request fields are optional (the daemon fills defaults); response fields that Docker
// always emits are required so the daemon's encoders cannot forget them.
import type { DriverData, Mount, MountPoint, Port, PortMap } from './common.ts'

export type ContainerStatus = 'created' | 'running' | 'paused' | 'restarting' | 'removing' | 'exited' | 'dead'

export interface HealthConfig {
  Test?: string[]
  Interval?: number
  Timeout?: number
  Retries?: number
  StartPeriod?: number
  StartInterval?: number
}

export interface HealthcheckResult {
  Start?: string
  End?: string
  ExitCode?: number
  Output?: string
}

export interface Health {
  Status?: 'none' | 'starting' | 'healthy' | 'unhealthy'
  FailingStreak?: number
  Log?: HealthcheckResult[]
}

/** The container's configuration that is independent of the host (Config in create/inspect). */
export interface ContainerConfig {
  Hostname?: string
  Domainname?: string
  User?: string
  AttachStdin?: boolean
  AttachStdout?: boolean
  AttachStderr?: boolean
  ExposedPorts?: Record<string, Record<string, never>> | null
  Tty?: boolean
  OpenStdin?: boolean
  StdinOnce?: boolean
  Env?: string[] | null
  Cmd?: string[] | null
  Healthcheck?: HealthConfig
  ArgsEscaped?: boolean | null
  Image?: string
  Volumes?: Record<string, Record<string, never>> | null
  WorkingDir?: string
  Entrypoint?: string[] | null
  NetworkDisabled?: boolean | null
  /** Deprecated since v1.44 in favour of EndpointSettings.MacAddress. */
  MacAddress?: string | null
  OnBuild?: string[] | null
  Labels?: Record<string, string> | null
  StopSignal?: string | null
  StopTimeout?: number | null
  Shell?: string[] | null
}

export interface ThrottleDevice {
  Path?: string
  Rate?: number
}

export interface DeviceMapping {
  PathOnHost?: string
  PathInContainer?: string
  CgroupPermissions?: string
}

export interface DeviceRequest {
  Driver?: string
  Count?: number
  DeviceIDs?: string[]
  Capabilities?: string[][]
  Options?: Record<string, string>
}

export interface Ulimit {
  Name?: string
  Soft?: number
  Hard?: number
}

/** Cgroup resource limits (embedded in HostConfig; body of POST /containers/{id}/update). */
export interface Resources {
  CpuShares?: number
  /** Bytes; 0 = unlimited. */
  Memory?: number
  CgroupParent?: string
  BlkioWeight?: number
  BlkioWeightDevice?: { Path?: string; Weight?: number }[]
  BlkioDeviceReadBps?: ThrottleDevice[]
  BlkioDeviceWriteBps?: ThrottleDevice[]
  BlkioDeviceReadIOps?: ThrottleDevice[]
  BlkioDeviceWriteIOps?: ThrottleDevice[]
  CpuPeriod?: number
  CpuQuota?: number
  CpuRealtimePeriod?: number
  CpuRealtimeRuntime?: number
  CpusetCpus?: string
  CpusetMems?: string
  Devices?: DeviceMapping[]
  DeviceCgroupRules?: string[] | null
  DeviceRequests?: DeviceRequest[] | null
  KernelMemoryTCP?: number
  MemoryReservation?: number
  /** Memory + swap in bytes; -1 = unlimited swap. */
  MemorySwap?: number
  MemorySwappiness?: number | null
  /** CPU quota in units of 1e-9 CPUs (`--cpus`). */
  NanoCpus?: number
  OomKillDisable?: boolean | null
  Init?: boolean | null
  /** 0 or -1 = unlimited; null = do not change. */
  PidsLimit?: number | null
  Ulimits?: Ulimit[]
  CpuCount?: number
  CpuPercent?: number
  IOMaximumIOps?: number
  IOMaximumBandwidth?: number
}

export type RestartPolicyName = '' | 'no' | 'always' | 'unless-stopped' | 'on-failure'

export interface RestartPolicy {
  Name?: RestartPolicyName
  MaximumRetryCount?: number
}

export interface LogConfig {
  Type?: string
  Config?: Record<string, string>
}

/** Host-dependent container configuration. */
export interface HostConfig extends Resources {
  Binds?: string[] | null
  ContainerIDFile?: string
  LogConfig?: LogConfig
  /** "bridge" | "host" | "none" | "container:<id>" | network name. */
  NetworkMode?: string
  PortBindings?: PortMap
  RestartPolicy?: RestartPolicy
  AutoRemove?: boolean
  VolumeDriver?: string
  VolumesFrom?: string[] | null
  Mounts?: Mount[]
  ConsoleSize?: [number, number] | null
  Annotations?: Record<string, string>
  CapAdd?: string[] | null
  CapDrop?: string[] | null
  CgroupnsMode?: 'private' | 'host' | ''
  Dns?: string[] | null
  DnsOptions?: string[] | null
  DnsSearch?: string[] | null
  ExtraHosts?: string[] | null
  GroupAdd?: string[] | null
  IpcMode?: string
  Cgroup?: string
  Links?: string[] | null
  OomScoreAdj?: number
  PidMode?: string
  Privileged?: boolean
  PublishAllPorts?: boolean
  ReadonlyRootfs?: boolean
  SecurityOpt?: string[] | null
  StorageOpt?: Record<string, string>
  Tmpfs?: Record<string, string>
  UTSMode?: string
  UsernsMode?: string
  ShmSize?: number
  Sysctls?: Record<string, string>
  Runtime?: string
  Isolation?: 'default' | 'process' | 'hyperv' | ''
  MaskedPaths?: string[] | null
  ReadonlyPaths?: string[] | null
}

export interface EndpointIPAMConfig {
  IPv4Address?: string
  IPv6Address?: string
  LinkLocalIPs?: string[]
}

/** A container's endpoint on one network. */
export interface EndpointSettings {
  IPAMConfig?: EndpointIPAMConfig | null
  Links?: string[] | null
  MacAddress?: string
  Aliases?: string[] | null
  DriverOpts?: Record<string, string> | null
  NetworkID?: string
  EndpointID?: string
  Gateway?: string
  IPAddress?: string
  IPPrefixLen?: number
  IPv6Gateway?: string
  GlobalIPv6Address?: string
  GlobalIPv6PrefixLen?: number
  DNSNames?: string[] | null
}

export interface NetworkingConfig {
  EndpointsConfig?: Record<string, EndpointSettings>
}

/** Body of POST /containers/create (`?name=…&platform=…`). */
export interface ContainerCreateRequest extends ContainerConfig {
  HostConfig?: HostConfig
  NetworkingConfig?: NetworkingConfig
}

export interface ContainerCreateResponse {
  Id: string
  Warnings: string[]
}

export interface Address {
  Addr?: string
  PrefixLen?: number
}

export interface NetworkSettings {
  Bridge?: string
  SandboxID?: string
  HairpinMode?: boolean
  LinkLocalIPv6Address?: string
  LinkLocalIPv6PrefixLen?: number
  Ports?: PortMap
  SandboxKey?: string
  SecondaryIPAddresses?: Address[] | null
  SecondaryIPv6Addresses?: Address[] | null
  EndpointID?: string
  Gateway?: string
  GlobalIPv6Address?: string
  GlobalIPv6PrefixLen?: number
  IPAddress?: string
  IPPrefixLen?: number
  IPv6Gateway?: string
  MacAddress?: string
  Networks?: Record<string, EndpointSettings>
}

export interface ContainerState {
  Status: ContainerStatus
  Running: boolean
  Paused: boolean
  Restarting: boolean
  OOMKilled: boolean
  Dead: boolean
  Pid: number
  ExitCode: number
  Error: string
  /** RFC 3339 with nanoseconds; "0001-01-01T00:00:00Z" when never started. */
  StartedAt: string
  FinishedAt: string
  Health?: Health
}

/** Response of GET /containers/{id}/json. */
export interface ContainerInspectResponse {
  Id: string
  /** RFC 3339 with nanoseconds. */
  Created: string
  Path: string
  Args: string[]
  State: ContainerState
  /** Image id (sha256:…). */
  Image: string
  ResolvConfPath: string
  HostnamePath: string
  HostsPath: string
  LogPath: string
  /** With the leading slash: "/name". */
  Name: string
  RestartCount: number
  Driver: string
  Platform: string
  MountLabel: string
  ProcessLabel: string
  AppArmorProfile: string
  ExecIDs: string[] | null
  HostConfig: HostConfig
  GraphDriver: DriverData
  /** Only with `?size=true`. */
  SizeRw?: number
  SizeRootFs?: number
  Mounts: MountPoint[]
  Config: ContainerConfig
  NetworkSettings: NetworkSettings
}

/** One entry of GET /containers/json. */
export interface ContainerSummary {
  Id: string
  /** With leading slashes: ["/name"]. */
  Names: string[]
  /** The image as the user named it (or its id). */
  Image: string
  ImageID: string
  Command: string
  /** Unix seconds. */
  Created: number
  Ports: Port[]
  /** Only with `?size=true`. */
  SizeRw?: number
  SizeRootFs?: number
  Labels: Record<string, string>
  State: ContainerStatus | string
  /** Human status, e.g. "Up 3 seconds", "Exited (0) 2 minutes ago". */
  Status: string
  HostConfig: { NetworkMode?: string; Annotations?: Record<string, string> }
  NetworkSettings: { Networks?: Record<string, EndpointSettings> }
  Mounts: MountPoint[]
}

export interface ContainerWaitExitError {
  Message?: string
}

export interface ContainerWaitResponse {
  StatusCode: number
  Error?: ContainerWaitExitError | null
}

/** Response of GET /containers/{id}/top. */
export interface ContainerTopResponse {
  Titles: string[]
  Processes: string[][]
}

export interface ContainerPruneResponse {
  ContainersDeleted: string[] | null
  SpaceReclaimed: number
}

/** Body of POST /containers/{id}/update (response carries Warnings). */
export interface ContainerUpdateRequest extends Resources {
  RestartPolicy?: RestartPolicy
}

export interface ContainerUpdateResponse {
  Warnings: string[] | null
}

/** One entry of GET /containers/{id}/changes. Kind: 0 modified, 1 added, 2 deleted. */
export interface FilesystemChange {
  Path: string
  Kind: 0 | 1 | 2
}
