// Docker's 127.0.0.11 inside a container's own network namespace, without a process or a rule
// per container. berthd's embedded DNS listens on each user network's gateway in the host
// namespace. In the container's namespace a route in table `local` (longer than lo's
// 127.0.0.0/8) sends 127.0.0.11 through the DNS network's interface to its gateway, with the
// container's address on that network as source (so the DNS knows who asks); berth's firewall
// DNATs 127.0.0.11:53 arriving on a bridge to that bridge's gateway (firewall.ts dns_gw), and the
// reply comes back from 127.0.0.11, which the namespace accepts on eth* because
// net.ipv4.conf.all.route_localnet is on there (an OCI sysctl at start, ROUTE_LOCALNET; written
// through nsenter when a running container first joins a user network). firewall-bridge.ts keeps
// neighbours from using route_localnet to reach a container's loopback.
import { run } from '../lib/exec.ts'

/** The nameserver containers with an internal resolver see (moby resolverIPSandbox). */
export const INTERNAL_DNS = '127.0.0.11'
/** The sysctl the namespace needs to take replies from 127.0.0.11 on a non-loopback interface. */
export const ROUTE_LOCALNET = { 'net.ipv4.conf.all.route_localnet': '1' } as const
const IP = '/usr/sbin/ip'
const NSENTER = '/usr/bin/nsenter'

export interface ResolverTarget {
  /** Where the embedded DNS listens for this container: its DNS network's gateway (port 53). */
  server: string
  /** The container's interface on that network. */
  ifname: string
  /** The container's address on that network: the source the DNS sees. */
  source: string
}

/** The `ip` batch line that points 127.0.0.11 at `to` (replacing an earlier target). */
export function resolverRouteLine(to: ResolverTarget): string {
  return `route replace ${INTERNAL_DNS}/32 via ${to.server} dev ${to.ifname} src ${to.source} table local`
}

/** Re-points 127.0.0.11 in the namespace of a running container at `to` (network connect and
 *  disconnect). `sysctl`: also turn route_localnet on (the container started without it).
 *  @throws InternalError when the namespace or interface is gone. */
export async function pointResolver(
  pid: number,
  to: ResolverTarget,
  opts: { sysctl: boolean },
): Promise<void> {
  const ns = `/proc/${pid}/ns/net`
  if (!opts.sysctl) {
    await run(IP, ['-n', `../..${ns}`, 'route', ...resolverRouteLine(to).split(' ').slice(1)])
    return
  }
  // A sysctl written under /proc/sys/net reaches the writer's network namespace.
  const key = Object.keys(ROUTE_LOCALNET)[0]!.replaceAll('.', '/')
  await run(NSENTER, [
    `--net=${ns}`,
    '/bin/sh',
    '-c',
    `echo 1 > /proc/sys/${key} && exec ${IP} ${resolverRouteLine(to)}`,
  ])
}
