// The embedded DNS over real loopback sockets, with a fake upstream on 127.0.0.1: no query
// ever leaves the machine.
import assert from 'node:assert/strict'
import { createSocket } from 'node:dgram'
import { once } from 'node:events'
import { connect } from 'node:net'
import { after, before, describe, it } from 'node:test'
import { nullLogger } from '../../lib/log.ts'
import { EmbeddedDns } from './embedded-dns.ts'
import { RCODE, TYPE } from './packet.ts'
import { decodeReply, FakeUpstream, makeQuery, tcpAsk, udpAsk } from './testing.ts'
import type { DnsListener, DnsRecordSource } from './types.ts'

/** net1: web (two addresses via alias "svc"), db (IPv4 only); net2: other. */
const records: DnsRecordSource = {
  lookup(scope, name, family) {
    const n = name.toLowerCase().replace(/\.$/, '')
    const table: Record<string, Record<string, { 4: string[]; 6: string[] }>> = {
      net1: {
        web: { 4: ['10.0.0.2'], 6: ['fd00::2'] },
        svc: { 4: ['10.0.0.2', '10.0.0.3', '10.0.0.4'], 6: [] },
        db: { 4: ['10.0.0.5'], 6: [] },
        many: { 4: Array.from({ length: 60 }, (_, i) => `10.0.1.${i + 1}`), 6: [] },
      },
      net2: { other: { 4: ['10.1.0.2'], 6: [] } },
    }
    return table[scope]?.[n]?.[family]
  },
  reverse(scope, ip) {
    return scope === 'net1' && ip === '10.0.0.2'
      ? 'web.net1'
      : scope === 'net1' && ip === 'fd00::2'
        ? 'web.net1'
        : undefined
  },
}

describe('EmbeddedDns', () => {
  const upstream = new FakeUpstream()
  let upstreams: string[] = []
  const dns = new EmbeddedDns({
    records,
    upstreams: () => upstreams,
    searchDomains: () => ['corp.example'],
    log: nullLogger,
    timeoutMs: 300,
  })
  let l1: DnsListener
  let l2: DnsListener
  const ask = async (port: number, name: string, type: number, opts: { edns?: number } = {}) => {
    const reply = await udpAsk(port, makeQuery(name, type, { id: 4242, ...opts }))
    assert.ok(reply, `no reply for ${name}`)
    const d = decodeReply(reply)
    assert.equal(d.id, 4242)
    return d
  }

  before(async () => {
    await upstream.start()
    upstreams = [`127.0.0.1:${upstream.port}`]
    l1 = await dns.listen('net1', '127.0.0.1', 0)
    l2 = await dns.listen('net2', '127.0.0.1', 0)
  })
  after(async () => {
    await dns.close()
    await upstream.stop()
  })

  it('answers A and AAAA from the records with TTL 600, case-insensitively', async () => {
    const a = await ask(l1.port, 'WEB.', TYPE.A)
    assert.equal(a.rcode, RCODE.NOERROR)
    assert.equal(a.aa, true)
    assert.equal(a.questionName, 'WEB')
    assert.deepEqual(a.answers, [{ type: TYPE.A, ttl: 600, data: '10.0.0.2' }])
    const aaaa = await ask(l1.port, 'web', TYPE.AAAA)
    assert.deepEqual(aaaa.answers, [{ type: TYPE.AAAA, ttl: 600, data: 'fd00::2' }])
    assert.equal(upstream.seen.length, 0)
  })

  it('scopes names per network', async () => {
    assert.deepEqual(
      (await ask(l2.port, 'other', TYPE.A)).answers.map((a) => a.data),
      ['10.1.0.2'],
    )
    const before = upstream.seen.length
    const web = await ask(l2.port, 'web', TYPE.A)
    assert.deepEqual(
      web.answers.map((a) => a.data),
      ['203.0.113.7'],
      'web is unknown on net2: forwarded',
    )
    assert.equal(upstream.seen.length, before + 1)
  })

  it('answers a known name without a record of that family with NOERROR and no answers', async () => {
    const before = upstream.seen.length
    const r = await ask(l1.port, 'db', TYPE.AAAA)
    assert.equal(r.rcode, RCODE.NOERROR)
    assert.deepEqual(r.answers, [])
    assert.equal(upstream.seen.length, before)
  })

  it('rotates several addresses of one alias per query', async () => {
    const firsts = new Set<string>()
    for (let i = 0; i < 3; i++) {
      const r = await ask(l1.port, 'svc', TYPE.A)
      assert.deepEqual(r.answers.map((a) => a.data).sort(), ['10.0.0.2', '10.0.0.3', '10.0.0.4'])
      firsts.add(r.answers[0]!.data)
    }
    assert.equal(firsts.size, 3)
  })

  it('strips a search suffix', async () => {
    assert.deepEqual(
      (await ask(l1.port, 'db.corp.example', TYPE.A)).answers.map((a) => a.data),
      ['10.0.0.5'],
    )
  })

  it('answers PTR for container addresses and forwards other reverse names', async () => {
    const r = await ask(l1.port, '2.0.0.10.in-addr.arpa', TYPE.PTR)
    assert.deepEqual(r.answers, [{ type: TYPE.PTR, ttl: 600, data: 'web.net1' }])
    const six = `2.${'0.'.repeat(29)}d.f.ip6.arpa`
    assert.deepEqual(
      (await ask(l1.port, six, TYPE.PTR)).answers.map((a) => a.data),
      ['web.net1'],
    )
    const before = upstream.seen.length
    await ask(l1.port, '9.0.0.10.in-addr.arpa', TYPE.PTR)
    assert.equal(upstream.seen.length, before + 1)
  })

  it('forwards unknown names and other types to the upstream over UDP', async () => {
    const before = upstream.seen.length
    const r = await ask(l1.port, 'example.org', TYPE.A)
    assert.equal(r.rcode, RCODE.NOERROR)
    assert.deepEqual(r.answers, [{ type: TYPE.A, ttl: 30, data: '203.0.113.7' }])
    await ask(l1.port, 'web', 15 /* MX */)
    assert.deepEqual(upstream.seen.slice(before), [
      { transport: 'udp', name: 'example.org', type: TYPE.A },
      { transport: 'udp', name: 'web', type: 15 },
    ])
  })

  it('retries over TCP when the upstream truncates', async () => {
    upstream.mode = 'truncate'
    try {
      const before = upstream.seen.length
      const r = await ask(l1.port, 'big.example.org', TYPE.A)
      assert.equal(r.tc, false)
      assert.deepEqual(
        r.answers.map((a) => a.data),
        ['203.0.113.7'],
      )
      assert.deepEqual(
        upstream.seen.slice(before).map((s) => s.transport),
        ['udp', 'tcp'],
      )
    } finally {
      upstream.mode = 'answer'
    }
  })

  it('serves TCP clients, several queries on one connection, and forwards them over TCP', async () => {
    const before = upstream.seen.length
    const replies = await tcpAsk(l1.port, [
      makeQuery('web', TYPE.A, { id: 1 }),
      makeQuery('example.net', TYPE.A, { id: 2 }),
    ])
    const byId = new Map(replies.map((r) => [decodeReply(r).id, decodeReply(r)]))
    assert.deepEqual(
      byId.get(1)?.answers.map((a) => a.data),
      ['10.0.0.2'],
    )
    assert.deepEqual(
      byId.get(2)?.answers.map((a) => a.data),
      ['203.0.113.7'],
    )
    assert.deepEqual(upstream.seen.slice(before), [{ transport: 'tcp', name: 'example.net', type: TYPE.A }])
  })

  it('reassembles TCP messages split across segments', async () => {
    const sock = connect({ host: '127.0.0.1', port: l1.port, noDelay: true })
    await once(sock, 'connect')
    const q = makeQuery('web', TYPE.A, { id: 77 })
    const framed = Buffer.concat([Buffer.from([0, q.length]), q])
    for (const b of framed) {
      sock.write(Buffer.from([b]))
      await new Promise((r) => setImmediate(r))
    }
    const [chunk] = (await once(sock, 'data')) as [Buffer]
    sock.destroy()
    const reply = decodeReply(chunk.subarray(2))
    assert.equal(reply.id, 77)
    assert.deepEqual(
      reply.answers.map((a) => a.data),
      ['10.0.0.2'],
    )
  })

  it('truncates a large local answer over UDP, and gives it whole over TCP or with EDNS', async () => {
    const udp = await ask(l1.port, 'many', TYPE.A)
    assert.equal(udp.tc, true)
    assert.deepEqual(udp.answers, [])
    const [tcp] = await tcpAsk(l1.port, [makeQuery('many', TYPE.A)])
    assert.equal(decodeReply(tcp!).answers.length, 60)
    assert.equal((await ask(l1.port, 'many', TYPE.A, { edns: 4096 })).answers.length, 60)
  })

  it('answers SERVFAIL when the upstream times out', async () => {
    upstream.mode = 'silent'
    try {
      const started = Date.now()
      const r = await ask(l1.port, 'slow.example.org', TYPE.A)
      assert.equal(r.rcode, RCODE.SERVFAIL)
      assert.ok(Date.now() - started >= 250)
    } finally {
      upstream.mode = 'answer'
    }
  })

  it('tries the next upstream when one does not answer', async () => {
    const dead = createSocket('udp4')
    dead.bind(0, '127.0.0.1')
    await new Promise((r) => dead.once('listening', r))
    const saved = upstreams
    upstreams = [`127.0.0.1:${dead.address().port}`, `127.0.0.1:${upstream.port}`]
    try {
      assert.deepEqual(
        (await ask(l1.port, 'next.example.org', TYPE.A)).answers.map((a) => a.data),
        ['203.0.113.7'],
      )
    } finally {
      upstreams = saved
      dead.close()
    }
  })

  it('answers SERVFAIL for unknown names without upstreams', async () => {
    const saved = upstreams
    upstreams = []
    try {
      assert.equal((await ask(l1.port, 'example.org', TYPE.A)).rcode, RCODE.SERVFAIL)
      assert.equal((await ask(l1.port, 'web', TYPE.A)).rcode, RCODE.NOERROR)
    } finally {
      upstreams = saved
    }
  })

  it('ignores runts and responses, answers FORMERR to bad questions, and keeps serving', async () => {
    assert.equal(await udpAsk(l1.port, Buffer.from([1, 2, 3]), 200), undefined)
    const response = makeQuery('web', TYPE.A)
    response.writeUInt16BE(0x8100, 2)
    assert.equal(await udpAsk(l1.port, response, 200), undefined)
    const loop = Buffer.from([0x12, 0x34, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xc0, 12, 0, 1, 0, 1])
    const bad = await udpAsk(l1.port, loop)
    assert.ok(bad)
    assert.equal(decodeReply(bad).rcode, RCODE.FORMERR)
    assert.equal(decodeReply(bad).id, 0x1234)
    const garbage = Buffer.from([0, 7, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 63, 1, 2])
    assert.equal(decodeReply((await udpAsk(l1.port, garbage))!).rcode, RCODE.FORMERR)
    assert.equal((await ask(l1.port, 'web', TYPE.A)).answers.length, 1)
  })

  it('fails to listen on a taken port and releases it on close', async () => {
    await assert.rejects(dns.listen('net3', '127.0.0.1', l1.port), /EADDRINUSE/)
    const l3 = await dns.listen('net3', '127.0.0.1', 0)
    const port = l3.port
    await l3.close()
    await l3.close()
    const again = await dns.listen('net3', '127.0.0.1', port)
    await again.close()
  })
})
