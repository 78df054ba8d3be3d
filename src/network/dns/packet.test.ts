import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  buildReply,
  DnsFormatError,
  formatIPv6,
  ipv6Bytes,
  parseQuery,
  RCODE,
  readName,
  reverseNameToIp,
  TYPE,
  truncateReply,
} from './packet.ts'
import { decodeReply, makeQuery } from './testing.ts'

describe('dns packet', () => {
  it('parses a query with its question and EDNS payload size', () => {
    const q = parseQuery(makeQuery('Web.Example.', TYPE.AAAA, { id: 77, edns: 1232 }))
    assert.equal(q.id, 77)
    assert.deepEqual(q.question, { labels: ['Web', 'Example'], type: TYPE.AAAA, class: 1 })
    assert.equal(q.udpSize, 1232)
    assert.equal(q.recursionDesired, true)
    assert.equal(parseQuery(makeQuery('a', TYPE.A)).udpSize, 512)
  })

  it('follows compression pointers and stops pointer loops', () => {
    // "b" at 12, then a name at 15 = "a" + pointer to 12.
    const buf = Buffer.from([...Buffer.alloc(12), 1, 98, 0, 1, 97, 0xc0, 12])
    assert.deepEqual(readName(buf, 15).labels, ['a', 'b'])
    assert.equal(readName(buf, 15).next, 19)
    const loop = Buffer.from([...Buffer.alloc(12), 0xc0, 12])
    assert.throws(() => readName(loop, 12), DnsFormatError)
    const pingPong = Buffer.from([...Buffer.alloc(12), 1, 97, 0xc0, 16, 1, 98, 0xc0, 12])
    assert.throws(() => readName(pingPong, 12), /loop|255/)
    assert.throws(() => readName(Buffer.from([...Buffer.alloc(12), 0xc0]), 12), DnsFormatError)
    assert.throws(() => readName(Buffer.from([...Buffer.alloc(12), 5, 97]), 12), DnsFormatError)
    assert.throws(() => readName(Buffer.from([...Buffer.alloc(12), 0x40, 0]), 12), /reserved/)
  })

  it('rejects over-long names and queries without exactly one question', () => {
    const long = Buffer.concat([
      Buffer.alloc(12),
      ...Array.from({ length: 5 }, () => Buffer.from([63, ...Buffer.alloc(63, 97)])),
      Buffer.from([0]),
    ])
    assert.throws(() => readName(long, 12), /255/)
    const two = makeQuery('a', TYPE.A)
    two.writeUInt16BE(2, 4)
    assert.throws(() => parseQuery(two), /one question/)
    assert.throws(() => parseQuery(makeQuery('a', TYPE.A).subarray(0, 16)), DnsFormatError)
  })

  it('builds replies with answers pointing at the question', () => {
    const q = parseQuery(makeQuery('web', TYPE.A, { id: 9 }))
    const reply = decodeReply(buildReply(q, RCODE.NOERROR, [{ type: TYPE.A, ttl: 600, data: '10.0.0.2' }]))
    assert.deepEqual(reply, {
      id: 9,
      rcode: 0,
      aa: true,
      tc: false,
      questionName: 'web',
      answers: [{ type: TYPE.A, ttl: 600, data: '10.0.0.2' }],
    })
    const ptr = parseQuery(makeQuery('2.0.0.10.in-addr.arpa', TYPE.PTR))
    assert.deepEqual(
      decodeReply(buildReply(ptr, 0, [{ type: TYPE.PTR, ttl: 600, data: 'web.net1' }])).answers,
      [{ type: TYPE.PTR, ttl: 600, data: 'web.net1' }],
    )
  })

  it('truncates an oversized reply to header and question with TC', () => {
    const q = parseQuery(makeQuery('many', TYPE.A))
    const answers = Array.from({ length: 40 }, (_, i) => ({
      type: TYPE.A,
      ttl: 600,
      data: `10.0.0.${i + 1}`,
    }))
    const full = buildReply(q, 0, answers)
    assert.ok(full.length > 512)
    assert.equal(truncateReply(full, 4096), full)
    const cut = decodeReply(truncateReply(full, 512))
    assert.equal(cut.tc, true)
    assert.equal(cut.questionName, 'many')
    assert.deepEqual(cut.answers, [])
  })

  it('converts IPv6 text and reverse names', () => {
    assert.equal(formatIPv6(ipv6Bytes('2001:db8:0:0:0:0:0:1')), '2001:db8::1')
    assert.equal(formatIPv6(ipv6Bytes('::ffff:10.1.2.3')), '::ffff:a01:203')
    assert.equal(formatIPv6(ipv6Bytes('fe80::1:0:0:2')), 'fe80::1:0:0:2')
    assert.equal(formatIPv6(ipv6Bytes('::')), '::')
    assert.equal(formatIPv6(ipv6Bytes('1:0:0:2:0:0:0:3')), '1:0:0:2::3')
    assert.equal(reverseNameToIp('4.3.2.10.in-addr.arpa'.split('.')), '10.2.3.4')
    assert.equal(reverseNameToIp('3.2.10.in-addr.arpa'.split('.')), undefined)
    assert.equal(reverseNameToIp('400.3.2.10.in-addr.arpa'.split('.')), undefined)
    const nibbles = '2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.IP6.ARPA'
    assert.equal(reverseNameToIp(nibbles.split('.')), '2001:db8::2')
  })
})
