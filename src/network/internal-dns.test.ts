import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { tableScript } from './firewall.ts'
import { resolverRouteLine } from './internal-dns.ts'

describe('internal DNS (127.0.0.11)', () => {
  it('routes 127.0.0.11 through the DNS network from the container’s address', () => {
    assert.equal(
      resolverRouteLine({ server: '10.1.0.1', ifname: 'eth1', source: '10.1.0.5' }),
      'route replace 127.0.0.11/32 via 10.1.0.1 dev eth1 src 10.1.0.5 table local',
    )
  })
  it('DNATs it to the bridge’s gateway and keeps neighbours off containers’ loopback', () => {
    const net = {
      bridge: 'br-x',
      subnet: '10.1.0.0/24',
      gateway: '10.1.0.1',
      icc: true,
      internal: false,
      masquerade: true,
    }
    const s = tableScript('t', [net], [])
    assert.match(
      s,
      /ip daddr 127\.0\.0\.11 meta l4proto \{ tcp, udp \} th dport 53 dnat ip to iifname map @dns_gw/,
    )
    assert.match(s, /add element ip t dns_gw \{ "br-x" : 10\.1\.0\.1 \}/)
    assert.match(s, /iifname @bridges ip daddr 127\.0\.0\.0\/8 drop/)
    assert.match(s, /iifname @bridges ip saddr 127\.0\.0\.0\/8 drop/)
  })
})
