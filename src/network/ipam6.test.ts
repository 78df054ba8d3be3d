import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { ConflictError, InvalidArgumentError, UnavailableError } from '../lib/errors.ts'
import { allocateIpv6, subnet6 } from './ipam.ts'
import type { NetworkRecord, SubnetConfig } from './types.ts'

function net(v6: SubnetConfig | undefined, enableIPv6 = true): NetworkRecord {
  return {
    id: 'n6',
    name: 'n6',
    driver: 'bridge',
    created: '',
    internal: false,
    attachable: false,
    enableIPv6,
    bridge: 'br-n6',
    subnets: [{ subnet: '10.9.0.0/24', gateway: '10.9.0.1' }, ...(v6 ? [v6] : [])],
    userSubnet: false,
    options: {},
    labels: {},
    ipamOptions: {},
    icc: true,
    masquerade: true,
    mtu: 1500,
    hostBindingIpv4: '0.0.0.0',
    endpoints: {},
    predefined: false,
  }
}

function take(n: NetworkRecord, id: string, ip6: string): void {
  n.endpoints[id] = {
    containerId: id,
    name: id,
    endpointId: id,
    ipv4: '',
    ipv6: ip6,
    macAddress: '',
    ifname: 'eth0',
    hostVeth: 'v',
    aliases: [],
    ports: [],
  }
}

describe('ipam (IPv6)', () => {
  it('hands out the lowest free address after the subnet-router anycast and the gateway', () => {
    const n = net({ subnet: 'fd00:db8:1::/125', gateway: 'fd00:db8:1::1' })
    const got: string[] = []
    for (let i = 0; i < 6; i++) {
      const a = allocateIpv6(n)!
      assert.equal(a.prefixLen, 125)
      assert.equal(a.gateway, 'fd00:db8:1::1')
      got.push(a.ip)
      take(n, `c${i}`, a.ip)
    }
    assert.deepEqual(
      got,
      [2, 3, 4, 5, 6, 7].map((x) => `fd00:db8:1::${x}`),
    )
    assert.throws(() => allocateIpv6(n), UnavailableError)
    delete n.endpoints.c2
    assert.equal(allocateIpv6(n)!.ip, 'fd00:db8:1::4')
  })
  it('does not leak across many allocate/release cycles', () => {
    const n = net({ subnet: 'fd00:db8:1::/64', gateway: 'fd00:db8:1::1' })
    for (let i = 0; i < 5000; i++) {
      take(n, 'c', allocateIpv6(n)!.ip)
      delete n.endpoints.c
    }
    assert.equal(allocateIpv6(n)!.ip, 'fd00:db8:1::2')
  })
  it('validates static addresses and returns them canonical', () => {
    const n = net({ subnet: 'fd00:db8:1::/64', gateway: 'fd00:db8:1::1' })
    assert.equal(allocateIpv6(n, 'FD00:DB8:1:0::0099')!.ip, 'fd00:db8:1::99')
    take(n, 'a', 'fd00:db8:1::99')
    assert.throws(() => allocateIpv6(n, 'fd00:db8:1::99'), ConflictError)
    assert.throws(() => allocateIpv6(n, 'fd00:db8:1::1'), ConflictError)
    assert.throws(() => allocateIpv6(n, 'fd00:db8:2::5'), InvalidArgumentError)
    assert.throws(() => allocateIpv6(n, '10.9.0.5'), InvalidArgumentError)
  })
  it('respects --ip-range and auxiliary addresses in the upper half of a /64', () => {
    const n = net({
      subnet: 'fd00:db8:1::/64',
      gateway: 'fd00:db8:1::1',
      ipRange: 'fd00:db8:1:0:8000::/65',
      auxAddresses: { x: 'fd00:db8:1:0:8000::' },
    })
    assert.equal(allocateIpv6(n)!.ip, 'fd00:db8:1:0:8000::1')
  })
  it('gives no IPv6 address without EnableIPv6 and refuses a static one', () => {
    const off = net({ subnet: 'fd00:db8:1::/64', gateway: 'fd00:db8:1::1' }, false)
    assert.equal(subnet6(off), undefined)
    assert.equal(allocateIpv6(off), undefined)
    assert.throws(() => allocateIpv6(off, 'fd00:db8:1::5'), /user configured subnets/)
    assert.equal(allocateIpv6(net(undefined)), undefined)
  })
})
