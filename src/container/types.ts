// Domain types of a container: its validated spec (from the Engine create body), its state
// as a discriminated union, and the persisted record.
import type { ContainerNetworking } from '../network/index.ts'

/** The container's configuration as the Engine API's ContainerConfig (kept verbatim for inspect). */
export interface ContainerConfig {
  Hostname: string
  Domainname: string
  User: string
  AttachStdin: boolean
  AttachStdout: boolean
  AttachStderr: boolean
  ExposedPorts?: Record<string, Record<string, never>>
  Tty: boolean
  OpenStdin: boolean
  StdinOnce: boolean
  Env: string[]
  Cmd: string[] | null
  Healthcheck?: Record<string, unknown>
  ArgsEscaped?: boolean
  Image: string
  Volumes: Record<string, Record<string, never>> | null
  WorkingDir: string
  Entrypoint: string[] | null
  NetworkDisabled?: boolean
  MacAddress?: string
  OnBuild: string[] | null
  Labels: Record<string, string>
  StopSignal?: string
  StopTimeout?: number
  Shell?: string[]
}

export interface Ulimit {
  Name: string
  Soft: number
  Hard: number
}

export interface RestartPolicy {
  Name: '' | 'no' | 'always' | 'unless-stopped' | 'on-failure'
  MaximumRetryCount: number
}

/** HostConfig fields berth acts on (others are kept verbatim in `raw`). */
export interface HostConfig {
  Binds: string[] | null
  NetworkMode: string
  PortBindings: Record<string, Array<{ HostIp?: string; HostPort?: string }>>
  RestartPolicy: RestartPolicy
  AutoRemove: boolean
  CapAdd: string[] | null
  CapDrop: string[] | null
  Dns: string[]
  DnsOptions: string[]
  DnsSearch: string[]
  ExtraHosts: string[] | null
  Privileged: boolean
  ReadonlyRootfs: boolean
  SecurityOpt: string[] | null
  Sysctls?: Record<string, string>
  ShmSize: number
  Init?: boolean | null
  Memory: number
  MemorySwap: number
  MemoryReservation: number
  NanoCpus: number
  CpuShares: number
  CpuPeriod: number
  CpuQuota: number
  CpusetCpus: string
  PidsLimit?: number | null
  Ulimits: Ulimit[] | null
  OomKillDisable?: boolean
  OomScoreAdj: number
  Tmpfs?: Record<string, string>
  LogConfig: { Type: string; Config: Record<string, string> }
  [key: string]: unknown
}

export type ContainerStatus = 'created' | 'running' | 'paused' | 'restarting' | 'removing' | 'exited' | 'dead'

export interface ContainerState {
  status: ContainerStatus
  pid: number
  exitCode: number
  error: string
  oomKilled: boolean
  startedAt: string
  finishedAt: string
  /** Set when the user stopped the container (restart policies ignore that exit). */
  stoppedByUser?: boolean
  /** Only for containers with a healthcheck that have been started (Engine API State.Health). */
  health?: HealthState
}

/** One probe's outcome (Engine API HealthcheckResult); Output is capped at 4 KiB. */
export interface HealthResult {
  Start: string
  End: string
  ExitCode: number
  Output: string
}

export interface HealthState {
  Status: 'starting' | 'healthy' | 'unhealthy'
  FailingStreak: number
  /** The last 5 results, oldest first. */
  Log: HealthResult[]
}

export interface ContainerRecord {
  id: string
  /** With the leading slash, as Docker stores it. */
  name: string
  created: string
  path: string
  args: string[]
  imageId: string
  config: ContainerConfig
  hostConfig: HostConfig
  state: ContainerState
  restartCount: number
  logPath: string
  hostnamePath: string
  hostsPath: string
  resolvConfPath: string
  /** Network namespace path when the container has its own (bridge/none). */
  netnsPath?: string
  /** Networks the container is on and, while it runs, its endpoints and published ports. */
  networking?: ContainerNetworking
}

export const ZERO_TIME = '0001-01-01T00:00:00Z'

export function initialState(): ContainerState {
  return {
    status: 'created',
    pid: 0,
    exitCode: 0,
    error: '',
    oomKilled: false,
    startedAt: ZERO_TIME,
    finishedAt: ZERO_TIME,
  }
}
