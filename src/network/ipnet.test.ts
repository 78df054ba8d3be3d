import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { InvalidArgumentError } from '../lib/errors.ts'
import { contains, formatCidr, overlaps, parseCidr, parseIp } from './ipnet.ts'

describe('ipnet', () => {
  it('parses and formats CIDRs, clearing host bits', () => {
    assert.equal(formatCidr(parseCidr('172.17.5.9/16')), '172.17.0.0/16')
    assert.equal(formatCidr(parseCidr('10.0.0.0/8')), '10.0.0.0/8')
    assert.throws(() => parseCidr('300.1.1.1/8'), InvalidArgumentError)
    assert.throws(() => parseCidr('10.0.0.0/33'), InvalidArgumentError)
    assert.throws(() => parseCidr('10.0.0.0'), InvalidArgumentError)
  })
  it('tests containment and overlap', () => {
    assert.ok(contains(parseCidr('10.1.0.0/16'), parseIp('10.1.200.3')!))
    assert.ok(!contains(parseCidr('10.1.0.0/16'), parseIp('10.2.0.1')!))
    assert.ok(overlaps(parseCidr('10.0.0.0/8'), parseCidr('10.5.0.0/24')))
    assert.ok(!overlaps(parseCidr('172.17.0.0/16'), parseCidr('172.18.0.0/16')))
  })
})
