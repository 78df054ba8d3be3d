import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { InvalidArgumentError } from '../lib/errors.ts'
import {
  canonicalIp6,
  contains6,
  formatCidr6,
  formatIp6,
  isCidr6,
  overlaps6,
  parseCidr6,
  parseIp6,
  size6,
} from './ipnet6.ts'

describe('ipnet6', () => {
  it('parses and formats addresses as RFC 5952 text', () => {
    assert.equal(parseIp6('::'), 0n)
    assert.equal(parseIp6('::1'), 1n)
    assert.equal(parseIp6('ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff'), (1n << 128n) - 1n)
    assert.equal(formatIp6(parseIp6('FD00:0DB8:0000:0000:0000:0000:0000:0001')!), 'fd00:db8::1')
    assert.equal(canonicalIp6('2001:db8:0:0:1:0:0:1'), '2001:db8::1:0:0:1')
    assert.equal(canonicalIp6('2001:db8:0:1:1:1:1:1'), '2001:db8:0:1:1:1:1:1')
    assert.equal(canonicalIp6('::ffff:10.1.2.3'), '::ffff:a01:203')
    assert.equal(formatIp6(0n), '::')
    assert.equal(formatIp6(1n << 112n), '1::')
    assert.equal(parseIp6('10.1.2.3'), undefined)
    assert.equal(parseIp6('fd00::1::2'), undefined)
    assert.equal(parseIp6('fd00::g'), undefined)
    assert.equal(canonicalIp6('nope'), undefined)
  })
  it('parses CIDRs, clearing host bits, and rejects bad ones', () => {
    assert.equal(formatCidr6(parseCidr6('fd00:db8:1::77/64')), 'fd00:db8:1::/64')
    assert.equal(formatCidr6(parseCidr6('fd00:db8:1:2:3::/48')), 'fd00:db8:1::/48')
    assert.equal(formatCidr6(parseCidr6('::/0')), '::/0')
    assert.throws(() => parseCidr6('fd00::/129'), InvalidArgumentError)
    assert.throws(() => parseCidr6('fd00::'), InvalidArgumentError)
    assert.throws(() => parseCidr6('10.0.0.0/8'), InvalidArgumentError)
    assert.equal(size6(parseCidr6('fd00::/120')), 256n)
    assert.equal(size6(parseCidr6('fd00::/64')), 1n << 64n)
  })
  it('tests containment and overlap with 128-bit arithmetic', () => {
    const c = parseCidr6('fd00:db8:1::/64')
    assert.ok(contains6(c, parseIp6('fd00:db8:1::ffff:1')!))
    assert.ok(contains6(c, parseIp6('fd00:db8:1:0:ffff:ffff:ffff:ffff')!))
    assert.ok(!contains6(c, parseIp6('fd00:db8:1:1::1')!))
    assert.ok(overlaps6(parseCidr6('fd00::/8'), c))
    assert.ok(overlaps6(c, parseCidr6('fd00::/8')))
    assert.ok(!overlaps6(c, parseCidr6('fd00:db8:2::/64')))
    assert.ok(!overlaps6(parseCidr6('fd00::/64'), c))
    assert.ok(isCidr6('fd00::/64'))
    assert.ok(!isCidr6('10.0.0.0/8'))
  })
})
