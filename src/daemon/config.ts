// berthd's configuration: dockerd-compatible flags, merged over a daemon.json-style config
// file (--config-file). Flags win; a key set both ways with different values is an error, as
// dockerd reports it.
import { readFileSync } from 'node:fs'
import { InvalidArgumentError } from '../lib/errors.ts'
import { isLogLevel, type LogLevel } from '../lib/log.ts'

export interface DaemonConfig {
  hosts: string[]
  tlsVerify: boolean
  tlsCaCert?: string
  tlsCert?: string
  tlsKey?: string
  tls: boolean
  dataRoot: string
  execRoot: string
  pidfile: string
  logLevel: LogLevel
  /** '' lets berthd choose (daemon/runtime-choice.ts). */
  defaultRuntime: string
  runtimes: Record<string, { path: string; runtimeArgs?: string[] }>
  group?: string
  /** Registries reached over plain HTTP (loopback always is): host[:port] or IPv4 CIDR. */
  insecureRegistries: string[]
  /** Docker Hub mirrors ("https://mirror.example/"), tried in order before Docker Hub on pull. */
  registryMirrors: string[]
  /** Linux bridge of the default network (-b/--bridge). */
  bridge: string
  /** The default bridge's address and prefix (--bip), e.g. 172.17.0.1/16. */
  bip?: string
  /** --fixed-cidr-v6 with --ipv6: the default bridge's IPv6 subnet (IPv4-only without it). */
  fixedCidrV6?: string
  /** --default-address-pool entries ("base=10.10.0.0/16,size=24"). */
  defaultAddressPools: string[]
  /** --dns: nameservers for containers on the default bridge and upstreams of the embedded DNS
   *  ('ip' or 'ip:port'). */
  dns: string[]
  /** --mtu of bridges. */
  mtu?: number
  /** Name of berth's nftables table (hidden --nft-table; tests run several daemons). */
  nftTable: string
}

export const DEFAULTS: DaemonConfig = {
  hosts: [],
  tlsVerify: false,
  tls: false,
  dataRoot: '/var/lib/berth',
  execRoot: '/run/berth',
  pidfile: '/run/berth.pid',
  logLevel: 'info',
  defaultRuntime: '',
  runtimes: {},
  insecureRegistries: [],
  registryMirrors: [],
  bridge: 'berth0',
  defaultAddressPools: [],
  dns: [],
  nftTable: 'berth',
}

export const DEFAULT_HOST = 'unix:///run/berth.sock'

const USAGE = `Usage:	berthd [OPTIONS]

A container engine that speaks the Docker Engine API

Options:
  -b, --bridge string           Attach containers to a network bridge (default "berth0")
      --bip string              Specify default-bridge IP
      --ipv6                    Enable IPv6 networking on the default bridge
      --fixed-cidr-v6 string    IPv6 subnet of the default bridge (needed with --ipv6)
      --default-address-pool    Default address pools for node specific local networks
      --dns list                DNS server to use
      --mtu int                 Set the containers network MTU
      --config-file string      Daemon configuration file
      --data-root string        Root directory of persistent state (default "/var/lib/berth")
      --default-runtime string  Default OCI runtime for containers (default: crun where installed, else runc)
      --exec-root string        Root directory for execution state files (default "/run/berth")
  -H, --host list               Daemon socket(s) to connect to (default unix:///run/berth.sock)
      --insecure-registry list  Enable insecure registry communication
  -l, --log-level string        Set the logging level ("debug"|"info"|"warn"|"error"|"fatal") (default "info")
  -p, --pidfile string          Path to use for daemon PID file (default "/run/berth.pid")
      --registry-mirror list    Preferred Docker registry mirror
      --runtime runtime         Register an additional OCI compatible runtime (name=path)
      --tls                     Use TLS; implied by --tlsverify
      --tlscacert string        Trust certs signed only by this CA
      --tlscert string          Path to TLS certificate file
      --tlskey string           Path to TLS key file
      --tlsverify               Use TLS and verify the remote
  -v, --version                 Print version information and quit
`

export type ParsedArgs =
  | { kind: 'run'; config: DaemonConfig }
  | { kind: 'help'; text: string }
  | { kind: 'version' }

const VALUE_FLAGS: Record<string, string> = {
  '-H': 'host',
  '--host': 'host',
  '--data-root': 'data-root',
  '--exec-root': 'exec-root',
  '-p': 'pidfile',
  '--pidfile': 'pidfile',
  '-l': 'log-level',
  '--log-level': 'log-level',
  '--config-file': 'config-file',
  '--default-runtime': 'default-runtime',
  '--runtime': 'runtime',
  '--add-runtime': 'runtime',
  '--tlscacert': 'tlscacert',
  '--tlscert': 'tlscert',
  '--tlskey': 'tlskey',
  '-G': 'group',
  '--group': 'group',
  '--insecure-registry': 'insecure-registry',
  '--registry-mirror': 'registry-mirror',
  '-b': 'bridge',
  '--bridge': 'bridge',
  '--bip': 'bip',
  '--fixed-cidr-v6': 'fixed-cidr-v6',
  '--default-address-pool': 'default-address-pool',
  '--dns': 'dns',
  '--mtu': 'mtu',
  '--nft-table': 'nft-table',
}
const BOOL_FLAGS: Record<string, string> = {
  '--tlsverify': 'tlsverify',
  '--tls': 'tls',
  '-D': 'debug',
  '--debug': 'debug',
  '--ipv6': 'ipv6',
}

export function parseDaemonArgs(argv: string[]): ParsedArgs {
  const flags = new Map<string, string[]>()
  const add = (k: string, v: string) => flags.set(k, [...(flags.get(k) ?? []), v])
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    if (arg === '-h' || arg === '--help') return { kind: 'help', text: USAGE }
    if (arg === '-v' || arg === '--version') return { kind: 'version' }
    const eq = arg.indexOf('=')
    const name = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg
    if (name in BOOL_FLAGS) {
      add(BOOL_FLAGS[name]!, eq > 0 ? arg.slice(eq + 1) : 'true')
    } else if (name in VALUE_FLAGS) {
      const value = eq > 0 && arg.startsWith('--') ? arg.slice(eq + 1) : argv[++i]
      if (value === undefined) throw new InvalidArgumentError(`flag needs an argument: ${name}`)
      add(VALUE_FLAGS[name]!, value)
    } else {
      throw new InvalidArgumentError(`unknown flag: ${arg}\nSee 'berthd --help'.`)
    }
  }
  const file = flags.get('config-file')?.at(-1)
  const fromFile = file ? readConfigFile(file) : {}
  return { kind: 'run', config: merge(fromFile, flags) }
}

function readConfigFile(path: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'))
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
      throw new Error('not a JSON object')
    return parsed as Record<string, unknown>
  } catch (err) {
    throw new InvalidArgumentError(
      `unable to configure the daemon with file ${path}: ${(err as Error).message}`,
      { cause: err },
    )
  }
}

function merge(file: Record<string, unknown>, flags: Map<string, string[]>): DaemonConfig {
  const last = (k: string) => flags.get(k)?.at(-1)
  const fileStr = (k: string) => (typeof file[k] === 'string' ? (file[k] as string) : undefined)
  const fileBool = (k: string) => (typeof file[k] === 'boolean' ? (file[k] as boolean) : undefined)
  const hosts = flags.get('host') ?? (Array.isArray(file.hosts) ? (file.hosts as string[]) : [])
  const logLevel =
    last('debug') === 'true' ? 'debug' : (last('log-level') ?? fileStr('log-level') ?? DEFAULTS.logLevel)
  if (!isLogLevel(logLevel)) throw new InvalidArgumentError(`unable to parse logging level: ${logLevel}`)
  const runtimes: DaemonConfig['runtimes'] = { ...((file.runtimes as DaemonConfig['runtimes']) ?? {}) }
  for (const r of flags.get('runtime') ?? []) {
    const i = r.indexOf('=')
    if (i <= 0) throw new InvalidArgumentError(`runtime must be of the form name=path: ${r}`)
    runtimes[r.slice(0, i)] = { path: r.slice(i + 1) }
  }
  const tlsVerify = (last('tlsverify') ?? String(fileBool('tlsverify') ?? false)) === 'true'
  return {
    hosts: hosts.length ? hosts : [DEFAULT_HOST],
    tlsVerify,
    tls: tlsVerify || (last('tls') ?? String(fileBool('tls') ?? false)) === 'true',
    tlsCaCert: last('tlscacert') ?? fileStr('tlscacert'),
    tlsCert: last('tlscert') ?? fileStr('tlscert'),
    tlsKey: last('tlskey') ?? fileStr('tlskey'),
    dataRoot: last('data-root') ?? fileStr('data-root') ?? DEFAULTS.dataRoot,
    execRoot: last('exec-root') ?? fileStr('exec-root') ?? DEFAULTS.execRoot,
    pidfile: last('pidfile') ?? fileStr('pidfile') ?? DEFAULTS.pidfile,
    logLevel,
    defaultRuntime: last('default-runtime') ?? fileStr('default-runtime') ?? DEFAULTS.defaultRuntime,
    runtimes,
    group: last('group') ?? fileStr('group'),
    insecureRegistries: [
      ...(Array.isArray(file['insecure-registries'])
        ? (file['insecure-registries'] as unknown[]).map(String)
        : []),
      ...(flags.get('insecure-registry') ?? []),
    ],
    registryMirrors: [
      ...(Array.isArray(file['registry-mirrors']) ? (file['registry-mirrors'] as unknown[]).map(String) : []),
      ...(flags.get('registry-mirror') ?? []),
    ].map(validateMirror),
    ...networkConfig(file, flags),
  }
}

/** dockerd's ValidateMirror: an http(s) origin, returned with a trailing slash. */
export function validateMirror(raw: string): string {
  let url: URL
  try {
    url = new URL(raw)
  } catch (err) {
    throw new InvalidArgumentError(`invalid mirror: "${raw}" is not a valid URI`, { cause: err })
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new InvalidArgumentError(
      `invalid mirror: unsupported scheme "${url.protocol.slice(0, -1)}" in "${raw}"`,
    )
  if (url.username || url.password)
    throw new InvalidArgumentError(`invalid mirror: username/password not allowed in URI "${raw}"`)
  if ((url.pathname !== '/' && url.pathname !== '') || url.search || url.hash)
    throw new InvalidArgumentError(`invalid mirror: path, query, or fragment at end of the URI "${raw}"`)
  return `${url.protocol}//${url.host}/`
}

function networkConfig(
  file: Record<string, unknown>,
  flags: Map<string, string[]>,
): Pick<DaemonConfig, 'bridge' | 'bip' | 'fixedCidrV6' | 'defaultAddressPools' | 'dns' | 'mtu' | 'nftTable'> {
  const last = (k: string) => flags.get(k)?.at(-1)
  const fileStr = (k: string) => (typeof file[k] === 'string' ? (file[k] as string) : undefined)
  const filePools = Array.isArray(file['default-address-pools'])
    ? (file['default-address-pools'] as Array<{ base?: string; size?: number }>).map(
        (p) => `base=${p.base},size=${p.size}`,
      )
    : []
  const mtu = last('mtu') ?? (typeof file.mtu === 'number' ? String(file.mtu) : undefined)
  if (mtu !== undefined && !/^\d+$/.test(mtu))
    throw new InvalidArgumentError(`invalid argument "${mtu}" for "--mtu" flag`)
  const nftTable = last('nft-table') ?? DEFAULTS.nftTable
  if (!/^[A-Za-z][A-Za-z0-9_-]{0,31}$/.test(nftTable))
    throw new InvalidArgumentError(`invalid nft table name: ${nftTable}`)
  const ipv6 = (last('ipv6') ?? String(file.ipv6 === true)) === 'true'
  const fixedCidrV6 = last('fixed-cidr-v6') ?? fileStr('fixed-cidr-v6')
  if (ipv6 && !fixedCidrV6)
    throw new InvalidArgumentError(
      'could not find an available, non-overlapping IPv6 address pool among the defaults to assign to the network (--ipv6 needs --fixed-cidr-v6)',
    )
  return {
    bridge: last('bridge') ?? fileStr('bridge') ?? DEFAULTS.bridge,
    ...(ipv6 ? { fixedCidrV6 } : {}),
    bip: last('bip') ?? fileStr('bip'),
    defaultAddressPools: [...filePools, ...(flags.get('default-address-pool') ?? [])],
    dns: [
      ...(Array.isArray(file.dns) ? (file.dns as unknown[]).map(String) : []),
      ...(flags.get('dns') ?? []),
    ],
    mtu: mtu === undefined ? undefined : Number(mtu),
    nftTable,
  }
}
