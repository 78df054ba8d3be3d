// Engine JSON ⇄ container domain: the create body becomes a CreateSpec (validated, defaults
// filled as Docker fills them), a ContainerRecord becomes ContainerInspectResponse and
// ContainerSummary.
import {
  type ContainerConfig,
  type ContainerRecord,
  type CreateSpec,
  type HostConfig,
  type MountPoint,
  mountPointsOf,
  validateLogOptions,
} from '../../container/index.ts'
import { InvalidArgumentError } from '../../lib/errors.ts'
import type { NetworkSettings } from '../types/index.ts'
import {
  containerNetworkSettings,
  containerPorts,
  emptyNetworkSettings,
  toEndpointRequests,
  withLegacyMac,
} from './networks.ts'

type Obj = Record<string, unknown>

function obj(v: unknown, field: string): Obj {
  if (v === undefined || v === null) return {}
  if (typeof v !== 'object' || Array.isArray(v))
    throw new InvalidArgumentError(
      `json: cannot unmarshal ${typeof v} into Go struct field ${field} of type object`,
    )
  return v as Obj
}

/** Docker accepts a bare string only for Cmd, Entrypoint, CapAdd and CapDrop (strslice fields). */
const STRSLICE = new Set(['Cmd', 'Entrypoint', 'CapAdd', 'CapDrop'])

function strArr(v: unknown, field: string): string[] | null {
  if (v === undefined || v === null) return null
  if (typeof v === 'string' && STRSLICE.has(field)) return [v]
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string'))
    throw new InvalidArgumentError(`invalid value for ${field}: expected a list of strings`)
  return v as string[]
}

/** `docker run --entrypoint ''` sends [""]: as in moby, that clears the image's entrypoint (and,
 *  being given, its Cmd), so it becomes an empty list rather than a program named "". */
function resetEntrypoint(ep: string[] | null): string[] | null {
  return ep?.length === 1 && ep[0] === '' ? [] : ep
}

function str(v: unknown, field: string): string {
  if (v === undefined || v === null) return ''
  if (typeof v !== 'string')
    throw new InvalidArgumentError(
      `json: cannot unmarshal ${typeof v} into Go struct field ${field} of type string`,
    )
  return v
}

function num(v: unknown, field: string): number {
  if (v === undefined || v === null) return 0
  if (typeof v !== 'number' || !Number.isFinite(v))
    throw new InvalidArgumentError(
      `json: cannot unmarshal ${typeof v} into Go struct field ${field} of type int64`,
    )
  return v
}

function bool(v: unknown): boolean {
  return v === true
}

export function toCreateSpec(body: unknown, name: string | undefined): CreateSpec {
  if (body === undefined)
    throw new InvalidArgumentError('config cannot be empty in order to create a container')
  const b = obj(body, 'ContainerCreateRequest')
  const image = str(b.Image, 'Config.Image')
  if (!image) throw new InvalidArgumentError('config cannot be empty in order to create a container')
  const config: ContainerConfig = {
    Hostname: str(b.Hostname, 'Config.Hostname'),
    Domainname: str(b.Domainname, 'Config.Domainname'),
    User: str(b.User, 'Config.User'),
    AttachStdin: bool(b.AttachStdin),
    AttachStdout: bool(b.AttachStdout),
    AttachStderr: bool(b.AttachStderr),
    ExposedPorts: b.ExposedPorts
      ? (obj(b.ExposedPorts, 'Config.ExposedPorts') as ContainerConfig['ExposedPorts'])
      : undefined,
    Tty: bool(b.Tty),
    OpenStdin: bool(b.OpenStdin),
    StdinOnce: bool(b.StdinOnce),
    Env: strArr(b.Env, 'Env') ?? [],
    Cmd: strArr(b.Cmd, 'Cmd'),
    Healthcheck: b.Healthcheck ? obj(b.Healthcheck, 'Config.Healthcheck') : undefined,
    Image: image,
    Volumes: b.Volumes ? (obj(b.Volumes, 'Config.Volumes') as ContainerConfig['Volumes']) : null,
    WorkingDir: str(b.WorkingDir, 'Config.WorkingDir'),
    Entrypoint: resetEntrypoint(strArr(b.Entrypoint, 'Entrypoint')),
    OnBuild: null,
    Labels: (obj(b.Labels, 'Config.Labels') as Record<string, string>) ?? {},
    StopSignal: b.StopSignal ? str(b.StopSignal, 'Config.StopSignal') : undefined,
    StopTimeout:
      b.StopTimeout === undefined || b.StopTimeout === null
        ? undefined
        : num(b.StopTimeout, 'Config.StopTimeout'),
  }
  if (config.WorkingDir && !config.WorkingDir.startsWith('/')) {
    throw new InvalidArgumentError(
      `the working directory '${config.WorkingDir}' is invalid, it needs to be an absolute path`,
    )
  }
  for (const e of config.Env)
    if (e.startsWith('=') || e === '') throw new InvalidArgumentError(`invalid environment variable: ${e}`)
  return {
    name,
    config,
    hostConfig: toHostConfig(obj(b.HostConfig, 'HostConfig')),
    endpoints: withLegacyMac(
      toEndpointRequests(b.NetworkingConfig),
      str(b.MacAddress, 'Config.MacAddress'),
      b.HostConfig,
    ),
  }
}

/** The logging drivers dockerd registers (moby daemon/logdrivers_linux.go), plus berth's own
 *  k8s-file. berth writes every container's log through its monitor; an unknown name is a typo
 *  that dockerd refuses at create (logger.ValidateLogOpts). */
const LOG_DRIVERS = new Set([
  'json-file',
  'local',
  'none',
  'k8s-file',
  'syslog',
  'journald',
  'gelf',
  'fluentd',
  'awslogs',
  'splunk',
  'gcplogs',
  'logentries',
])

export function toHostConfig(h: Obj): HostConfig {
  const rp = obj(h.RestartPolicy, 'HostConfig.RestartPolicy')
  const log = obj(h.LogConfig, 'HostConfig.LogConfig')
  const logType = str(log.Type, 'LogConfig.Type')
  if (logType && !LOG_DRIVERS.has(logType))
    throw new InvalidArgumentError(`logger: no log driver named '${logType}' is registered`)
  const logOpts = (obj(log.Config, 'LogConfig.Config') as Record<string, string>) ?? {}
  validateLogOptions(logType || 'json-file', logOpts)
  const ulimits = Array.isArray(h.Ulimits) ? (h.Ulimits as HostConfig['Ulimits']) : null
  return {
    ...h,
    Binds: strArr(h.Binds, 'Binds'),
    NetworkMode: ((m) => (m === '' || m === 'default' ? 'bridge' : m))(
      str(h.NetworkMode, 'HostConfig.NetworkMode'),
    ),
    PortBindings: (obj(h.PortBindings, 'HostConfig.PortBindings') as HostConfig['PortBindings']) ?? {},
    RestartPolicy: {
      Name: (str(rp.Name, 'RestartPolicy.Name') || 'no') as HostConfig['RestartPolicy']['Name'],
      MaximumRetryCount: num(rp.MaximumRetryCount, 'RestartPolicy.MaximumRetryCount'),
    },
    AutoRemove: bool(h.AutoRemove),
    CapAdd: strArr(h.CapAdd, 'CapAdd'),
    CapDrop: strArr(h.CapDrop, 'CapDrop'),
    Dns: strArr(h.Dns, 'Dns') ?? [],
    DnsOptions: strArr(h.DnsOptions, 'DnsOptions') ?? [],
    DnsSearch: strArr(h.DnsSearch, 'DnsSearch') ?? [],
    ExtraHosts: strArr(h.ExtraHosts, 'ExtraHosts'),
    Privileged: bool(h.Privileged),
    ReadonlyRootfs: bool(h.ReadonlyRootfs),
    SecurityOpt: strArr(h.SecurityOpt, 'SecurityOpt'),
    Sysctls: h.Sysctls ? (obj(h.Sysctls, 'HostConfig.Sysctls') as Record<string, string>) : undefined,
    ShmSize: num(h.ShmSize, 'HostConfig.ShmSize') || 64 * 1024 * 1024,
    Init: h.Init === undefined ? null : (h.Init as boolean | null),
    Memory: num(h.Memory, 'HostConfig.Memory'),
    MemorySwap: num(h.MemorySwap, 'HostConfig.MemorySwap'),
    MemoryReservation: num(h.MemoryReservation, 'HostConfig.MemoryReservation'),
    NanoCpus: num(h.NanoCpus, 'HostConfig.NanoCpus'),
    CpuShares: num(h.CpuShares, 'HostConfig.CpuShares'),
    CpuPeriod: num(h.CpuPeriod, 'HostConfig.CpuPeriod'),
    CpuQuota: num(h.CpuQuota, 'HostConfig.CpuQuota'),
    CpusetCpus: str(h.CpusetCpus, 'HostConfig.CpusetCpus'),
    PidsLimit: h.PidsLimit === undefined ? null : (h.PidsLimit as number | null),
    Ulimits: ulimits,
    OomScoreAdj: num(h.OomScoreAdj, 'HostConfig.OomScoreAdj'),
    Tmpfs: h.Tmpfs ? (obj(h.Tmpfs, 'HostConfig.Tmpfs') as Record<string, string>) : undefined,
    LogConfig: {
      Type: logType || 'json-file',
      Config: logOpts,
    },
  }
}

/** ContainerInspectResponse. Unset lists and maps stay null (HostConfig.Binds, CapAdd, CapDrop,
 *  ExtraHosts, SecurityOpt, Ulimits; Config.Cmd, Entrypoint, Volumes; the endpoint's Links,
 *  Aliases, DNSNames) as dockerd sends them (Go nil slices), although the spec gives them no
 *  x-nullable: clients are written against dockerd (docker-py sees None). The conformance
 *  tests accept exactly these (test/support/conformance.ts, DOCKER_NULLS). */
export function toInspect(
  rec: ContainerRecord,
  extra: {
    graphDriver: { Name: string; Data: Record<string, string> } | null
    sizeRw?: number
    sizeRootFs?: number
  },
): Obj {
  const s = rec.state
  const out: Obj = {
    Id: rec.id,
    Created: rec.created,
    Path: rec.path,
    Args: rec.args,
    State: {
      Status: s.status,
      Running: s.status === 'running' || s.status === 'paused',
      Paused: s.status === 'paused',
      Restarting: s.status === 'restarting',
      OOMKilled: s.oomKilled,
      Dead: s.status === 'dead',
      Pid: s.pid,
      ExitCode: s.exitCode,
      Error: s.error,
      StartedAt: s.startedAt,
      FinishedAt: s.finishedAt,
      // Docker omits Health for containers that never ran a healthcheck.
      ...(s.health ? { Health: s.health } : {}),
    },
    Image: rec.imageId,
    ResolvConfPath: rec.resolvConfPath,
    HostnamePath: rec.hostnamePath,
    HostsPath: rec.hostsPath,
    LogPath: rec.logPath,
    Name: rec.name,
    RestartCount: rec.restartCount,
    Driver: 'overlay2',
    Platform: 'linux',
    MountLabel: '',
    ProcessLabel: '',
    AppArmorProfile: '',
    ExecIDs: null,
    HostConfig: rec.hostConfig,
    GraphDriver: extra.graphDriver ?? { Name: 'overlay2', Data: {} },
    Mounts: mountsOf(rec),
    Config: rec.config,
    NetworkSettings: rec.networking ? containerNetworkSettings(rec) : networkSettings(rec),
  }
  if (extra.sizeRw !== undefined) {
    out.SizeRw = extra.sizeRw
    out.SizeRootFs = extra.sizeRootFs ?? extra.sizeRw
  }
  return out
}

/** Inspect's and ps's Mounts, as dockerd shows them: from the MountPoints resolved at create
 *  (--tmpfs mounts are not MountPoints, so Docker does not list them). Records from before
 *  mounts were resolved at create show their binds. */
function mountsOf(rec: ContainerRecord): Obj[] {
  const mps = mountPointsOf(rec)
  if (mps) return mps.map(toApiMountPoint)
  return (rec.hostConfig.Binds ?? []).map((b) => {
    const [source = '', destination = '', mode = ''] = b.split(':')
    return {
      Type: 'bind',
      Source: source,
      Destination: destination,
      Mode: mode,
      RW: !mode.split(',').includes('ro'),
      Propagation: 'rprivate',
    }
  })
}

/** Docker's MountPoint JSON: Name and Driver only for volumes (omitempty). */
function toApiMountPoint(mp: MountPoint): Obj {
  const out: Obj = { Type: mp.type }
  if (mp.name) out.Name = mp.name
  out.Source = mp.source
  out.Destination = mp.destination
  if (mp.driver) out.Driver = mp.driver
  out.Mode = mp.mode
  out.RW = mp.rw
  out.Propagation = mp.propagation
  return out
}

function networkSettings(rec: ContainerRecord): Obj {
  const mode = rec.hostConfig.NetworkMode
  const networks: Obj = {}
  if (mode === 'host' || mode === 'none' || mode === 'bridge' || mode === 'default') {
    networks[mode === 'default' ? 'bridge' : mode] = {
      IPAMConfig: null,
      Links: null,
      Aliases: null,
      MacAddress: '',
      NetworkID: '',
      EndpointID: '',
      Gateway: '',
      IPAddress: '',
      IPPrefixLen: 0,
      IPv6Gateway: '',
      GlobalIPv6Address: '',
      GlobalIPv6PrefixLen: 0,
      DriverOpts: null,
      DNSNames: null,
    }
  }
  return emptyNetworkSettings(rec, {}, networks as NonNullable<NetworkSettings['Networks']>) as unknown as Obj
}

export function toSummary(
  rec: ContainerRecord,
  statusText: string,
  size?: { rw: number; rootFs: number },
): Obj {
  // As dockerd: arguments containing a space are single-quoted, the path never is.
  const command = [rec.path, ...rec.args.map((a) => (a.includes(' ') ? `'${a}'` : a))].join(' ')
  const out: Obj = {
    Id: rec.id,
    Names: [rec.name],
    Image: rec.config.Image,
    ImageID: rec.imageId,
    Command: command,
    Created: Math.floor(Date.parse(rec.created) / 1000),
    Ports: containerPorts(rec),
    Labels: rec.config.Labels ?? {},
    State: rec.state.status,
    Status: statusText,
    HostConfig: { NetworkMode: rec.hostConfig.NetworkMode },
    NetworkSettings: {
      Networks: rec.networking
        ? (containerNetworkSettings(rec).Networks ?? {})
        : ((networkSettings(rec).Networks as Obj) ?? {}),
    },
    Mounts: mountsOf(rec),
  }
  if (size) {
    out.SizeRw = size.rw
    out.SizeRootFs = size.rootFs
  }
  return out
}

/** Docker's human status column: "Up 3 seconds", "Exited (0) 2 minutes ago", "Created". */
export function statusText(rec: ContainerRecord, now = Date.now()): string {
  const s = rec.state
  switch (s.status) {
    case 'running':
      return `Up ${humanDuration(now - Date.parse(s.startedAt))}${healthSuffix(rec)}`
    case 'paused':
      return `Up ${humanDuration(now - Date.parse(s.startedAt))} (Paused)`
    case 'restarting':
      return `Restarting (${s.exitCode}) ${humanDuration(now - Date.parse(s.finishedAt))} ago`
    case 'exited':
      return s.finishedAt.startsWith('0001')
        ? 'Created'
        : `Exited (${s.exitCode}) ${humanDuration(now - Date.parse(s.finishedAt))} ago`
    case 'removing':
      return 'Removal In Progress'
    case 'dead':
      return 'Dead'
    default:
      return 'Created'
  }
}

/** moby container.State healthString: " (health: starting)", " (healthy)", " (unhealthy)". */
function healthSuffix(rec: ContainerRecord): string {
  const h = rec.state.health?.Status
  if (!h) return ''
  return h === 'starting' ? ' (health: starting)' : ` (${h})`
}

/** Go's units.HumanDuration. */
export function humanDuration(ms: number): string {
  const secs = Math.floor(ms / 1000)
  if (secs < 1) return 'Less than a second'
  if (secs === 1) return '1 second'
  if (secs < 60) return `${secs} seconds`
  const mins = Math.floor(ms / 60000)
  if (mins === 1) return 'About a minute'
  if (mins < 60) return `${mins} minutes`
  const hours = Math.floor(ms / 3600000 + 0.5)
  if (hours === 1) return 'About an hour'
  if (hours < 48) return `${hours} hours`
  if (hours < 24 * 7 * 2) return `${Math.floor(hours / 24)} days`
  if (hours < 24 * 30 * 2) return `${Math.floor(hours / 24 / 7)} weeks`
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24 / 30)} months`
  return `${Math.floor(hours / 24 / 365)} years`
}
