import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { networkLines, portLines, tableScript } from './firewall.ts'

describe('nft scripts', () => {
  const net = { bridge: 'br-x', subnet: '10.1.0.0/24', icc: true, internal: false, masquerade: true }
  it('rebuilds the whole table in one transaction', () => {
    const s = tableScript('t1', [net], [])
    assert.ok(s.startsWith('add table ip t1\ndelete table ip t1\ntable ip t1 {'))
    assert.match(s, /add element ip t1 masq \{ 10\.1\.0\.0\/24 \}/)
    assert.match(s, /add element ip t1 fwd_in \{ "br-x" : jump nw-br-x-in \}/)
  })
  it('isolates internal networks and drops ICC when disabled', () => {
    const lines = networkLines('t', { ...net, internal: true, icc: false }, 'add')
    assert.ok(lines.includes('add rule ip t nw-br-x-in oifname != "br-x" drop'))
    assert.ok(lines.includes('add rule ip t nw-br-x-in oifname "br-x" drop'))
    assert.ok(lines.includes('add rule ip t nw-br-x-out drop'))
    assert.ok(!lines.some((l) => l.includes('masq')))
  })
  it('maps ports on any address or one address, and deletes them by key', () => {
    const ports = [
      {
        proto: 'tcp' as const,
        hostIp: '0.0.0.0',
        hostPort: 8080,
        containerPort: 80,
        containerIp: '10.1.0.2',
      },
      {
        proto: 'udp' as const,
        hostIp: '127.0.0.1',
        hostPort: 53,
        containerPort: 5353,
        containerIp: '10.1.0.2',
      },
    ]
    assert.deepEqual(portLines('t', ports, 'add'), [
      'add element ip t tcp_any { 8080 : 10.1.0.2 . 80 }',
      'add element ip t udp_ip { 127.0.0.1 . 53 : 10.1.0.2 . 5353 }',
    ])
    assert.deepEqual(portLines('t', ports, 'delete'), [
      'delete element ip t tcp_any { 8080 }',
      'delete element ip t udp_ip { 127.0.0.1 . 53 }',
    ])
  })
})
