// docker's stats formatter: the figures `docker stats` derives from the Engine API stats JSON
// (CPU % over the sample pair, memory without the page cache, block I/O sums) and its table. Pure.
import type { ContainerStatsResponse } from '../../client/index.ts'
import { bytesSize, humanSize } from './units.ts'

export const DEFAULT_STATS_TABLE =
  'table {{.ID}}\t{{.Name}}\t{{.CPUPerc}}\t{{.MemUsage}}\t{{.MemPerc}}\t{{.NetIO}}\t{{.BlockIO}}\t{{.PIDs}}'

export const STATS_HEADERS: Record<string, string> = {
  Container: 'CONTAINER',
  ID: 'CONTAINER ID',
  Name: 'NAME',
  CPUPerc: 'CPU %',
  MemUsage: 'MEM USAGE / LIMIT',
  MemPerc: 'MEM %',
  NetIO: 'NET I/O',
  BlockIO: 'BLOCK I/O',
  PIDs: 'PIDS',
}

export interface StatsRow {
  Container: string
  ID: string
  Name: string
  CPUPerc: string
  MemUsage: string
  MemPerc: string
  NetIO: string
  BlockIO: string
  PIDs: string
}

/** One row from a stats document; `container` is what the user named (or the id). */
export function statsRow(s: ContainerStatsResponse, container: string, opts: { trunc: boolean }): StatsRow {
  const running = s.read !== '0001-01-01T00:00:00Z'
  const mem = memoryUsage(s)
  const limit = s.memory_stats.limit ?? 0
  const { read, write } = blockIo(s)
  let rx = 0
  let tx = 0
  for (const n of Object.values(s.networks ?? {})) {
    rx += n.rx_bytes
    tx += n.tx_bytes
  }
  return {
    Container: container,
    ID: opts.trunc ? s.id.slice(0, 12) : s.id,
    Name: s.name.replace(/^\//, '') || '--',
    CPUPerc: running ? `${cpuPercent(s).toFixed(2)}%` : '0.00%',
    MemUsage: running ? `${bytesSize(mem)} / ${bytesSize(limit)}` : '0B / 0B',
    MemPerc: running && limit > 0 ? `${((mem / limit) * 100).toFixed(2)}%` : '0.00%',
    NetIO: `${humanSize(rx)} / ${humanSize(tx)}`,
    BlockIO: `${humanSize(read)} / ${humanSize(write)}`,
    PIDs: String(s.pids_stats.current ?? 0),
  }
}

/** docker's calculateCPUPercentUnix. */
export function cpuPercent(s: ContainerStatsResponse): number {
  const cpuDelta = s.cpu_stats.cpu_usage.total_usage - s.precpu_stats.cpu_usage.total_usage
  const systemDelta = (s.cpu_stats.system_cpu_usage ?? 0) - (s.precpu_stats.system_cpu_usage ?? 0)
  const online = s.cpu_stats.online_cpus || s.cpu_stats.cpu_usage.percpu_usage?.length || 0
  if (systemDelta <= 0 || cpuDelta <= 0) return 0
  return (cpuDelta / systemDelta) * online * 100
}

/** docker's calculateMemUsageUnixNoCache: usage minus inactive file pages (v1 total_inactive_file, v2 inactive_file). */
export function memoryUsage(s: ContainerStatsResponse): number {
  const usage = s.memory_stats.usage ?? 0
  const st = s.memory_stats.stats ?? {}
  const inactive = st.total_inactive_file ?? st.inactive_file
  return inactive !== undefined && inactive < usage ? usage - inactive : usage
}

function blockIo(s: ContainerStatsResponse): { read: number; write: number } {
  let read = 0
  let write = 0
  for (const e of s.blkio_stats.io_service_bytes_recursive ?? []) {
    const op = e.op.toLowerCase()
    if (op === 'read') read += e.value
    else if (op === 'write') write += e.value
  }
  return { read, write }
}
