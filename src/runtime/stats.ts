// Reads a container's resource usage from its cgroup: v1 and hybrid hosts (controllers under
// /sys/fs/cgroup/<controller>/<path>) and v2 (one directory /sys/fs/cgroup/<path>). Pure parsers
// plus one reader; no encoding (api/codec/stats.ts turns this into Docker's JSON), no limits.
import { readFile, readlink } from 'node:fs/promises'
import { availableParallelism, totalmem } from 'node:os'
import { join } from 'node:path'
import { isNotFound, NotFoundError } from '../lib/errors.ts'
import { CGROUP_ROOT, type CgroupVersion } from './cgroups.ts'

export interface BlkioEntry {
  major: number
  minor: number
  /** Docker's op names: Read, Write, Sync, Async, Discard, Total. */
  op: string
  value: number
}

export interface ContainerStats {
  read: Date
  cgroup: 'v1' | 'v2'
  cpu: {
    /** Nanoseconds of CPU time used by the container. */
    totalNs: number
    userNs: number
    kernelNs: number
    /** v1 only (cpuacct.usage_percpu). */
    perCpuNs?: number[]
    /** Host CPU time (all CPUs, /proc/stat) in nanoseconds: the denominator of CPU %. */
    systemNs: number
    onlineCpus: number
    throttling: { periods: number; throttledPeriods: number; throttledTimeNs: number }
  }
  memory: {
    usage: number
    maxUsage?: number
    failcnt?: number
    /** The limit, or the host's memory when unlimited (as Docker reports it). */
    limit: number
    /** memory.stat as read (v1 keys like total_inactive_file, v2 keys like inactive_file). */
    stats: Record<string, number>
  }
  pids: { current: number; limit?: number }
  blkio: { ioServiceBytes: BlkioEntry[]; ioServiced: BlkioEntry[] }
  /** Per interface of the container's network namespace, lo excluded; absent when the
   *  container shares the host's namespace (Docker reports none for --network host). */
  networks?: Record<string, NetworkInterfaceStats>
}

/** One interface's counters from /proc/<pid>/net/dev, named as in Docker's stats JSON. */
export interface NetworkInterfaceStats {
  rxBytes: number
  rxPackets: number
  rxErrors: number
  rxDropped: number
  txBytes: number
  txPackets: number
  txErrors: number
  txDropped: number
}

/** USER_HZ: /proc/stat counts in 1/100 s on Linux for every architecture Node supports. */
const CLOCK_TICKS = 100

/** Reads every figure for the cgroup at `cgroupsPath` (e.g. `/berth/<id>`).
 *  @throws NotFoundError when the cgroup does not exist (container not running). */
export async function readCgroupStats(
  cgroupsPath: string,
  version: CgroupVersion,
  root = CGROUP_ROOT,
): Promise<ContainerStats> {
  const rel = cgroupsPath.replace(/^\/+/, '')
  const systemNs = parseProcStatCpu(await readFile('/proc/stat', 'utf8'))
  try {
    // hybrid: the unified mount holds only hugetlb; every figure lives in the v1 hierarchies.
    const stats = version === 'v2' ? await readV2(join(root, rel)) : await readV1(root, rel)
    return { ...stats, cpu: { ...stats.cpu, systemNs } }
  } catch (err) {
    if (isNotFound(err)) throw new NotFoundError(`no cgroup ${cgroupsPath}`, { cause: err })
    throw err
  }
}

async function readV1(root: string, rel: string): Promise<ContainerStats> {
  const f = (controller: string, file: string) => readFile(join(root, controller, rel, file), 'utf8')
  const opt = (controller: string, file: string) => f(controller, file).catch(() => '')
  const [usage, acctStat, percpu, cpuStat, memUsage, memMax, memLimit, failcnt, memStat] = await Promise.all([
    f('cpuacct', 'cpuacct.usage'),
    opt('cpuacct', 'cpuacct.stat'),
    opt('cpuacct', 'cpuacct.usage_percpu'),
    opt('cpu', 'cpu.stat'),
    f('memory', 'memory.usage_in_bytes'),
    opt('memory', 'memory.max_usage_in_bytes'),
    opt('memory', 'memory.limit_in_bytes'),
    opt('memory', 'memory.failcnt'),
    opt('memory', 'memory.stat'),
  ])
  const [pidsCurrent, pidsMax, ioBytes, ioOps] = await Promise.all([
    opt('pids', 'pids.current'),
    opt('pids', 'pids.max'),
    opt('blkio', 'blkio.throttle.io_service_bytes_recursive'),
    opt('blkio', 'blkio.throttle.io_serviced_recursive'),
  ])
  const acct = parseFlatKeyed(acctStat)
  const throttle = parseFlatKeyed(cpuStat)
  const nsPerTick = 1e9 / CLOCK_TICKS
  const perCpu = percpu.trim().split(/\s+/).filter(Boolean).map(Number)
  return {
    read: new Date(),
    cgroup: 'v1',
    cpu: {
      totalNs: num(usage),
      userNs: (acct.user ?? 0) * nsPerTick,
      kernelNs: (acct.system ?? 0) * nsPerTick,
      perCpuNs: perCpu.length ? perCpu : undefined,
      systemNs: 0,
      onlineCpus: availableParallelism(),
      throttling: {
        periods: throttle.nr_periods ?? 0,
        throttledPeriods: throttle.nr_throttled ?? 0,
        throttledTimeNs: throttle.throttled_time ?? 0,
      },
    },
    memory: {
      usage: num(memUsage),
      maxUsage: num(memMax),
      failcnt: num(failcnt),
      limit: hostClamped(num(memLimit)),
      stats: parseFlatKeyed(memStat),
    },
    pids: { current: num(pidsCurrent), limit: limitOf(pidsMax) },
    blkio: { ioServiceBytes: parseBlkioV1(ioBytes), ioServiced: parseBlkioV1(ioOps) },
  }
}

async function readV2(dir: string): Promise<ContainerStats> {
  const f = (file: string) => readFile(join(dir, file), 'utf8')
  const opt = (file: string) => f(file).catch(() => '')
  const [cpuStat, memCurrent, memMax, memStat, pidsCurrent, pidsMax, ioStat] = await Promise.all([
    f('cpu.stat'),
    opt('memory.current'),
    opt('memory.max'),
    opt('memory.stat'),
    opt('pids.current'),
    opt('pids.max'),
    opt('io.stat'),
  ])
  const cpu = parseFlatKeyed(cpuStat)
  const io = parseIoStatV2(ioStat)
  return {
    read: new Date(),
    cgroup: 'v2',
    cpu: {
      totalNs: (cpu.usage_usec ?? 0) * 1000,
      userNs: (cpu.user_usec ?? 0) * 1000,
      kernelNs: (cpu.system_usec ?? 0) * 1000,
      systemNs: 0,
      onlineCpus: availableParallelism(),
      throttling: {
        periods: cpu.nr_periods ?? 0,
        throttledPeriods: cpu.nr_throttled ?? 0,
        throttledTimeNs: (cpu.throttled_usec ?? 0) * 1000,
      },
    },
    memory: {
      usage: num(memCurrent),
      limit: hostClamped(limitOf(memMax) ?? Number.MAX_SAFE_INTEGER),
      stats: parseFlatKeyed(memStat),
    },
    pids: { current: num(pidsCurrent), limit: limitOf(pidsMax) },
    blkio: io,
  }
}

/** `key value` lines (memory.stat, cpu.stat, cpuacct.stat) into numbers. Pure. */
export function parseFlatKeyed(text: string): Record<string, number> {
  const out: Record<string, number> = {}
  for (const line of text.split('\n')) {
    const [k, v] = line.trim().split(/\s+/)
    if (k && v !== undefined && /^\d+$/.test(v)) out[k] = Number(v)
  }
  return out
}

/** The host's total CPU time in ns from the first line of /proc/stat. Pure. */
export function parseProcStatCpu(text: string): number {
  const line = text.split('\n').find((l) => l.startsWith('cpu '))
  if (line === undefined) return 0
  // user nice system idle iowait irq softirq steal (guest time is already included in user).
  const ticks = line.trim().split(/\s+/).slice(1, 9).map(Number)
  return ticks.reduce((a, b) => a + (Number.isFinite(b) ? b : 0), 0) * (1e9 / CLOCK_TICKS)
}

/** v1 blkio.throttle.* files: `8:0 Read 4096` lines (plus a `Total n` line, skipped). Pure. */
export function parseBlkioV1(text: string): BlkioEntry[] {
  const out: BlkioEntry[] = []
  for (const line of text.split('\n')) {
    const m = /^(\d+):(\d+) (\w+) (\d+)$/.exec(line.trim())
    if (m) out.push({ major: Number(m[1]), minor: Number(m[2]), op: m[3]!, value: Number(m[4]) })
  }
  return out
}

/** v2 io.stat: `8:0 rbytes=1 wbytes=2 rios=3 wios=4 dbytes=0 dios=0`. Docker reports
 *  Read/Write entries in io_service_bytes_recursive and io_serviced_recursive. Pure. */
export function parseIoStatV2(text: string): { ioServiceBytes: BlkioEntry[]; ioServiced: BlkioEntry[] } {
  const ioServiceBytes: BlkioEntry[] = []
  const ioServiced: BlkioEntry[] = []
  for (const line of text.split('\n')) {
    const [dev, ...fields] = line.trim().split(/\s+/)
    const m = /^(\d+):(\d+)$/.exec(dev ?? '')
    if (!m) continue
    const kv = Object.fromEntries(fields.map((f) => f.split('=')).map(([k, v]) => [k, Number(v)]))
    const major = Number(m[1])
    const minor = Number(m[2])
    ioServiceBytes.push({ major, minor, op: 'read', value: kv.rbytes ?? 0 })
    ioServiceBytes.push({ major, minor, op: 'write', value: kv.wbytes ?? 0 })
    ioServiced.push({ major, minor, op: 'read', value: kv.rios ?? 0 })
    ioServiced.push({ major, minor, op: 'write', value: kv.wios ?? 0 })
  }
  return { ioServiceBytes, ioServiced }
}

function num(text: string): number {
  const n = Number(text.trim())
  return Number.isFinite(n) ? n : 0
}

/** `max` (v2, pids) means unlimited. */
function limitOf(text: string): number | undefined {
  const t = text.trim()
  if (t === '' || t === 'max') return undefined
  return num(t)
}

/** Docker reports the host's memory as the limit of an unlimited container. */
function hostClamped(limit: number): number {
  const host = totalmem()
  return limit <= 0 || limit > host ? host : limit
}

/** /proc/net/dev: two header lines, then `iface: rx(bytes packets errs drop fifo frame
 *  compressed multicast) tx(bytes packets errs drop fifo colls carrier compressed)`; lo is
 *  skipped, as Docker does. Pure. */
export function parseNetDev(text: string): Record<string, NetworkInterfaceStats> {
  const out: Record<string, NetworkInterfaceStats> = {}
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':')
    if (colon < 0) continue
    const name = line.slice(0, colon).trim()
    const f = line
      .slice(colon + 1)
      .trim()
      .split(/\s+/)
      .map(Number)
    if (name === '' || name === 'lo' || f.length < 16 || !f.every(Number.isFinite)) continue
    out[name] = {
      rxBytes: f[0]!,
      rxPackets: f[1]!,
      rxErrors: f[2]!,
      rxDropped: f[3]!,
      txBytes: f[8]!,
      txPackets: f[9]!,
      txErrors: f[10]!,
      txDropped: f[11]!,
    }
  }
  return out
}

/** The interfaces of the network namespace of `pid` (the container's init), or undefined when
 *  that namespace is the host's own (or the process is gone). */
export async function readNetworkStats(
  pid: number,
  proc = '/proc',
): Promise<Record<string, NetworkInterfaceStats> | undefined> {
  try {
    const [mine, theirs] = await Promise.all([
      readlink(join(proc, 'self/ns/net')),
      readlink(join(proc, String(pid), 'ns/net')),
    ])
    if (mine === theirs) return undefined
    return parseNetDev(await readFile(join(proc, String(pid), 'net/dev'), 'utf8'))
  } catch (err) {
    // The container exited between the state check and this read: no figures, not an error.
    if (isNotFound(err)) return undefined
    throw err
  }
}
