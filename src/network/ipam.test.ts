import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { ConflictError, InvalidArgumentError, UnavailableError } from '../lib/errors.ts'
import { allocateIpv4, macForIp } from './ipam.ts'
import type { NetworkRecord } from './types.ts'

function net(over: Partial<NetworkRecord> = {}): NetworkRecord {
  return {
    id: 'n1',
    name: 'n1',
    driver: 'bridge',
    created: '',
    internal: false,
    attachable: false,
    enableIPv6: false,
    bridge: 'br-n1',
    subnets: [{ subnet: '10.9.0.0/29', gateway: '10.9.0.1' }],
    userSubnet: true,
    options: {},
    labels: {},
    ipamOptions: {},
    icc: true,
    masquerade: true,
    mtu: 1500,
    hostBindingIpv4: '0.0.0.0',
    endpoints: {},
    predefined: false,
    ...over,
  }
}

function take(n: NetworkRecord, id: string, ip: string): void {
  n.endpoints[id] = {
    containerId: id,
    name: id,
    endpointId: id,
    ipv4: ip,
    macAddress: '',
    ifname: 'eth0',
    hostVeth: 'v',
    aliases: [],
    ports: [],
  }
}

describe('ipam', () => {
  it('hands out the lowest free address, skipping network, gateway and broadcast', () => {
    const n = net()
    const got: string[] = []
    for (let i = 0; i < 5; i++) {
      const a = allocateIpv4(n)
      got.push(a.ip)
      take(n, `c${i}`, a.ip)
    }
    assert.deepEqual(got, ['10.9.0.2', '10.9.0.3', '10.9.0.4', '10.9.0.5', '10.9.0.6'])
    assert.throws(() => allocateIpv4(n), UnavailableError)
    delete n.endpoints.c1
    assert.equal(allocateIpv4(n).ip, '10.9.0.3')
  })
  it('does not leak across many allocate/release cycles', () => {
    const n = net({ subnets: [{ subnet: '10.9.0.0/24', gateway: '10.9.0.1' }] })
    for (let i = 0; i < 5000; i++) {
      const a = allocateIpv4(n)
      take(n, 'c', a.ip)
      delete n.endpoints.c
    }
    assert.equal(allocateIpv4(n).ip, '10.9.0.2')
  })
  it('validates static addresses', () => {
    const n = net()
    assert.equal(allocateIpv4(n, '10.9.0.5').ip, '10.9.0.5')
    take(n, 'a', '10.9.0.5')
    assert.throws(() => allocateIpv4(n, '10.9.0.5'), ConflictError)
    assert.throws(() => allocateIpv4(n, '10.8.0.5'), InvalidArgumentError)
    assert.throws(() => allocateIpv4(net({ userSubnet: false }), '10.9.0.4'), /user configured subnets/)
  })
  it('respects --ip-range and auxiliary addresses', () => {
    const n = net({
      subnets: [
        {
          subnet: '10.9.0.0/24',
          gateway: '10.9.0.1',
          ipRange: '10.9.0.128/25',
          auxAddresses: { x: '10.9.0.128' },
        },
      ],
    })
    assert.equal(allocateIpv4(n).ip, '10.9.0.129')
  })
  it("derives Docker's MAC from the address", () => {
    assert.equal(macForIp('172.17.0.2'), '02:42:ac:11:00:02')
  })
})
