// Engine API v1.47 wire types for exec and stats that src/api/types does not define yet.
// Types only; the daemon's encoders are api/routes/exec.ts and api/codec/stats.ts.

export interface ExecConfigRequest {
  Cmd: string[]
  Env?: string[]
  WorkingDir?: string
  User?: string
  Tty?: boolean
  AttachStdin?: boolean
  AttachStdout?: boolean
  AttachStderr?: boolean
  Privileged?: boolean
  DetachKeys?: string
  ConsoleSize?: [number, number] | null
}

export interface ExecInspectResponse {
  ID: string
  Running: boolean
  ExitCode: number | null
  ProcessConfig: { tty: boolean; entrypoint: string; arguments: string[]; privileged: boolean; user?: string }
  OpenStdin: boolean
  OpenStderr: boolean
  OpenStdout: boolean
  CanRemove: boolean
  ContainerID: string
  DetachKeys: string
  Pid: number
}

export interface CpuStatsJson {
  cpu_usage: {
    total_usage: number
    percpu_usage?: number[]
    usage_in_kernelmode: number
    usage_in_usermode: number
  }
  system_cpu_usage?: number
  online_cpus?: number
  throttling_data?: { periods: number; throttled_periods: number; throttled_time: number }
}

export interface BlkioStatEntry {
  major: number
  minor: number
  op: string
  value: number
}

export interface ContainerStatsResponse {
  name: string
  id: string
  read: string
  preread: string
  pids_stats: { current?: number; limit?: number }
  blkio_stats: { io_service_bytes_recursive: BlkioStatEntry[] | null } & Record<string, unknown>
  cpu_stats: CpuStatsJson
  precpu_stats: CpuStatsJson
  memory_stats: {
    usage?: number
    max_usage?: number
    stats?: Record<string, number>
    failcnt?: number
    limit?: number
  }
  networks?: Record<string, { rx_bytes: number; tx_bytes: number }>
}
