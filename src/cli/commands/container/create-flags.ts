// The flags `run` and `create` share (docker's containerOptions), declared once. Value checks that
// pflag does at parse time (sizes, numbers) live here so errors read like docker's.
import type { FlagSpec } from '../../flags.ts'
import { ramInBytes } from '../../output/units.ts'
import { parseNetworkFlag } from './create-network.ts'

const size = (v: string) => ramInBytes(v)
const memSwap = (v: string) => (v === '-1' ? -1 : ramInBytes(v))
const decimal = (v: string) => {
  if (!/^[+-]?(\d+\.?\d*|\.\d+)$/.test(v)) throw new Error(`failed to parse ${v} as a rational number`)
  return Number(v)
}
const int = (v: string) => {
  if (!/^[+-]?\d+$/.test(v)) throw new Error(`strconv.ParseInt: parsing "${v}": invalid syntax`)
  return Number(v)
}
const duration = (v: string) => {
  const ns = parseGoDuration(v)
  if (ns === undefined) throw new Error(`time: invalid duration "${v}"`)
  return ns
}

/** Go's time.ParseDuration → nanoseconds. */
export function parseGoDuration(s: string): number | undefined {
  if (s === '0') return 0
  const unit: Record<string, number> = { ns: 1, us: 1e3, µs: 1e3, ms: 1e6, s: 1e9, m: 6e10, h: 3.6e12 }
  const re = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/gy
  const sign = s.startsWith('-') ? -1 : 1
  const body = s.replace(/^[+-]/, '')
  if (body === '') return undefined
  let total = 0
  let pos = 0
  re.lastIndex = 0
  for (let m = re.exec(body); m; m = re.exec(body)) {
    total += Number(m[1]) * (unit[m[2] ?? 's'] ?? 1)
    pos = re.lastIndex
  }
  return pos === body.length && pos > 0 ? sign * Math.round(total) : undefined
}

export const CREATE_FLAGS: FlagSpec[] = [
  { long: 'add-host', type: 'list', description: 'Add a custom host-to-IP mapping (host:ip)' },
  { long: 'annotation', type: 'list', description: 'Add an annotation to the container' },
  { long: 'attach', short: 'a', type: 'list', description: 'Attach to STDIN, STDOUT or STDERR' },
  { long: 'blkio-weight', type: 'int', description: 'Block IO (relative weight)' },
  { long: 'cap-add', type: 'list', description: 'Add Linux capabilities' },
  { long: 'cap-drop', type: 'list', description: 'Drop Linux capabilities' },
  { long: 'cgroup-parent', type: 'string', description: 'Optional parent cgroup for the container' },
  { long: 'cgroupns', type: 'string', description: 'Cgroup namespace to use (host|private)' },
  { long: 'cidfile', type: 'string', description: 'Write the container ID to the file' },
  { long: 'cpu-period', type: 'int', description: 'Limit CPU CFS (Completely Fair Scheduler) period' },
  { long: 'cpu-quota', type: 'int', description: 'Limit CPU CFS (Completely Fair Scheduler) quota' },
  { long: 'cpu-shares', short: 'c', type: 'int', description: 'CPU shares (relative weight)' },
  { long: 'cpus', type: 'string', parse: decimal, description: 'Number of CPUs' },
  { long: 'cpuset-cpus', type: 'string', description: 'CPUs in which to allow execution (0-3, 0,1)' },
  { long: 'cpuset-mems', type: 'string', description: 'MEMs in which to allow execution (0-3, 0,1)' },
  { long: 'device', type: 'list', description: 'Add a host device to the container' },
  { long: 'dns', type: 'list', description: 'Set custom DNS servers' },
  { long: 'dns-option', type: 'list', description: 'Set DNS options' },
  { long: 'dns-opt', type: 'list', hidden: true },
  { long: 'dns-search', type: 'list', description: 'Set custom DNS search domains' },
  { long: 'domainname', type: 'string', description: 'Container NIS domain name' },
  { long: 'entrypoint', type: 'string', description: 'Overwrite the default ENTRYPOINT of the image' },
  { long: 'env', short: 'e', type: 'list', description: 'Set environment variables' },
  { long: 'env-file', type: 'list', description: 'Read in a file of environment variables' },
  { long: 'expose', type: 'list', description: 'Expose a port or a range of ports' },
  { long: 'group-add', type: 'list', description: 'Add additional groups to join' },
  { long: 'health-cmd', type: 'string', description: 'Command to run to check health' },
  { long: 'health-interval', type: 'string', parse: duration, description: 'Time between running the check' },
  { long: 'health-retries', type: 'int', description: 'Consecutive failures needed to report unhealthy' },
  {
    long: 'health-start-interval',
    type: 'string',
    parse: duration,
    description: 'Time between running the check during the start period',
  },
  {
    long: 'health-start-period',
    type: 'string',
    parse: duration,
    description: 'Start period for the container to initialize',
  },
  {
    long: 'health-timeout',
    type: 'string',
    parse: duration,
    description: 'Maximum time to allow one check to run',
  },
  { long: 'hostname', short: 'h', type: 'string', description: 'Container host name' },
  { long: 'init', type: 'bool', description: 'Run an init inside the container' },
  { long: 'interactive', short: 'i', type: 'bool', description: 'Keep STDIN open even if not attached' },
  { long: 'ip', type: 'string', description: 'IPv4 address (e.g., 172.30.100.104)' },
  { long: 'ip6', type: 'string', description: 'IPv6 address (e.g., 2001:db8::33)' },
  { long: 'ipc', type: 'string', description: 'IPC mode to use' },
  { long: 'isolation', type: 'string', description: 'Container isolation technology' },
  { long: 'label', short: 'l', type: 'list', description: 'Set meta data on a container' },
  { long: 'label-file', type: 'list', description: 'Read in a line delimited file of labels' },
  { long: 'link', type: 'list', description: 'Add link to another container' },
  { long: 'link-local-ip', type: 'list', description: 'Container IPv4/IPv6 link-local addresses' },
  { long: 'log-driver', type: 'string', description: 'Logging driver for the container' },
  { long: 'log-opt', type: 'list', description: 'Log driver options' },
  { long: 'mac-address', type: 'string', description: 'Container MAC address (e.g., 92:d0:c6:0a:29:33)' },
  { long: 'memory', short: 'm', type: 'string', parse: size, description: 'Memory limit' },
  { long: 'memory-reservation', type: 'string', parse: size, description: 'Memory soft limit' },
  {
    long: 'memory-swap',
    type: 'string',
    parse: memSwap,
    description: "Swap limit equal to memory plus swap: '-1' to enable unlimited swap",
  },
  {
    long: 'memory-swappiness',
    type: 'string',
    parse: int,
    description: 'Tune container memory swappiness (0 to 100)',
  },
  { long: 'mount', type: 'list', description: 'Attach a filesystem mount to the container' },
  { long: 'name', type: 'string', description: 'Assign a name to the container' },
  { long: 'network', type: 'list', parse: parseNetworkFlag, description: 'Connect a container to a network' },
  { long: 'net', type: 'list', parse: parseNetworkFlag, hidden: true },
  { long: 'network-alias', type: 'list', description: 'Add network-scoped alias for the container' },
  { long: 'net-alias', type: 'list', hidden: true },
  { long: 'no-healthcheck', type: 'bool', description: 'Disable any container-specified HEALTHCHECK' },
  { long: 'oom-kill-disable', type: 'bool', description: 'Disable OOM Killer' },
  { long: 'oom-score-adj', type: 'int', description: "Tune host's OOM preferences (-1000 to 1000)" },
  { long: 'pid', type: 'string', description: 'PID namespace to use' },
  { long: 'pids-limit', type: 'int', description: 'Tune container pids limit (set -1 for unlimited)' },
  { long: 'platform', type: 'string', description: 'Set platform if server is multi-platform capable' },
  { long: 'privileged', type: 'bool', description: 'Give extended privileges to this container' },
  { long: 'publish', short: 'p', type: 'list', description: "Publish a container's port(s) to the host" },
  { long: 'publish-all', short: 'P', type: 'bool', description: 'Publish all exposed ports to random ports' },
  { long: 'pull', type: 'string', description: 'Pull image before running ("always", "missing", "never")' },
  { long: 'quiet', short: 'q', type: 'bool', description: 'Suppress the pull output' },
  { long: 'read-only', type: 'bool', description: "Mount the container's root filesystem as read only" },
  { long: 'restart', type: 'string', description: 'Restart policy to apply when a container exits' },
  {
    long: 'rm',
    type: 'bool',
    description: 'Automatically remove the container and its associated anonymous volumes when it exits',
  },
  { long: 'runtime', type: 'string', description: 'Runtime to use for this container' },
  { long: 'security-opt', type: 'list', description: 'Security Options' },
  { long: 'shm-size', type: 'string', parse: size, description: 'Size of /dev/shm' },
  { long: 'stop-signal', type: 'string', description: 'Signal to stop the container' },
  { long: 'stop-timeout', type: 'int', description: 'Timeout (in seconds) to stop a container' },
  { long: 'storage-opt', type: 'list', description: 'Storage driver options for the container' },
  { long: 'sysctl', type: 'list', description: 'Sysctl options' },
  { long: 'tmpfs', type: 'list', description: 'Mount a tmpfs directory' },
  { long: 'tty', short: 't', type: 'bool', description: 'Allocate a pseudo-TTY' },
  { long: 'ulimit', type: 'list', description: 'Ulimit options' },
  {
    long: 'user',
    short: 'u',
    type: 'string',
    description: 'Username or UID (format: <name|uid>[:<group|gid>])',
  },
  { long: 'userns', type: 'string', description: 'User namespace to use' },
  { long: 'uts', type: 'string', description: 'UTS namespace to use' },
  { long: 'volume', short: 'v', type: 'list', description: 'Bind mount a volume' },
  { long: 'volume-driver', type: 'string', description: 'Optional volume driver for the container' },
  { long: 'volumes-from', type: 'list', description: 'Mount volumes from the specified container(s)' },
  { long: 'workdir', short: 'w', type: 'string', description: 'Working directory inside the container' },
]

/** Flags only `run` has. */
export const RUN_ONLY_FLAGS: FlagSpec[] = [
  {
    long: 'detach',
    short: 'd',
    type: 'bool',
    description: 'Run container in background and print container ID',
  },
  { long: 'detach-keys', type: 'string', description: 'Override the key sequence for detaching a container' },
  { long: 'sig-proxy', type: 'bool', description: 'Proxy received signals to the process' },
]
