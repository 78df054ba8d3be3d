// run/create flags → the POST /containers/create body, in one pass (docker's parse.go). No
// intermediate options object: each flag lands in its Engine API field here and nowhere else.
import { readFileSync } from 'node:fs'
import type {
  ContainerCreateRequest,
  HealthConfig,
  HostConfig,
  PortBinding,
} from '../../../api/types/index.ts'
import { flag, type ParseResult } from '../../flags.ts'
import { type NetworkAttachment, networkingOf } from './create-network.ts'
import {
  expandEnv,
  OptionError,
  parseDevice,
  parseExpose,
  parseKeyValueFile,
  parseMount,
  parsePublish,
  parseRestart,
  parseUlimit,
  parseVolume,
} from './create-parsers.ts'

export interface CreatePlan {
  body: ContainerCreateRequest
  name: string | undefined
  platform: string | undefined
  pull: 'missing' | 'always' | 'never'
}

/** @throws OptionError with docker's message for invalid values. */
export function toCreateRequest(
  f: ParseResult,
  args: string[],
  env: NodeJS.ProcessEnv,
  opts: {
    detach: boolean
    /** The terminal's size, which docker sends as ConsoleSize. */
    consoleSize?: { height: number; width: number }
  },
): CreatePlan {
  const [image = '', ...cmd] = args
  const has = (n: string) => f.changed.has(n)
  const list = (n: string) => flag.list(f, n)
  const str = (n: string) => flag.str(f, n)
  const num = (n: string) => f.values[n] as number | undefined

  const attach = list('attach').map((s) => s.toLowerCase())
  for (const a of attach)
    if (!['stdin', 'stdout', 'stderr'].includes(a))
      throw new OptionError(
        `invalid argument "${a}" for "-a, --attach" flag: valid streams are STDIN, STDOUT and STDERR`,
      )
  const interactive = flag.bool(f, 'interactive')
  let attachStdin = attach.includes('stdin')
  let attachStdout = attach.includes('stdout')
  let attachStderr = attach.includes('stderr')
  if (attach.length === 0) {
    attachStdout = true
    attachStderr = true
    attachStdin = interactive
  }
  if (opts.detach) {
    if (attach.length > 0) throw new OptionError('Conflicting options: -a and -d')
    attachStdin = attachStdout = attachStderr = false
  }

  const envList = [
    ...list('env-file').flatMap((p) => parseKeyValueFile(readText(p), p, env, true)),
    ...list('env').map((e) => expandEnv(e, env)),
  ]
  const labels: Record<string, string> = {}
  for (const l of [
    ...list('label-file').flatMap((p) => parseKeyValueFile(readText(p), p, env, false)),
    ...list('label'),
  ]) {
    const eq = l.indexOf('=')
    labels[eq < 0 ? l : l.slice(0, eq)] = eq < 0 ? '' : l.slice(eq + 1)
  }

  const exposed: Record<string, Record<string, never>> = {}
  const bindings: Record<string, PortBinding[]> = {}
  for (const p of list('publish'))
    for (const { port, binding } of parsePublish(p)) {
      exposed[port] = {}
      bindings[port] = [...(bindings[port] ?? []), binding]
    }
  for (const e of list('expose')) for (const port of parseExpose(e)) exposed[port] = {}

  const volumes: Record<string, Record<string, never>> = {}
  const binds: string[] = []
  for (const v of list('volume')) {
    const parsed = parseVolume(v)
    if ('volume' in parsed) volumes[parsed.volume] = {}
    else binds.push(parsed.bind)
  }

  let entrypoint: string[] | undefined
  const ep = str('entrypoint')
  if (ep !== undefined && ep !== '') entrypoint = [ep]
  else if (has('entrypoint')) entrypoint = ['']

  const autoRemove = flag.bool(f, 'rm')
  const restart = str('restart')
  const restartPolicy = restart ? parseRestart(restart) : { Name: 'no' as const, MaximumRetryCount: 0 }
  if (autoRemove && restartPolicy.Name !== 'no' && restartPolicy.Name !== '')
    throw new OptionError('conflicting options: cannot specify both --restart and --rm')

  const { networkMode: network, endpoints } = networkingOf(
    [...list('network'), ...list('net')] as unknown as NetworkAttachment[],
    {
      aliases: [...list('network-alias'), ...list('net-alias')],
      links: list('link'),
      ipv4Address: str('ip') || undefined,
      ipv6Address: str('ip6') || undefined,
      macAddress: str('mac-address') || undefined,
      linkLocalIPs: list('link-local-ip'),
    },
  )

  const tmpfs: Record<string, string> = {}
  for (const t of list('tmpfs')) {
    const i = t.indexOf(':')
    tmpfs[i < 0 ? t : t.slice(0, i)] = i < 0 ? '' : t.slice(i + 1)
  }
  const sysctls: Record<string, string> = {}
  for (const s of list('sysctl')) {
    const i = s.indexOf('=')
    if (i < 0)
      throw new OptionError(`invalid argument "${s}" for "--sysctl" flag: sysctl '${s}' is not allowed`)
    sysctls[s.slice(0, i)] = s.slice(i + 1)
  }
  const logOpts: Record<string, string> = {}
  for (const o of list('log-opt')) {
    const i = o.indexOf('=')
    if (i < 0) throw new OptionError(`invalid key value pair format in log-opt: ${o}`)
    logOpts[o.slice(0, i)] = o.slice(i + 1)
  }
  if (str('log-driver') === 'none' && Object.keys(logOpts).length > 0)
    throw new OptionError('invalid logging opts for driver none')
  const annotations: Record<string, string> = {}
  for (const a of list('annotation')) {
    const i = a.indexOf('=')
    annotations[i < 0 ? a : a.slice(0, i)] = i < 0 ? '' : a.slice(i + 1)
  }
  const storageOpt: Record<string, string> = {}
  for (const o of list('storage-opt')) {
    const i = o.indexOf('=')
    if (i < 0) throw new OptionError(`invalid storage option ${o}`)
    storageOpt[o.slice(0, i)] = o.slice(i + 1)
  }

  const cpus = f.values.cpus as number | undefined
  const hostConfig: HostConfig = {
    Binds: binds.length > 0 ? binds : null,
    ContainerIDFile: str('cidfile') ?? '',
    LogConfig: {
      Type: str('log-driver') ?? '',
      Config: logOpts,
    },
    NetworkMode: network,
    PortBindings: bindings,
    RestartPolicy: restartPolicy,
    AutoRemove: autoRemove,
    VolumeDriver: str('volume-driver') ?? '',
    VolumesFrom: list('volumes-from').length > 0 ? list('volumes-from') : null,
    ConsoleSize: opts.consoleSize ? [opts.consoleSize.height, opts.consoleSize.width] : [0, 0],
    Annotations: Object.keys(annotations).length > 0 ? annotations : undefined,
    CapAdd: list('cap-add').length > 0 ? normalizeCaps(list('cap-add')) : null,
    CapDrop: list('cap-drop').length > 0 ? normalizeCaps(list('cap-drop')) : null,
    CgroupnsMode: (str('cgroupns') ?? '') as HostConfig['CgroupnsMode'],
    Dns: list('dns'),
    DnsOptions: [...list('dns-option'), ...list('dns-opt')],
    DnsSearch: list('dns-search'),
    ExtraHosts:
      list('add-host').length > 0 ? list('add-host').map((h) => h.replace(/^([^:=]+)=/, '$1:')) : null,
    GroupAdd: list('group-add').length > 0 ? list('group-add') : null,
    IpcMode: str('ipc') ?? '',
    Cgroup: '',
    Links: list('link').length > 0 ? list('link') : null,
    OomScoreAdj: num('oom-score-adj') ?? 0,
    PidMode: str('pid') ?? '',
    Privileged: flag.bool(f, 'privileged'),
    PublishAllPorts: flag.bool(f, 'publish-all'),
    ReadonlyRootfs: flag.bool(f, 'read-only'),
    SecurityOpt: list('security-opt').length > 0 ? list('security-opt').map(loadSecurityOpt) : null,
    StorageOpt: Object.keys(storageOpt).length > 0 ? storageOpt : undefined,
    Tmpfs: Object.keys(tmpfs).length > 0 ? tmpfs : undefined,
    UTSMode: str('uts') ?? '',
    UsernsMode: str('userns') ?? '',
    ShmSize: (f.values['shm-size'] as number | undefined) ?? 0,
    Sysctls: Object.keys(sysctls).length > 0 ? sysctls : undefined,
    Runtime: str('runtime') || undefined,
    Isolation: (str('isolation') ?? '') as HostConfig['Isolation'],
    CpuShares: num('cpu-shares') ?? 0,
    Memory: (f.values.memory as number | undefined) ?? 0,
    NanoCpus: cpus !== undefined ? Math.round(cpus * 1e9) : 0,
    CgroupParent: str('cgroup-parent') ?? '',
    BlkioWeight: num('blkio-weight') ?? 0,
    CpuPeriod: num('cpu-period') ?? 0,
    CpuQuota: num('cpu-quota') ?? 0,
    CpusetCpus: str('cpuset-cpus') ?? '',
    CpusetMems: str('cpuset-mems') ?? '',
    Devices: list('device').map(parseDevice),
    MemoryReservation: (f.values['memory-reservation'] as number | undefined) ?? 0,
    MemorySwap: (f.values['memory-swap'] as number | undefined) ?? 0,
    MemorySwappiness: (f.values['memory-swappiness'] as number | undefined) ?? -1,
    OomKillDisable: flag.bool(f, 'oom-kill-disable'),
    PidsLimit: num('pids-limit') ?? 0,
    Ulimits: list('ulimit').map(parseUlimit),
    // Zero values docker's client always sends (Go structs without omitempty).
    BlkioWeightDevice: [],
    BlkioDeviceReadBps: [],
    BlkioDeviceWriteBps: [],
    BlkioDeviceReadIOps: [],
    BlkioDeviceWriteIOps: [],
    CpuRealtimePeriod: 0,
    CpuRealtimeRuntime: 0,
    DeviceCgroupRules: null,
    DeviceRequests: null,
    CpuCount: 0,
    CpuPercent: 0,
    IOMaximumIOps: 0,
    IOMaximumBandwidth: 0,
    MaskedPaths: null,
    ReadonlyPaths: null,
    Mounts: list('mount').length > 0 ? list('mount').map(parseMount) : undefined,
  }
  if (has('init')) hostConfig.Init = flag.bool(f, 'init')
  if (cpus !== undefined && (hostConfig.CpuPeriod || hostConfig.CpuQuota))
    throw new OptionError('Conflicting options: Nano CPUs and CPU Period cannot both be set')

  const body: ContainerCreateRequest = {
    Hostname: str('hostname') ?? '',
    Domainname: str('domainname') ?? '',
    User: str('user') ?? '',
    AttachStdin: attachStdin,
    AttachStdout: attachStdout,
    AttachStderr: attachStderr,
    ExposedPorts: Object.keys(exposed).length > 0 ? exposed : undefined,
    Tty: flag.bool(f, 'tty'),
    OpenStdin: interactive,
    StdinOnce: interactive && attachStdin,
    Env: envList.length > 0 ? envList : null,
    Cmd: cmd.length > 0 ? cmd : null,
    Healthcheck: healthcheck(f),
    Image: image,
    Volumes: volumes,
    WorkingDir: str('workdir') ?? '',
    Entrypoint: entrypoint ?? null,
    OnBuild: null,
    Labels: labels,
    StopSignal: str('stop-signal'),
    StopTimeout: has('stop-timeout') ? num('stop-timeout') : undefined,
    HostConfig: hostConfig,
    NetworkingConfig: { EndpointsConfig: endpoints },
  }
  const pull = str('pull') ?? 'missing'
  if (!['missing', 'always', 'never'].includes(pull))
    throw new OptionError(`invalid pull option: '${pull}': must be one of "always", "missing" or "never"`)
  return { body, name: str('name'), platform: str('platform'), pull: pull as CreatePlan['pull'] }
}

/** docker's NormalizeCapabilities: upper case, "CAP_" prefix, "ALL" kept as is. */
function normalizeCaps(caps: string[]): string[] {
  return caps.map((c) => {
    const u = c.toUpperCase()
    return u === 'ALL' || u.startsWith('CAP_') ? u : `CAP_${u}`
  })
}

function healthcheck(f: ParseResult): HealthConfig | undefined {
  const cmd = flag.str(f, 'health-cmd')
  const noHealth = flag.bool(f, 'no-healthcheck')
  const anySet = [
    'health-cmd',
    'health-interval',
    'health-timeout',
    'health-retries',
    'health-start-period',
    'health-start-interval',
  ].some((n) => f.changed.has(n))
  if (noHealth) {
    if (anySet) throw new OptionError('--no-healthcheck conflicts with --health-* options')
    return { Test: ['NONE'] }
  }
  if (!anySet) return undefined
  const ns = (n: string) => (f.values[n] as number | undefined) ?? 0
  for (const n of ['health-interval', 'health-timeout', 'health-start-period', 'health-start-interval'])
    if (ns(n) < 0) throw new OptionError(`--${n} cannot be negative`)
  const retries = (f.values['health-retries'] as number | undefined) ?? 0
  if (retries < 0) throw new OptionError('--health-retries cannot be negative')
  // docker's HealthConfig fields are omitempty: zero values stay off the wire.
  const h: HealthConfig = {}
  if (cmd) h.Test = ['CMD-SHELL', cmd]
  if (ns('health-interval')) h.Interval = ns('health-interval')
  if (ns('health-timeout')) h.Timeout = ns('health-timeout')
  if (ns('health-start-period')) h.StartPeriod = ns('health-start-period')
  if (ns('health-start-interval')) h.StartInterval = ns('health-start-interval')
  if (retries) h.Retries = retries
  return h
}

/** docker reads `seccomp=<file>` on the client and sends the profile's JSON. */
function loadSecurityOpt(opt: string): string {
  const m = /^seccomp[=:](.+)$/.exec(opt)
  if (!m || m[1] === 'unconfined' || m[1] === 'builtin') return opt
  const text = readText(m[1] ?? '')
  try {
    return `seccomp=${JSON.stringify(JSON.parse(text))}`
  } catch (err) {
    throw new OptionError(`parsing seccomp profile failed: ${(err as Error).message}`)
  }
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8')
  } catch (err) {
    throw new OptionError(
      `open ${path}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (err as Error).message}`,
    )
  }
}
