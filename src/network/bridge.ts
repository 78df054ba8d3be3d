// The bridge driver's kernel work through iproute2: a network's Linux bridge, and one veth pair
// per endpoint (host side on the bridge, `ethN` inside the container's namespace with its MAC,
// addresses (IPv4, and IPv6 on EnableIPv6 networks) and default routes). Batched: one `ip -batch` per namespace side. Holds no state.
import { existsSync } from 'node:fs'
import { mkdir, writeFile } from 'node:fs/promises'
import { run } from '../lib/exec.ts'
import { type ResolverTarget, resolverRouteLine } from './internal-dns.ts'

const IP = '/usr/sbin/ip'

export interface VethSpec {
  /** Pid of a process in the container's network namespace. */
  pid: number
  bridge: string
  hostVeth: string
  ifname: string
  mac: string
  /** "172.18.0.2/16" */
  address: string
  mtu: number
  /** Default route through this gateway, or none (internal networks, secondary networks). */
  gateway?: string
  /** "fd00:db8:1::2/64" on networks with EnableIPv6 (added without duplicate detection). */
  address6?: string
  /** IPv6 default route through this gateway. */
  gateway6?: string
  /** 127.0.0.11 leads to this network's embedded DNS (internal-dns.ts). */
  resolver?: Omit<ResolverTarget, 'ifname'>
}

/** `ip -n` takes a name under /run/netns; a relative path from there reaches /proc/<pid>/ns/net
 *  without creating a named namespace (one process less per container). */
function nsArg(pid: number): string {
  return `../../proc/${pid}/ns/net`
}

async function batch(lines: string[], ns?: number): Promise<void> {
  if (lines.length === 0) return
  const args = ns === undefined ? ['-batch', '-'] : ['-n', nsArg(ns), '-batch', '-']
  await run(IP, args, { input: `${lines.join('\n')}\n` })
}

export function bridgeExists(name: string): boolean {
  return existsSync(`/sys/class/net/${name}`)
}

/** Creates (or adopts) the bridge, sets its gateway address and MTU, brings it up, and lets
 *  DNAT to 127.0.0.1-published ports route to it. Idempotent. */
export async function ensureBridge(
  name: string,
  gatewayCidr: string,
  mtu: number,
  gateway6Cidr?: string,
): Promise<void> {
  await mkdir('/run/netns', { recursive: true })
  const fresh = !bridgeExists(name)
  if (fresh) await batch([`link add name ${name} mtu ${mtu} type bridge`])
  if (gateway6Cidr) await writeFile(`/proc/sys/net/ipv6/conf/${name}/disable_ipv6`, '0')
  const lines = [`addr replace ${gatewayCidr} dev ${name}`]
  if (gateway6Cidr) lines.push(`addr replace ${gateway6Cidr} dev ${name} nodad`)
  lines.push(`link set ${name} up`)
  await batch(lines)
  await writeFile(`/proc/sys/net/ipv4/conf/${name}/route_localnet`, '1')
}

export async function deleteBridge(name: string): Promise<void> {
  if (bridgeExists(name)) await run(IP, ['link', 'del', name], { allowFailure: true })
}

/** Creates the veth pair and configures the container side. */
export async function addVeth(v: VethSpec): Promise<void> {
  await batch([
    `link add ${v.hostVeth} mtu ${v.mtu} master ${v.bridge} up type veth peer name ${v.ifname} address ${v.mac} mtu ${v.mtu} netns ${v.pid}`,
  ])
  const inner = ['link set lo up', `addr add ${v.address} dev ${v.ifname}`]
  if (v.address6) inner.push(`addr add ${v.address6} dev ${v.ifname} nodad`)
  inner.push(`link set ${v.ifname} up`)
  if (v.gateway) inner.push(`route replace default via ${v.gateway} dev ${v.ifname}`)
  if (v.gateway6) inner.push(`route replace ::/0 via ${v.gateway6} dev ${v.ifname}`)
  if (v.resolver) inner.push(resolverRouteLine({ ...v.resolver, ifname: v.ifname }))
  await batch(inner, v.pid)
}

/** Removes the container side of an endpoint (its peer goes with it). Tolerates a namespace
 *  or interface that is already gone. */
export async function delVeth(pid: number, ifname: string, hostVeth: string): Promise<void> {
  if (existsSync(`/proc/${pid}/ns/net`))
    await run(IP, ['-n', nsArg(pid), 'link', 'del', ifname], { allowFailure: true })
  if (bridgeExists(hostVeth)) await run(IP, ['link', 'del', hostVeth], { allowFailure: true })
}

/** Docker sets ip_forward when it creates its first bridge. */
export async function enableForwarding(): Promise<void> {
  await writeFile('/proc/sys/net/ipv4/ip_forward', '1')
}

/** Docker sets IPv6 forwarding when it creates its first IPv6 bridge. */
export async function enableForwarding6(): Promise<void> {
  await writeFile('/proc/sys/net/ipv6/conf/all/forwarding', '1')
}
