// Builds the OCI runtime-spec config.json for a Docker container, as one pure function of its
// input: Docker's defaults (mounts, masked paths, devices, capabilities, seccomp) plus what the
// container asks for, limited to what this host allows. It reads nothing: host facts (capabilities,
// rlimits, cgroup layout) and resolved values (user ids, args, env) come in through the input.
import { InvalidArgumentError } from '../lib/errors.ts'
import { resolveCapabilities } from './capabilities.ts'
import { defaultSeccompProfile, type OciSeccomp } from './seccomp-default.ts'
import { resolveSeccompProfile } from './seccomp-profile.ts'

export interface OciMount {
  destination: string
  type?: string
  source?: string
  options?: string[]
}

/** How a namespace is had: a new one, the host's, or an existing one joined by path (`/proc/<pid>/ns/net`). */
/** `sysctls` (new namespaces only): set by berth itself, not checked like --sysctl (e.g. the
 *  route_localnet a network namespace with Docker's 127.0.0.11 needs). */
export type NamespaceMode =
  | { mode: 'new'; sysctls?: Record<string, string> }
  | { mode: 'host' }
  | { mode: 'path'; path: string }

export interface OciDevice {
  /** Path inside the container. */
  path: string
  type: 'c' | 'b'
  major: number
  minor: number
  fileMode?: number
  uid?: number
  gid?: number
  /** Device-cgroup access, `rwm` by default. */
  permissions?: string
}

export interface OciSpecInput {
  /** Container id: names the cgroup `/berth/<id>`. */
  id: string
  /** Absolute path of the prepared root filesystem. */
  rootfs: string
  readonlyRootfs?: boolean
  /** The command: entrypoint + cmd, already resolved by the caller; must not be empty. */
  args: string[]
  /** The full environment (`KEY=value`), already merged by the caller (image, container, PATH, HOSTNAME, HOME, TERM). */
  env: string[]
  /** Absolute working directory; default `/`. */
  cwd?: string
  /** Numeric ids (see resolveUser in user.ts). Non-root users get capabilities only in the bounding set. */
  user: { uid: number; gid: number; additionalGids?: number[] }
  tty?: boolean
  /** Docker's HostConfig.ConsoleSize: the terminal's initial size (with `tty` only). */
  consoleSize?: { height: number; width: number }
  hostname?: string
  domainname?: string
  /** Docker's --privileged: every capability the daemon holds, all devices allowed, /sys and cgroups rw, no seccomp, no masked paths. */
  privileged?: boolean
  /** Docker's CapAdd/CapDrop: `ALL`, `NET_ADMIN`, `CAP_NET_ADMIN`, any case. */
  capAdd?: string[]
  capDrop?: string[]
  /** Docker's Ulimits (`nofile`, `nproc`, …); each value is clamped to the daemon's hard limit. */
  ulimits?: Array<{ name: string; soft: number; hard: number }>
  /** security-opt no-new-privileges. */
  noNewPrivileges?: boolean
  /** -1000…1000; raised to ≥ 0 when the daemon lacks CAP_SYS_RESOURCE (lowering it needs that). */
  oomScoreAdj?: number
  /** Size of /dev/shm in bytes (Docker's ShmSize); default 64 MiB. */
  shmSize?: number
  /** Mounts after Docker's defaults: /etc/hosts, /etc/hostname, /etc/resolv.conf, binds, volumes,
   *  tmpfs. One on a default's destination (e.g. /dev/shm) replaces that default. */
  mounts?: OciMount[]
  /** Default: new namespaces; `cgroup` defaults to a new one on pure v2 hosts only (as Docker does). */
  namespaces?: {
    network?: NamespaceMode
    pid?: NamespaceMode
    ipc?: NamespaceMode
    uts?: NamespaceMode
    cgroup?: NamespaceMode
  }
  /** Docker's --cgroup-parent (cgroupfs driver): the cgroup under which the container's is made. */
  cgroupParent?: string
  resources?: {
    /** Bytes; 0 or unset = unlimited. */
    memory?: number
    /** Docker's MemorySwap: memory + swap in bytes; -1 = unlimited swap; unset/0 = twice `memory`. */
    memorySwap?: number
    memoryReservation?: number
    /** 0–100, cgroup v1 only. */
    memorySwappiness?: number
    oomKillDisable?: boolean
    cpuShares?: number
    cpuPeriod?: number
    cpuQuota?: number
    /** Docker's NanoCpus (1e9 = one CPU): becomes quota/period with a 100 ms period. */
    nanoCpus?: number
    cpusetCpus?: string
    cpusetMems?: string
    /** ≤ 0 or unset = unlimited. */
    pidsLimit?: number
    blkioWeight?: number
  }
  /** Host devices to create in the container (--device); also allowed in the device cgroup. */
  devices?: OciDevice[]
  /** Docker's --device-cgroup-rule: `c 1:3 rwm`, `b *:* m`. */
  deviceCgroupRules?: string[]
  sysctls?: Record<string, string>
  /** `default`: Docker's profile for the container's capabilities; `unconfined`: none; or an OCI
   *  `linux.seccomp` object used as is. Privileged containers get none. */
  seccomp?: 'default' | 'unconfined' | OciSeccomp | { dockerProfile: string }
  /** security-opt systempaths=unconfined: no masked or read-only /proc paths. */
  unmaskSystemPaths?: boolean
  /** Docker's --init: host path of the init (tini), bound read-only at /sbin/docker-init. */
  init?: string
  /** Facts about the daemon's host, read once at start-up (they keep this function pure). */
  host: {
    /** Capabilities the daemon holds (readDaemonCapabilities). */
    capabilities: readonly string[]
    /** The daemon's own rlimits by OCI name (readHostRlimits); Infinity = unlimited. */
    rlimits?: Record<string, { soft: number; hard: number }>
    cgroup: { version: 'v1' | 'v2' | 'hybrid'; swap: boolean }
    /** Node `process.arch`, for seccomp architectures; default the daemon's. */
    arch?: string
  }
}

export const INIT_PATH = '/sbin/docker-init'
const DEFAULT_SHM_SIZE = 64 * 1024 * 1024
/** JSON numbers above 2^53 lose precision; "unlimited" rlimits are written as this. */
const RLIM_MAX = Number.MAX_SAFE_INTEGER

// biome-ignore format: a path table
const MASKED_PATHS = [
  '/proc/asound', '/proc/acpi', '/proc/kcore', '/proc/keys', '/proc/latency_stats', '/proc/timer_list',
  '/proc/timer_stats', '/proc/sched_debug', '/proc/scsi', '/sys/firmware', '/sys/devices/virtual/powercap',
]
const READONLY_PATHS = ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger']

/** The devices every container gets (/dev/console and /dev/pts come from the runtime). */
const DEFAULT_DEVICES: readonly OciDevice[] = [
  { path: '/dev/null', type: 'c', major: 1, minor: 3 },
  { path: '/dev/zero', type: 'c', major: 1, minor: 5 },
  { path: '/dev/full', type: 'c', major: 1, minor: 7 },
  { path: '/dev/random', type: 'c', major: 1, minor: 8 },
  { path: '/dev/urandom', type: 'c', major: 1, minor: 9 },
  { path: '/dev/tty', type: 'c', major: 5, minor: 0 },
]

type DeviceRule = { allow: boolean; type?: 'a' | 'c' | 'b'; major?: number; minor?: number; access: string }

/** Docker's device cgroup: deny all, allow mknod of anything, use of the default devices, ptys, tun. */
const DEFAULT_DEVICE_RULES: readonly DeviceRule[] = [
  { allow: false, access: 'rwm' },
  { allow: true, type: 'c', access: 'm' },
  { allow: true, type: 'b', access: 'm' },
  ...DEFAULT_DEVICES.map(
    (d): DeviceRule => ({ allow: true, type: d.type, major: d.major, minor: d.minor, access: 'rwm' }),
  ),
  { allow: true, type: 'c', major: 136, access: 'rwm' }, // /dev/pts/*
  { allow: true, type: 'c', major: 5, minor: 2, access: 'rwm' }, // /dev/ptmx
  { allow: true, type: 'c', major: 10, minor: 200, access: 'rwm' }, // /dev/net/tun
]

/** @throws InvalidArgumentError for values Docker rejects (bad capability, ulimit, sysctl, resources). */
export function buildOciSpec(input: OciSpecInput): Record<string, unknown> {
  if (input.args.length === 0) throw new InvalidArgumentError('no command specified')
  const ns = input.namespaces ?? {}
  const caps = resolveCapabilities({
    capAdd: input.capAdd,
    capDrop: input.capDrop,
    privileged: input.privileged,
    available: input.host.capabilities,
  })
  const isRoot = input.user.uid === 0
  const args = input.init ? [INIT_PATH, '--', ...input.args] : input.args
  const process: Record<string, unknown> = {
    terminal: input.tty ?? false,
    user: { uid: input.user.uid, gid: input.user.gid, additionalGids: input.user.additionalGids ?? [] },
    args,
    env: input.env,
    cwd: input.cwd || '/',
    capabilities: { bounding: caps, effective: isRoot ? caps : [], permitted: isRoot ? caps : [] },
    noNewPrivileges: input.noNewPrivileges ?? false,
  }
  const rlimits = buildRlimits(input.ulimits ?? [], input.host.rlimits)
  if (rlimits.length > 0) process.rlimits = rlimits
  if (input.tty && input.consoleSize) process.consoleSize = input.consoleSize
  if (input.oomScoreAdj !== undefined)
    process.oomScoreAdj = clampOomScoreAdj(input.oomScoreAdj, input.host.capabilities)
  const unmasked = input.privileged || input.unmaskSystemPaths
  const linux: Record<string, unknown> = {
    namespaces: buildNamespaces(ns, input.host.cgroup.version),
    // Docker's cgroupfs driver: --cgroup-parent replaces the parent (`/docker` there, `/berth` here).
    cgroupsPath: `${cgroupParentOf(input.cgroupParent)}/${input.id}`,
    resources: buildResources(input),
    devices: devicesOf(input.devices ?? []).map(toLinuxDevice),
    maskedPaths: unmasked ? [] : MASKED_PATHS,
    readonlyPaths: unmasked ? [] : READONLY_PATHS,
  }
  const netNs = input.namespaces?.network
  const sysctls = {
    ...(netNs?.mode === 'new' ? netNs.sysctls : {}),
    ...checkSysctls(input.sysctls ?? {}, ns),
  }
  if (Object.keys(sysctls).length > 0) linux.sysctl = sysctls
  const seccomp = input.privileged || input.seccomp === 'unconfined' ? undefined : input.seccomp
  if (seccomp !== undefined) {
    linux.seccomp =
      seccomp === 'default'
        ? defaultSeccompProfile(caps, input.host.arch)
        : 'dockerProfile' in seccomp
          ? resolveSeccompProfile(seccomp.dockerProfile, caps, input.host.arch)
          : seccomp
  }
  const spec: Record<string, unknown> = {
    ociVersion: '1.0.2',
    process,
    root: { path: input.rootfs, readonly: input.readonlyRootfs ?? false },
    mounts: buildMounts(input),
    linux,
  }
  if (ns.uts?.mode !== 'host') {
    if (input.hostname) spec.hostname = input.hostname
    if (input.domainname) spec.domainname = input.domainname
  }
  return spec
}

function cgroupParentOf(parent: string | undefined): string {
  if (!parent) return '/berth'
  if (parent.split('/').includes('..')) throw new InvalidArgumentError(`invalid cgroup parent: ${parent}`)
  return `/${parent.replace(/^\/+|\/+$/g, '')}`
}

function buildNamespaces(
  ns: NonNullable<OciSpecInput['namespaces']>,
  cgroupVersion: string,
): Array<Record<string, string>> {
  const out: Array<Record<string, string>> = []
  const add = (type: string, mode: NamespaceMode | undefined) => {
    const m = mode ?? { mode: 'new' }
    if (m.mode === 'host') return
    out.push(m.mode === 'path' ? { type, path: m.path } : { type })
  }
  add('pid', ns.pid)
  add('ipc', ns.ipc)
  add('uts', ns.uts)
  out.push({ type: 'mount' })
  add('network', ns.network)
  add('cgroup', ns.cgroup ?? (cgroupVersion === 'v2' ? { mode: 'new' } : { mode: 'host' }))
  return out
}

function buildMounts(input: OciSpecInput): OciMount[] {
  const privileged = input.privileged ?? false
  const shmSize = input.shmSize && input.shmSize > 0 ? input.shmSize : DEFAULT_SHM_SIZE
  const defaults: OciMount[] = [
    { destination: '/proc', type: 'proc', source: 'proc', options: ['nosuid', 'noexec', 'nodev'] },
    {
      destination: '/dev',
      type: 'tmpfs',
      source: 'tmpfs',
      options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k'],
    },
    {
      destination: '/dev/pts',
      type: 'devpts',
      source: 'devpts',
      options: ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620', 'gid=5'],
    },
    {
      destination: '/sys',
      type: 'sysfs',
      source: 'sysfs',
      options: ['nosuid', 'noexec', 'nodev', privileged ? 'rw' : 'ro'],
    },
    {
      destination: '/sys/fs/cgroup',
      type: 'cgroup',
      source: 'cgroup',
      options: ['nosuid', 'noexec', 'nodev', 'relatime', privileged ? 'rw' : 'ro'],
    },
    { destination: '/dev/mqueue', type: 'mqueue', source: 'mqueue', options: ['nosuid', 'noexec', 'nodev'] },
    {
      destination: '/dev/shm',
      type: 'tmpfs',
      source: 'shm',
      options: ['nosuid', 'noexec', 'nodev', 'mode=1777', `size=${shmSize}`],
    },
  ]
  const extra = [...(input.mounts ?? [])]
  if (input.init)
    extra.push({
      destination: INIT_PATH,
      type: 'bind',
      source: input.init,
      options: ['rbind', 'ro', 'nosuid', 'nodev'],
    })
  const taken = new Set(extra.map((m) => normalizeDest(m.destination)))
  // Docker: without a private network namespace, sysfs cannot be mounted; bind the host's instead.
  const hostNet = input.namespaces?.network?.mode === 'host' || input.namespaces?.network?.mode === 'path'
  const kept = defaults
    .filter((m) => !taken.has(m.destination))
    .map((m) =>
      m.destination === '/sys' && hostNet && !privileged
        ? { ...m, type: 'bind', source: '/sys', options: ['rbind', 'nosuid', 'noexec', 'nodev', 'ro'] }
        : m,
    )
  // Parents before children, so a bind at /data/x is not hidden by one at /data.
  const depth = (m: OciMount) => normalizeDest(m.destination).split('/').length
  return [...kept, ...extra.sort((a, b) => depth(a) - depth(b))]
}

function normalizeDest(dest: string): string {
  return `/${dest
    .split('/')
    .filter((c) => c !== '' && c !== '.')
    .join('/')}`
}

function buildResources(input: OciSpecInput): Record<string, unknown> {
  const r = input.resources ?? {}
  const out: Record<string, unknown> = {}
  const rules: DeviceRule[] = input.privileged ? [{ allow: true, access: 'rwm' }] : [...DEFAULT_DEVICE_RULES]
  for (const d of input.devices ?? [])
    rules.push({ allow: true, type: d.type, major: d.major, minor: d.minor, access: d.permissions ?? 'rwm' })
  for (const rule of input.deviceCgroupRules ?? []) rules.push(parseDeviceRule(rule))
  out.devices = rules
  const memory = buildMemory(r, input.host.cgroup)
  if (memory !== undefined) out.memory = memory
  const cpu = buildCpu(r)
  if (cpu !== undefined) out.cpu = cpu
  if (r.pidsLimit !== undefined && r.pidsLimit > 0) out.pids = { limit: r.pidsLimit }
  if (r.blkioWeight !== undefined && r.blkioWeight > 0) {
    if (r.blkioWeight < 10 || r.blkioWeight > 1000)
      throw new InvalidArgumentError('Range of blkio weight is from 10 to 1000')
    out.blockIO = { weight: r.blkioWeight }
  }
  return out
}

/** The cgroup limits alone (memory, cpu, pids, blockIO; no device rules): what a runtime
 *  update applies. A pids limit ≤ 0 becomes -1 (unlimited). */
export function resourceLimits(
  r: NonNullable<OciSpecInput['resources']>,
  cgroup: OciSpecInput['host']['cgroup'],
): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  const memory = buildMemory(r, cgroup)
  if (memory !== undefined) out.memory = memory
  const cpu = buildCpu(r)
  if (cpu !== undefined) out.cpu = cpu
  if (r.pidsLimit !== undefined) out.pids = { limit: r.pidsLimit > 0 ? r.pidsLimit : -1 }
  if (r.blkioWeight !== undefined && r.blkioWeight > 0) out.blockIO = { weight: r.blkioWeight }
  return out
}

function buildMemory(r: NonNullable<OciSpecInput['resources']>, cgroup: OciSpecInput['host']['cgroup']) {
  const m: Record<string, unknown> = {}
  const limit = r.memory ?? 0
  if (limit > 0) {
    if (limit < 6 * 1024 * 1024) throw new InvalidArgumentError('Minimum memory limit allowed is 6MB')
    m.limit = limit
    // HOST-NOTES: on v1 the memsw limit must be set with the memory limit, or later updates fail.
    if (cgroup.swap) {
      const swap = r.memorySwap ?? 0
      if (swap > 0 && swap < limit) {
        throw new InvalidArgumentError(
          'Minimum memoryswap limit should be larger than memory limit, see usage',
        )
      }
      m.swap = swap === -1 ? -1 : swap > 0 ? swap : 2 * limit
    }
  } else if (r.memorySwap !== undefined && r.memorySwap > 0) {
    throw new InvalidArgumentError(
      'You should always set the Memory limit when using Memoryswap limit, see usage',
    )
  }
  if (r.memoryReservation !== undefined && r.memoryReservation > 0) m.reservation = r.memoryReservation
  if (r.memorySwappiness !== undefined && r.memorySwappiness >= 0 && cgroup.version !== 'v2') {
    if (r.memorySwappiness > 100)
      throw new InvalidArgumentError('Invalid value: memory swappiness must be 0-100')
    m.swappiness = r.memorySwappiness
  }
  if (r.oomKillDisable) m.disableOOMKiller = true
  return Object.keys(m).length > 0 ? m : undefined
}

function buildCpu(r: NonNullable<OciSpecInput['resources']>) {
  const c: Record<string, unknown> = {}
  if (r.nanoCpus !== undefined && r.nanoCpus > 0) {
    if ((r.cpuQuota ?? 0) > 0 || (r.cpuPeriod ?? 0) > 0) {
      throw new InvalidArgumentError('Conflicting options: Nano CPUs and CPU Period/Quota cannot both be set')
    }
    if (r.nanoCpus < 1e7) throw new InvalidArgumentError('Range of CPUs is from 0.01 upwards')
    c.period = 100_000
    c.quota = Math.round((r.nanoCpus * 100_000) / 1e9)
  }
  if (r.cpuPeriod !== undefined && r.cpuPeriod > 0) c.period = r.cpuPeriod
  if (r.cpuQuota !== undefined && r.cpuQuota > 0) c.quota = r.cpuQuota
  if (r.cpuShares !== undefined && r.cpuShares > 0) c.shares = r.cpuShares
  if (r.cpusetCpus) c.cpus = r.cpusetCpus
  if (r.cpusetMems) c.mems = r.cpusetMems
  return Object.keys(c).length > 0 ? c : undefined
}

/** `c 1:3 rwm`, `b *:* m`, `a *:* rwm`. */
function parseDeviceRule(rule: string): DeviceRule {
  const m = /^([abc]) (\*|\d+):(\*|\d+) ([rwm]{1,3})$/.exec(rule.trim())
  if (m === null) throw new InvalidArgumentError(`invalid device cgroup rule format: '${rule}'`)
  const [, type, major, minor, access] = m
  const out: DeviceRule = { allow: true, type: type as DeviceRule['type'], access: access as string }
  if (major !== '*') out.major = Number(major)
  if (minor !== '*') out.minor = Number(minor)
  return out
}

/** The default devices and the container's; one of the container's replaces a default at its
 *  path, and a later one of the container's an earlier one (--device over --privileged's). */
function devicesOf(extra: readonly OciDevice[]): OciDevice[] {
  const byPath = new Map<string, OciDevice>()
  for (const d of extra) byPath.set(d.path, d)
  return [...DEFAULT_DEVICES.filter((d) => !byPath.has(d.path)), ...byPath.values()]
}

function toLinuxDevice(d: OciDevice): Record<string, unknown> {
  return {
    path: d.path,
    type: d.type,
    major: d.major,
    minor: d.minor,
    fileMode: d.fileMode ?? 0o666,
    uid: d.uid ?? 0,
    gid: d.gid ?? 0,
  }
}

// biome-ignore format: a name table
const ULIMIT_NAMES = new Set([
  'as', 'core', 'cpu', 'data', 'fsize', 'locks', 'memlock', 'msgqueue', 'nice', 'nofile', 'nproc', 'rss', 'rtprio', 'rttime', 'sigpending', 'stack',
])

function buildRlimits(ulimits: NonNullable<OciSpecInput['ulimits']>, host: OciSpecInput['host']['rlimits']) {
  return ulimits.map((u) => {
    if (!ULIMIT_NAMES.has(u.name)) throw new InvalidArgumentError(`invalid ulimit type: ${u.name}`)
    const type = `RLIMIT_${u.name.toUpperCase()}`
    const unlimited = (n: number) => (n < 0 ? Number.POSITIVE_INFINITY : n)
    let hard = unlimited(u.hard)
    let soft = unlimited(u.soft)
    if (soft > hard)
      throw new InvalidArgumentError(
        `ulimit soft limit must be less than or equal to hard limit: ${u.soft} > ${u.hard}`,
      )
    // HOST-NOTES: a limit above the daemon's own hard limit makes the container fail to start.
    const cap = host?.[type]?.hard ?? Number.POSITIVE_INFINITY
    hard = Math.min(hard, cap)
    soft = Math.min(soft, hard)
    return { type, hard: Math.min(hard, RLIM_MAX), soft: Math.min(soft, RLIM_MAX) }
  })
}

function clampOomScoreAdj(value: number, hostCaps: readonly string[]): number {
  if (!Number.isInteger(value) || value < -1000 || value > 1000) {
    throw new InvalidArgumentError(`Invalid value ${value}, range for oom score adj is [-1000, 1000]`)
  }
  // Lowering the score below the daemon's needs CAP_SYS_RESOURCE; without it the start fails.
  return hostCaps.includes('CAP_SYS_RESOURCE') ? value : Math.max(0, value)
}

const IPC_SYSCTLS = [
  'kernel.msgmax',
  'kernel.msgmnb',
  'kernel.msgmni',
  'kernel.sem',
  'kernel.shmall',
  'kernel.shmmax',
  'kernel.shmmni',
  'kernel.shm_rmid_forced',
]

/** Docker allows only namespaced sysctls, and not for a namespace shared with the host. */
function checkSysctls(
  sysctls: Record<string, string>,
  ns: NonNullable<OciSpecInput['namespaces']>,
): Record<string, string> {
  for (const key of Object.keys(sysctls)) {
    const ipc = IPC_SYSCTLS.includes(key) || key.startsWith('fs.mqueue.')
    const net = key.startsWith('net.')
    const uts = key === 'kernel.domainname' || key === 'kernel.hostname'
    if (!ipc && !net && !uts) throw new InvalidArgumentError(`sysctl '${key}' is not whitelisted`)
    if (ipc && ns.ipc?.mode === 'host')
      throw new InvalidArgumentError(`sysctl '${key}' is not allowed in host IPC namespace`)
    if (net && ns.network?.mode === 'host')
      throw new InvalidArgumentError(`sysctl '${key}' is not allowed in host network namespace`)
    if (uts && ns.uts?.mode === 'host')
      throw new InvalidArgumentError(`sysctl '${key}' is not allowed in host UTS namespace`)
  }
  return { ...sysctls }
}
