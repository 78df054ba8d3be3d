import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { UnavailableError } from '../lib/errors.ts'
import { parseCidr } from './ipnet.ts'
import { DEFAULT_POOLS, parseAddressPool, pickSubnet } from './pool.ts'

describe('address pools', () => {
  it("prefers Docker's 172.17.0.0/16, then the next free /16", () => {
    assert.deepEqual(pickSubnet(DEFAULT_POOLS, []), { subnet: '172.17.0.0/16', gateway: '172.17.0.1' })
    const used = [parseCidr('172.17.0.0/16'), parseCidr('172.18.5.0/24')]
    assert.equal(pickSubnet(DEFAULT_POOLS, used).subnet, '172.19.0.0/16')
  })
  it('skips a subnet that overlaps a host route', () => {
    assert.equal(pickSubnet(DEFAULT_POOLS, [parseCidr('172.16.0.0/12')]).subnet, '192.168.0.0/20')
  })
  it('parses --default-address-pool and carves it', () => {
    const p = parseAddressPool('base=10.10.0.0/16,size=24')
    assert.deepEqual(p, { base: '10.10.0.0/16', size: 24 })
    assert.equal(pickSubnet([p], [parseCidr('10.10.0.0/24')]).subnet, '10.10.1.0/24')
  })
  it('fails when every pool is used', () => {
    assert.throws(
      () => pickSubnet([{ base: '10.0.0.0/24', size: 24 }], [parseCidr('10.0.0.0/8')]),
      UnavailableError,
    )
  })
})
