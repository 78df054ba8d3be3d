// The IPv6 half of berth's firewall: a second nftables table (`ip6 <table>`) with the same
// per-network chains as the IPv4 one (ICC, isolation, --internal, NAT66 masquerade out, as
// dockerd does with ip6tables) and published ports DNATed to containers' IPv6 addresses.
// Only networks with EnableIPv6 get elements here; the table itself always exists.
import { type FirewallNetwork, type FirewallPort, networkLines } from './firewall.ts'

/** The whole ip6 table, replacing whatever was there. */
export function tableScript6(table: string, nets: FirewallNetwork[], ports: FirewallPort[]): string {
  const t = `ip6 ${table}`
  const lines = [
    `add table ${t}`,
    `delete table ${t}`,
    `table ${t} {`,
    '  set bridges { type ifname; }',
    '  set subnets { type ipv6_addr; flags interval; }',
    '  set masq { type ipv6_addr; flags interval; }',
    '  map fwd_in { type ifname : verdict; }',
    '  map fwd_out { type ifname : verdict; }',
    '  map tcp_any { type inet_service : ipv6_addr . inet_service; }',
    '  map tcp_ip { type ipv6_addr . inet_service : ipv6_addr . inet_service; }',
    '  map udp_any { type inet_service : ipv6_addr . inet_service; }',
    '  map udp_ip { type ipv6_addr . inet_service : ipv6_addr . inet_service; }',
    '  chain ports {',
    '    dnat ip6 to ip6 daddr . tcp dport map @tcp_ip',
    '    dnat ip6 to tcp dport map @tcp_any',
    '    dnat ip6 to ip6 daddr . udp dport map @udp_ip',
    '    dnat ip6 to udp dport map @udp_any',
    '  }',
    '  chain prerouting { type nat hook prerouting priority dstnat; policy accept; fib daddr type local jump ports; }',
    '  chain output { type nat hook output priority -100; policy accept; fib daddr type local jump ports; }',
    '  chain postrouting {',
    '    type nat hook postrouting priority srcnat; policy accept;',
    '    ct status dnat oifname @bridges ip6 saddr @subnets masquerade',
    '    ip6 saddr @masq oifname != @bridges masquerade',
    '  }',
    '  chain forward {',
    '    type filter hook forward priority filter; policy accept;',
    '    iifname vmap @fwd_in',
    '    oifname vmap @fwd_out',
    '  }',
    '}',
  ]
  for (const n of nets) lines.push(...networkLines6(table, n, 'add'))
  lines.push(...portLines6(table, ports, 'add'))
  return `${lines.join('\n')}\n`
}

/** A network's ip6 elements and chains; none for networks without an IPv6 subnet. */
export function networkLines6(table: string, n: FirewallNetwork, op: 'add' | 'delete'): string[] {
  return n.subnet6 ? networkLines(table, n, op, 'ip6') : []
}

/** Ports of containers with an IPv6 address: those on any address (0.0.0.0 or ::) and those
 *  on one IPv6 host address other than ::1 (IPv6 has no route_localnet: ::1 cannot be DNATed
 *  out of the host). */
export function portLines6(table: string, ports: FirewallPort[], op: 'add' | 'delete'): string[] {
  const out: string[] = []
  for (const p of ports) {
    if (!p.containerIp6 || p.proto === 'sctp') continue
    const any = p.hostIp === '' || p.hostIp === '0.0.0.0' || p.hostIp === '::'
    if (!any && (!p.hostIp.includes(':') || p.hostIp === '::1')) continue
    const map = `${p.proto}_${any ? 'any' : 'ip'}`
    const key = any ? `${p.hostPort}` : `${p.hostIp} . ${p.hostPort}`
    const value = op === 'add' ? ` : ${p.containerIp6} . ${p.containerPort}` : ''
    out.push(`${op} element ip6 ${table} ${map} { ${key}${value} }`)
  }
  return out
}
