// berth's firewall: one nftables table of its own (default `berth`, family ip; its IPv6 twin
// is in firewall6.ts), changed only in atomic `nft -f` batches. Per network: masquerade out, ICC, isolation from other berth networks,
// --internal; per container: published ports as DNAT map elements (no userland proxy), with
// route_localnet masquerade for 127.0.0.1 and hairpin masquerade; containers' 127.0.0.11 DNATed
// to their network's embedded DNS (internal-dns.ts), and bridged packets to or from 127.0.0.0/8
// dropped (bridged traffic reaches this table through br_netfilter, as ICC does). When the host's
// iptables FORWARD policy is DROP (Docker installed), it also accepts its bridges' traffic there.
import { existsSync } from 'node:fs'
import { run } from '../lib/exec.ts'
import type { Logger } from '../lib/log.ts'
import { networkLines6, portLines6, tableScript6 } from './firewall6.ts'
import { INTERNAL_DNS } from './internal-dns.ts'
import type { PortMapping } from './types.ts'

const NFT = '/usr/sbin/nft'
const IPTABLES = '/usr/sbin/iptables'
const IP6TABLES = '/usr/sbin/ip6tables'

export interface FirewallNetwork {
  bridge: string
  subnet: string
  /** The bridge's address: the embedded DNS listens there, for this network's containers only. */
  gateway?: string
  icc: boolean
  internal: boolean
  masquerade: boolean
  /** IPv6 subnet (EnableIPv6): the same rules again in the `ip6` table (firewall6.ts). */
  subnet6?: string
}

export interface FirewallPort extends PortMapping {
  containerIp: string
  /** The container's IPv6 address: ports on any address are published over IPv6 too. */
  containerIp6?: string
}

export type Family = 'ip' | 'ip6'

const chainIn = (n: FirewallNetwork) => `nw-${n.bridge}-in`
const chainOut = (n: FirewallNetwork) => `nw-${n.bridge}-out`
const chainDns = (n: FirewallNetwork) => `nw-${n.bridge}-dns`

/** The whole table, replacing whatever was there, in one transaction. */
export function tableScript(table: string, nets: FirewallNetwork[], ports: FirewallPort[]): string {
  const t = `ip ${table}`
  const lines = [
    `add table ${t}`,
    `delete table ${t}`,
    `table ${t} {`,
    '  set bridges { type ifname; }',
    '  set subnets { type ipv4_addr; flags interval; }',
    '  set masq { type ipv4_addr; flags interval; }',
    '  map fwd_in { type ifname : verdict; }',
    '  map fwd_out { type ifname : verdict; }',
    '  map dns_in { type ipv4_addr : verdict; }',
    '  map dns_gw { type ifname : ipv4_addr; }',
    '  map tcp_any { type inet_service : ipv4_addr . inet_service; }',
    '  map tcp_ip { type ipv4_addr . inet_service : ipv4_addr . inet_service; }',
    '  map udp_any { type inet_service : ipv4_addr . inet_service; }',
    '  map udp_ip { type ipv4_addr . inet_service : ipv4_addr . inet_service; }',
    '  chain ports {',
    '    dnat ip to ip daddr . tcp dport map @tcp_ip',
    '    dnat ip to tcp dport map @tcp_any',
    '    dnat ip to ip daddr . udp dport map @udp_ip',
    '    dnat ip to udp dport map @udp_any',
    '  }',
    '  chain prerouting {',
    '    type nat hook prerouting priority dstnat; policy accept;',
    // Containers' 127.0.0.11 (internal-dns.ts): to the embedded DNS on their bridge's gateway.
    `    ip daddr ${INTERNAL_DNS} meta l4proto { tcp, udp } th dport 53 dnat ip to iifname map @dns_gw`,
    '    fib daddr type local jump ports',
    '  }',
    '  chain output { type nat hook output priority -100; policy accept; fib daddr type local jump ports; }',
    '  chain postrouting {',
    '    type nat hook postrouting priority srcnat; policy accept;',
    '    oifname @bridges ip saddr 127.0.0.0/8 masquerade',
    '    ct status dnat oifname @bridges ip saddr @subnets masquerade',
    '    ip saddr @masq oifname != @bridges masquerade',
    '  }',
    '  chain input { type filter hook input priority filter; policy accept; ip daddr vmap @dns_in; }',
    '  chain forward {',
    '    type filter hook forward priority filter; policy accept;',
    // Containers with 127.0.0.11 have route_localnet on: no neighbour may reach their loopback.
    '    iifname @bridges ip daddr 127.0.0.0/8 drop',
    '    iifname @bridges ip saddr 127.0.0.0/8 drop',
    '    iifname vmap @fwd_in',
    '    oifname vmap @fwd_out',
    '  }',
    '}',
  ]
  for (const n of nets) lines.push(...networkLines(table, n, 'add'))
  lines.push(...portLines(table, ports, 'add'))
  return `${lines.join('\n')}\n`
}

export function networkLines(
  table: string,
  n: FirewallNetwork,
  op: 'add' | 'delete',
  family: Family = 'ip',
): string[] {
  const t = `${family} ${table}`
  const br = `"${n.bridge}"`
  // The embedded DNS listens on the IPv4 gateway only.
  if (family === 'ip6') n = { ...n, subnet: n.subnet6 ?? '', gateway: undefined }
  if (op === 'delete') {
    return [
      `delete element ${t} fwd_in { ${br} }`,
      `delete element ${t} fwd_out { ${br} }`,
      `delete element ${t} bridges { ${br} }`,
      `delete element ${t} subnets { ${n.subnet} }`,
      ...(n.masquerade && !n.internal ? [`delete element ${t} masq { ${n.subnet} }`] : []),
      ...(n.gateway
        ? [`delete element ${t} dns_in { ${n.gateway} }`, `delete element ${t} dns_gw { ${br} }`]
        : []),
      `flush chain ${t} ${chainIn(n)}`,
      `flush chain ${t} ${chainOut(n)}`,
      `delete chain ${t} ${chainIn(n)}`,
      `delete chain ${t} ${chainOut(n)}`,
      ...(n.gateway ? [`flush chain ${t} ${chainDns(n)}`, `delete chain ${t} ${chainDns(n)}`] : []),
    ]
  }
  const inRules = [
    ...(n.internal ? [`oifname != ${br} drop`] : []),
    `oifname ${br} ${n.icc ? 'accept' : 'drop'}`,
    'oifname @bridges drop',
  ]
  const outRules = n.internal ? ['drop'] : []
  return [
    `add chain ${t} ${chainIn(n)}`,
    `add chain ${t} ${chainOut(n)}`,
    ...inRules.map((r) => `add rule ${t} ${chainIn(n)} ${r}`),
    ...outRules.map((r) => `add rule ${t} ${chainOut(n)} ${r}`),
    `add element ${t} bridges { ${br} }`,
    `add element ${t} subnets { ${n.subnet} }`,
    ...(n.masquerade && !n.internal ? [`add element ${t} masq { ${n.subnet} }`] : []),
    `add element ${t} fwd_in { ${br} : jump ${chainIn(n)} }`,
    `add element ${t} fwd_out { ${br} : jump ${chainOut(n)} }`,
    // DNS on the gateway answers this network's containers only (names are scoped per network).
    ...(n.gateway
      ? [
          `add chain ${t} ${chainDns(n)}`,
          `add rule ${t} ${chainDns(n)} meta l4proto { tcp, udp } th dport 53 iifname != ${br} drop`,
          `add element ${t} dns_in { ${n.gateway} : jump ${chainDns(n)} }`,
          `add element ${t} dns_gw { ${br} : ${n.gateway} }`,
        ]
      : []),
  ]
}

export function portLines(table: string, ports: FirewallPort[], op: 'add' | 'delete'): string[] {
  const out: string[] = []
  for (const p of ports) {
    if (p.proto === 'sctp' || p.hostIp.includes(':')) continue // IPv4 TCP/UDP only
    const any = p.hostIp === '' || p.hostIp === '0.0.0.0'
    const map = `${p.proto}_${any ? 'any' : 'ip'}`
    const key = any ? `${p.hostPort}` : `${p.hostIp} . ${p.hostPort}`
    const value = op === 'add' ? ` : ${p.containerIp} . ${p.containerPort}` : ''
    out.push(`${op} element ip ${table} ${map} { ${key}${value} }`)
  }
  return out
}

/** Whether the kernel has IPv6 at all (not booted with ipv6.disable=1): the ip6 table needs it. */
export function hostHasIpv6(): boolean {
  return existsSync('/proc/sys/net/ipv6/conf/all/disable_ipv6')
}

export class NftFirewall {
  readonly table: string
  readonly #log: Logger
  #forwardDrop = false
  #forwardDrop6 = false

  constructor(table: string, log: Logger) {
    this.table = table
    this.#log = log
  }

  /** Rebuilds the table from scratch (daemon start, restore after a crash). */
  async init(nets: FirewallNetwork[], ports: FirewallPort[]): Promise<void> {
    const v6 = hostHasIpv6() ? tableScript6(this.table, nets, ports) : ''
    await this.#apply(tableScript(this.table, nets, ports) + v6)
    const fwd = await run(IPTABLES, ['-w', '-S', 'FORWARD'], { allowFailure: true }).catch(() => undefined)
    this.#forwardDrop = fwd?.stdout.includes('-P FORWARD DROP') ?? false
    if (hostHasIpv6()) {
      const fwd6 = await run(IP6TABLES, ['-w', '-S', 'FORWARD'], { allowFailure: true }).catch(
        () => undefined,
      )
      this.#forwardDrop6 = fwd6?.stdout.includes('-P FORWARD DROP') ?? false
    }
    for (const n of nets) {
      await this.#iptablesAccept(n.bridge, 'add')
      if (n.subnet6) await this.#iptablesAccept(n.bridge, 'add', IP6TABLES)
    }
  }

  async addNetwork(n: FirewallNetwork): Promise<void> {
    await this.#apply(
      [...networkLines(this.table, n, 'add'), ...networkLines6(this.table, n, 'add')].join('\n'),
    )
    await this.#iptablesAccept(n.bridge, 'add')
    if (n.subnet6) await this.#iptablesAccept(n.bridge, 'add', IP6TABLES)
  }

  async removeNetwork(n: FirewallNetwork): Promise<void> {
    await this.#apply(
      [...networkLines(this.table, n, 'delete'), ...networkLines6(this.table, n, 'delete')].join('\n'),
    )
    await this.#iptablesAccept(n.bridge, 'delete')
    if (n.subnet6) await this.#iptablesAccept(n.bridge, 'delete', IP6TABLES)
  }

  async addPorts(ports: FirewallPort[]): Promise<void> {
    await this.#apply(
      [...portLines(this.table, ports, 'add'), ...portLines6(this.table, ports, 'add')].join('\n'),
    )
  }

  /** Removes port elements; elements already gone are ignored. */
  async removePorts(ports: FirewallPort[]): Promise<void> {
    const lines = [...portLines(this.table, ports, 'delete'), ...portLines6(this.table, ports, 'delete')]
    if (lines.length === 0) return
    try {
      await this.#apply(lines.join('\n'))
    } catch (err) {
      // One missing element fails the whole batch: retry one by one, tolerating absences.
      this.#log.debug('nft batch delete failed, retrying per element', { err: String(err) })
      for (const l of lines) await run(NFT, ['-f', '-'], { input: `${l}\n`, allowFailure: true })
    }
  }

  /** Removes berth's table and its iptables accept rules. */
  async destroy(bridges: string[]): Promise<void> {
    const t = this.table
    await run(NFT, ['-f', '-'], {
      input: `add table ip ${t}\ndelete table ip ${t}\n${hostHasIpv6() ? `add table ip6 ${t}\ndelete table ip6 ${t}\n` : ''}`,
    })
    for (const b of bridges) {
      await this.#iptablesAccept(b, 'delete')
      await this.#iptablesAccept(b, 'delete', IP6TABLES)
    }
  }

  async #apply(script: string): Promise<void> {
    if (script.trim() === '') return
    await run(NFT, ['-f', '-'], { input: script.endsWith('\n') ? script : `${script}\n` })
  }

  /** FORWARD DROP (Docker's hosts): accept this bridge's traffic in iptables' (or, for IPv6,
   *  ip6tables') FORWARD too. */
  async #iptablesAccept(bridge: string, op: 'add' | 'delete', bin = IPTABLES): Promise<void> {
    if (!(bin === IPTABLES ? this.#forwardDrop : this.#forwardDrop6)) return
    for (const dir of ['-i', '-o']) {
      const rule = [
        'FORWARD',
        dir,
        bridge,
        '-j',
        'ACCEPT',
        '-m',
        'comment',
        '--comment',
        `berth:${this.table}`,
      ]
      const has = (await run(bin, ['-w', '-C', ...rule], { allowFailure: true })).code === 0
      if (op === 'add' && !has) await run(bin, ['-w', '-I', ...rule])
      if (op === 'delete' && has) await run(bin, ['-w', '-D', ...rule])
    }
  }
}
