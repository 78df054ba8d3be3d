// run/create networking flags → NetworkMode and EndpointsConfig, as docker 28.2 sends them
// (checked against the real docker CLI on a fake engine).
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { isMacAddress, type LegacyNetworkFlags, networkingOf, parseNetworkFlag } from './create-network.ts'

const none: LegacyNetworkFlags = { aliases: [], links: [], linkLocalIPs: [] }

describe('run/create --network', () => {
  it('parses the short and the advanced syntax (docker lower-cases advanced fields)', () => {
    assert.deepEqual(parseNetworkFlag('MyNet'), { target: 'MyNet' })
    assert.deepEqual(
      parseNetworkFlag('NAME=N1,Alias=X,alias=y,ip=10.0.0.3,driver-opt=A=B,mac-address=92:D0:C6:0A:29:34'),
      {
        target: 'n1',
        aliases: ['x', 'y'],
        ipv4Address: '10.0.0.3',
        driverOpts: { a: 'b' },
        macAddress: '92:d0:c6:0a:29:34',
      },
    )
    assert.throws(() => parseNetworkFlag('foo=bar'), /invalid field key foo/)
    assert.throws(() => parseNetworkFlag('alias=x'), /network name not specified/)
    assert.throws(
      () => parseNetworkFlag('name=n1,driver-opt=x'),
      /invalid key value pair format in driver options/,
    )
  })

  it('sends the default endpoint without --network, and none for one plain network', () => {
    const def = networkingOf([], { ...none, macAddress: '92:d0:c6:0a:29:33' })
    assert.equal(def.networkMode, 'default')
    assert.equal(def.endpoints.default?.MacAddress, '92:d0:c6:0a:29:33')
    assert.deepEqual(networkingOf([{ target: 'n1' }], none), { networkMode: 'n1', endpoints: {} })
    assert.deepEqual(networkingOf([{ target: 'bridge' }], { ...none, links: ['db:d'] }).endpoints, {})
  })

  it('puts the legacy flags on the first of several networks', () => {
    const r = networkingOf([{ target: 'n1' }, { target: 'n2' }], {
      aliases: ['z'],
      links: ['db:d'],
      ipv4Address: '10.0.0.2',
      linkLocalIPs: ['169.254.0.5'],
    })
    assert.equal(r.networkMode, 'n1')
    assert.deepEqual(Object.keys(r.endpoints), ['n1', 'n2'])
    assert.deepEqual(r.endpoints.n1?.IPAMConfig, { IPv4Address: '10.0.0.2', LinkLocalIPs: ['169.254.0.5'] })
    assert.deepEqual(r.endpoints.n1?.Aliases, ['z'])
    assert.deepEqual(r.endpoints.n1?.Links, ['db:d'])
    assert.equal(r.endpoints.n2?.Aliases, null)
  })

  it('rejects what docker rejects', () => {
    const cases: [Parameters<typeof networkingOf>, RegExp][] = [
      [
        [[{ target: 'host' }, { target: 'n1' }], none],
        /cannot attach both user-defined and non-user-defined/,
      ],
      [[[{ target: 'n1' }, { target: 'n1' }], none], /network "n1" is specified multiple times/],
      [
        [[{ target: 'bridge' }], { ...none, aliases: ['x'] }],
        /network-scoped aliases are only supported for user-defined networks/,
      ],
      [
        [[{ target: 'n1', aliases: ['x'] }], { ...none, aliases: ['y'] }],
        /cannot specify both --network-alias and per-network alias/,
      ],
      [
        [[{ target: 'n1', ipv4Address: '10.0.0.1' }], { ...none, ipv4Address: '10.0.0.2' }],
        /both --ip and per-network IPv4/,
      ],
      [[[], { ...none, macAddress: 'bad' }], /bad is not a valid mac address/],
    ]
    for (const [args, message] of cases) assert.throws(() => networkingOf(...args), message)
  })

  it("validates MAC addresses like Go's net.ParseMAC", () => {
    for (const ok of [
      '92:d0:c6:0a:29:33',
      '92-D0-C6-0A-29-33',
      '92d0.c60a.2933',
      '00:00:00:00:fe:80:00:00',
    ]) {
      assert.equal(isMacAddress(ok), true, ok)
    }
    for (const bad of ['bad', '92:d0:c6:0a:29', '92:d0:c6:0a:29:3g', '92d0c60a2933'])
      assert.equal(isMacAddress(bad), false, bad)
  })
})
