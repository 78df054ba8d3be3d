import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, it } from 'node:test'
import type { EventType } from '../events/index.ts'
import { nullLogger } from '../lib/log.ts'
import { NullKernel } from './kernel.ts'
import { NetworkService } from './network-service.ts'
import { NetworkStore } from './store.ts'

const spec = (name: string, over = {}) => ({
  name,
  driver: 'bridge',
  internal: false,
  attachable: false,
  enableIPv6: false,
  subnets: [],
  ipamDriver: '',
  ipamOptions: {},
  options: {},
  labels: {},
  ...over,
})

describe('NetworkService (records over NullKernel)', () => {
  let dir: string
  let events: string[]
  const make = () =>
    new NetworkService({
      store: new NetworkStore(dir),
      kernel: new NullKernel(),
      publisher: {
        publish: (t: EventType, a: string, _id: string, attrs = {}) => events.push(`${t} ${a} ${attrs.name}`),
      },
      log: nullLogger,
      bridgeName: 'bx0',
      pools: [{ base: '10.200.0.0/16', size: 24 }],
    })
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'berth-net-'))
    events = []
  })
  afterEach(() => rm(dir, { recursive: true, force: true }))

  it('makes bridge, host and none once, and keeps them across restarts', async () => {
    const a = make()
    await a.init()
    const bridge = a.get('bridge')
    assert.equal(bridge.bridge, 'bx0')
    assert.equal(bridge.subnets[0]?.subnet.startsWith('10.200.'), true)
    const b = make()
    await b.init()
    assert.equal(b.get('bridge').id, bridge.id)
    assert.equal(b.all().length, 3)
  })

  it('creates networks from the pool, persists them, and publishes events', async () => {
    const s = make()
    await s.init()
    const { id } = await s.create(spec('one'))
    const other = await s.create(spec('two'))
    assert.notEqual(s.get(id).subnets[0]!.subnet, s.get(other.id).subnets[0]!.subnet)
    assert.equal(s.get(id.slice(0, 6)).name, 'one')
    const again = make()
    await again.init()
    assert.equal(again.get('one').id, id)
    await again.remove('one')
    assert.throws(() => again.get('one'), /network one not found/)
    assert.deepEqual(events, ['network create one', 'network create two', 'network destroy one'])
  })

  it('drops endpoints of containers that no longer run at init', async () => {
    const s = make()
    await s.init()
    const net = s.get('bridge')
    await s.endpoints.attach(net, { id: 'c1', name: 'c1' }, {}, { ifname: 'eth0', ports: [] })
    await s.endpoints.attach(net, { id: 'c2', name: 'c2' }, {}, { ifname: 'eth0', ports: [] })
    await new Promise((r) => setTimeout(r, 50))
    const t = make()
    await t.init({ active: (id) => id === 'c2' })
    assert.deepEqual(Object.keys(t.get('bridge').endpoints), ['c2'])
  })

  it('answers DNS names per network: name, alias, id, case-insensitive, trailing dot', async () => {
    const s = make()
    await s.init()
    const { id } = await s.create(spec('dns'))
    const net = s.get(id)
    const ep = await s.endpoints.attach(
      net,
      { id: 'abcdef0123456789', name: 'Web' },
      { aliases: ['www'] },
      { ifname: 'eth0', ports: [] },
    )
    const r = s.endpoints.records()
    assert.deepEqual(r.lookup(id, 'web.', 4), [ep.ipv4])
    assert.deepEqual(r.lookup(id, 'WWW', 4), [ep.ipv4])
    assert.deepEqual(r.lookup(id, 'abcdef012345', 4), [ep.ipv4])
    assert.deepEqual(r.lookup(id, 'web', 6), [])
    assert.equal(r.lookup(id, 'nope', 4), undefined)
    assert.equal(r.lookup(s.get('bridge').id, 'web', 4), undefined, 'the default bridge has no names')
    assert.equal(r.reverse(id, ep.ipv4), 'Web.dns')
  })
})
