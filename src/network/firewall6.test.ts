import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { networkLines6, portLines6, tableScript6 } from './firewall6.ts'

describe('nft scripts (IPv6)', () => {
  const net = {
    bridge: 'br-x',
    subnet: '10.1.0.0/24',
    gateway: '10.1.0.1',
    subnet6: 'fd00:db8:1::/64',
    icc: true,
    internal: false,
    masquerade: true,
  }
  it('rebuilds the ip6 table with NAT66 masquerade and the same per-network chains', () => {
    const s = tableScript6('t1', [net], [])
    assert.ok(s.startsWith('add table ip6 t1\ndelete table ip6 t1\ntable ip6 t1 {'))
    assert.match(s, /ip6 saddr @masq oifname != @bridges masquerade/)
    assert.match(s, /add element ip6 t1 masq \{ fd00:db8:1::\/64 \}/)
    assert.match(s, /add element ip6 t1 fwd_in \{ "br-x" : jump nw-br-x-in \}/)
    assert.doesNotMatch(s, /10\.1\.0/)
    assert.doesNotMatch(s, /dns_in/)
  })
  it('has nothing for networks without IPv6, and isolates internal ones', () => {
    assert.deepEqual(networkLines6('t', { ...net, subnet6: undefined }, 'add'), [])
    const lines = networkLines6('t', { ...net, internal: true, icc: false }, 'add')
    assert.ok(lines.includes('add rule ip6 t nw-br-x-in oifname != "br-x" drop'))
    assert.ok(lines.includes('add rule ip6 t nw-br-x-in oifname "br-x" drop'))
    assert.ok(lines.includes('add rule ip6 t nw-br-x-out drop'))
    assert.ok(!lines.some((l) => l.includes('masq')))
    const del = networkLines6('t', net, 'delete')
    assert.ok(del.includes('delete element ip6 t subnets { fd00:db8:1::/64 }'))
  })
  it('publishes ports on any address and on IPv6 host addresses, never ::1', () => {
    const base = { proto: 'tcp' as const, containerPort: 80, containerIp: '10.1.0.2' }
    const ports = [
      { ...base, hostIp: '0.0.0.0', hostPort: 8080, containerIp6: 'fd00:db8:1::2' },
      { ...base, hostIp: 'fd00:db8:9::1', hostPort: 8081, containerIp6: 'fd00:db8:1::2' },
      { ...base, hostIp: '::1', hostPort: 8082, containerIp6: 'fd00:db8:1::2' },
      { ...base, hostIp: '127.0.0.1', hostPort: 8083, containerIp6: 'fd00:db8:1::2' },
      { ...base, hostIp: '0.0.0.0', hostPort: 8084 },
    ]
    assert.deepEqual(portLines6('t', ports, 'add'), [
      'add element ip6 t tcp_any { 8080 : fd00:db8:1::2 . 80 }',
      'add element ip6 t tcp_ip { fd00:db8:9::1 . 8081 : fd00:db8:1::2 . 80 }',
    ])
    assert.deepEqual(portLines6('t', ports, 'delete'), [
      'delete element ip6 t tcp_any { 8080 }',
      'delete element ip6 t tcp_ip { fd00:db8:9::1 . 8081 }',
    ])
  })
})
