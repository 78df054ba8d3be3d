// Engine API container stats JSON (ContainerStatsResponse) from a domain StatsSample. Pure.
// v1 hosts fill max_usage/failcnt/percpu_usage; v2 hosts leave them out, as Docker does.
// Networks: per interface of the container's namespace (lo excluded), omitted when there are
// none (--network host/none), as Docker's omitempty does.
import type { BlkioEntry, ContainerStats, StatsSample } from '../../container/index.ts'

const ZERO_TIME = '0001-01-01T00:00:00Z'

export function toStatsJson(s: StatsSample): Record<string, unknown> {
  const cur = s.current
  return {
    name: s.name,
    id: s.id,
    read: cur ? cur.read.toISOString() : ZERO_TIME,
    preread: s.previous ? s.previous.read.toISOString() : ZERO_TIME,
    pids_stats: cur ? pidsJson(cur) : {},
    blkio_stats: cur ? blkioJson(cur) : blkioEmpty(),
    num_procs: 0,
    storage_stats: {},
    cpu_stats: cpuJson(cur),
    precpu_stats: cpuJson(s.previous),
    memory_stats: cur ? memoryJson(cur) : {},
    ...networksJson(cur),
  }
}

function networksJson(st: ContainerStats | undefined): { networks?: Record<string, unknown> } {
  const entries = Object.entries(st?.networks ?? {})
  if (entries.length === 0) return {}
  const networks: Record<string, unknown> = {}
  for (const [name, n] of entries) {
    networks[name] = {
      rx_bytes: n.rxBytes,
      rx_packets: n.rxPackets,
      rx_errors: n.rxErrors,
      rx_dropped: n.rxDropped,
      tx_bytes: n.txBytes,
      tx_packets: n.txPackets,
      tx_errors: n.txErrors,
      tx_dropped: n.txDropped,
    }
  }
  return { networks }
}

function cpuJson(st: ContainerStats | undefined): Record<string, unknown> {
  if (st === undefined)
    return {
      cpu_usage: { total_usage: 0, usage_in_kernelmode: 0, usage_in_usermode: 0 },
      throttling_data: { periods: 0, throttled_periods: 0, throttled_time: 0 },
    }
  const c = st.cpu
  return {
    cpu_usage: {
      total_usage: c.totalNs,
      ...(c.perCpuNs ? { percpu_usage: c.perCpuNs } : {}),
      usage_in_kernelmode: c.kernelNs,
      usage_in_usermode: c.userNs,
    },
    system_cpu_usage: c.systemNs,
    online_cpus: c.onlineCpus,
    throttling_data: {
      periods: c.throttling.periods,
      throttled_periods: c.throttling.throttledPeriods,
      throttled_time: c.throttling.throttledTimeNs,
    },
  }
}

function memoryJson(st: ContainerStats): Record<string, unknown> {
  const m = st.memory
  return {
    usage: m.usage,
    ...(m.maxUsage !== undefined ? { max_usage: m.maxUsage } : {}),
    stats: m.stats,
    ...(m.failcnt !== undefined ? { failcnt: m.failcnt } : {}),
    limit: m.limit,
  }
}

function pidsJson(st: ContainerStats): Record<string, unknown> {
  return st.pids.limit !== undefined
    ? { current: st.pids.current, limit: st.pids.limit }
    : { current: st.pids.current }
}

function blkioJson(st: ContainerStats): Record<string, unknown> {
  return {
    ...blkioEmpty(),
    io_service_bytes_recursive: entries(st.blkio.ioServiceBytes),
    io_serviced_recursive: entries(st.blkio.ioServiced),
  }
}

function blkioEmpty(): Record<string, unknown> {
  return {
    io_service_bytes_recursive: null,
    io_serviced_recursive: null,
    io_queue_recursive: null,
    io_service_time_recursive: null,
    io_wait_time_recursive: null,
    io_merged_recursive: null,
    io_time_recursive: null,
    sectors_recursive: null,
  }
}

function entries(list: BlkioEntry[]): BlkioEntry[] | null {
  return list.length > 0 ? list : null
}
