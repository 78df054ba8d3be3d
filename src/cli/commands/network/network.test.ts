// berth network … against a fake engine: the requests sent and the output printed. The expected
// texts were produced by docker 28.2 against the same fake engine and data.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { Network } from '../../../api/types/index.ts'
import type { FakeRequest, FakeRoutes } from '../../../client/fake-engine.ts'
import { runCliAgainst } from '../../testing.ts'
import { goTimeOfRfc3339, naturalLess } from './network-format.ts'

const base = {
  Scope: 'local',
  EnableIPv4: true,
  EnableIPv6: false,
  Internal: false,
  Attachable: false,
  Ingress: false,
  ConfigFrom: { Network: '' },
  ConfigOnly: false,
  Containers: {},
  Options: {},
  Labels: {},
}
const NETS: Network[] = [
  {
    ...base,
    Name: 'net10',
    Id: 'b'.repeat(64),
    Created: '2024-05-01T10:00:00.123456700Z',
    Driver: 'bridge',
    IPAM: { Driver: 'default', Config: [{ Subnet: '172.19.0.0/16' }] },
    Internal: true,
    Labels: { b: '2', a: '1' },
  },
  {
    ...base,
    Name: 'bridge',
    Id: 'a'.repeat(64),
    Created: '2024-05-01T09:00:00Z',
    Driver: 'bridge',
    IPAM: { Driver: 'default', Config: [{ Subnet: '172.17.0.0/16' }] },
  },
  {
    ...base,
    Name: 'net9',
    Id: 'c'.repeat(64),
    Created: '2024-05-01T11:00:00.5+02:00',
    Driver: 'null',
    EnableIPv6: true,
    IPAM: { Driver: 'default', Config: null },
  },
]

const routes: FakeRoutes = {
  'GET /_ping': { text: 'OK', headers: { 'Api-Version': '1.47' } },
  'GET /networks': { json: NETS },
  'GET /networks/:id': (req: FakeRequest) => {
    const id = req.path.split('/')[2] ?? ''
    const n = NETS.find((x) => x.Name === id || x.Id.startsWith(id))
    return n ? { json: n } : { status: 404, json: { message: `network ${id} not found` } }
  },
  'POST /networks/create': { status: 201, json: { Id: 'd'.repeat(64), Warning: '' } },
  'DELETE /networks/:id': (req: FakeRequest) => {
    const id = req.path.split('/')[2] ?? ''
    if (id === 'busy')
      return {
        status: 403,
        json: { message: 'error while removing network: network busy has active endpoints' },
      }
    return NETS.some((x) => x.Name === id)
      ? { status: 204 }
      : { status: 404, json: { message: `network ${id} not found` } }
  },
  'POST /networks/prune': { json: { NetworksDeleted: ['net10', 'net9'] } },
  'POST /networks/:id/connect': { status: 200 },
  'POST /networks/:id/disconnect': { status: 200 },
}

async function runCli(argv: string[], opts: { stdin?: string } = {}) {
  const r = await runCliAgainst(argv, routes, opts)
  return { ...r, calls: r.requests.filter((x) => x.path !== '/_ping') }
}

describe('berth network ls', () => {
  it('prints docker table sorted naturally by name', async () => {
    const r = await runCli(['network', 'ls'])
    assert.equal(r.code, 0)
    assert.equal(
      r.stdout,
      'NETWORK ID     NAME      DRIVER    SCOPE\n' +
        'aaaaaaaaaaaa   bridge    bridge    local\n' +
        'cccccccccccc   net9      null      local\n' +
        'bbbbbbbbbbbb   net10     bridge    local\n',
    )
  })

  it('supports -q, --no-trunc, --filter and templates', async () => {
    assert.equal((await runCli(['network', 'ls', '-q'])).stdout, 'aaaaaaaaaaaa\ncccccccccccc\nbbbbbbbbbbbb\n')
    const r = await runCli([
      'network',
      'list',
      '--no-trunc',
      '--filter',
      'driver=bridge',
      '--format',
      'table {{.Name}}\t{{.ID}}\t{{.CreatedAt}}',
    ])
    assert.equal(
      r.stdout,
      `NAME      NETWORK ID${' '.repeat(57)}CREATED AT\n` +
        `bridge    ${'a'.repeat(64)}   2024-05-01 09:00:00 +0000 UTC\n` +
        `net9      ${'c'.repeat(64)}   2024-05-01 11:00:00.5 +0200 +0200\n` +
        `net10     ${'b'.repeat(64)}   2024-05-01 10:00:00.1234567 +0000 UTC\n`,
    )
    assert.equal(r.calls[0]?.query.get('filters'), '{"driver":{"bridge":true}}')
    const json = await runCli(['network', 'ls', '--format', 'json'])
    assert.equal(
      json.stdout.split('\n')[2],
      '{"CreatedAt":"2024-05-01 10:00:00.1234567 +0000 UTC","Driver":"bridge","ID":"bbbbbbbbbbbb","IPv4":"true","IPv6":"false","Internal":"true","Labels":"a=1,b=2","Name":"net10","Scope":"local"}',
    )
    const label = await runCli(['network', 'ls', '--format', 'table {{.Name}}\t{{.Label "a"}}\t{{.IPv6}}'])
    assert.match(label.stdout, /^NAME\s+a\s+IPV6\n/)
    const bad = await runCli(['network', 'ls', '--format', '{{.Nope}}'])
    assert.equal(bad.code, 1)
    assert.match(
      bad.stderr,
      /^template parsing error: .*can't evaluate field Nope in type \*network.networkContext/,
    )
  })
})

describe('berth network create', () => {
  it('sends docker body with IPAM consolidated per subnet and prints the id', async () => {
    const r = await runCli([
      'network',
      'create',
      '-d',
      'bridge',
      '--subnet',
      '172.28.0.0/16,fd00::/64',
      '--ip-range',
      '172.28.5.0/24',
      '--gateway',
      '172.28.5.254',
      '--aux-address',
      'r=172.28.1.5',
      '--aux-address',
      's=fd00::5',
      '-o',
      'com.docker.network.bridge.name=br9',
      '--label',
      'a=b',
      '--label',
      'c',
      '--internal',
      '--ipv6',
      '--ipam-opt',
      'x=y',
      'n2',
    ])
    assert.equal(r.code, 0)
    assert.equal(r.stdout, `${'d'.repeat(64)}\n`)
    assert.deepEqual(JSON.parse(r.calls[0]!.body.toString()), {
      Name: 'n2',
      Driver: 'bridge',
      Scope: '',
      EnableIPv6: true,
      IPAM: {
        Driver: 'default',
        Config: [
          {
            Subnet: '172.28.0.0/16',
            IPRange: '172.28.5.0/24',
            Gateway: '172.28.5.254',
            AuxiliaryAddresses: { r: '172.28.1.5' },
          },
          { Subnet: 'fd00::/64', AuxiliaryAddresses: { s: 'fd00::5' } },
        ],
        Options: { x: 'y' },
      },
      Internal: true,
      Attachable: false,
      Ingress: false,
      ConfigOnly: false,
      Options: { 'com.docker.network.bridge.name': 'br9' },
      Labels: { a: 'b', c: '' },
    })
    const plain = JSON.parse((await runCli(['network', 'create', 'n1'])).calls[0]!.body.toString())
    assert.equal('EnableIPv6' in plain, false)
    assert.deepEqual(plain.IPAM, { Driver: 'default', Config: null, Options: {} })
  })

  it('rejects inconsistent IPAM flags with docker messages before calling the daemon', async () => {
    const cases: [string[], string][] = [
      [['--gateway', '10.0.0.1'], 'every ip-range or gateway must have a corresponding subnet'],
      [
        ['--subnet', '10.0.0.0/8', '--subnet', '10.1.0.0/16'],
        'multiple overlapping subnet configuration is not supported',
      ],
      [['--subnet', '10.0.0.0/8', '--gateway', '11.0.0.1'], 'no matching subnet for gateway 11.0.0.1'],
      [['--subnet', '10.0.0.0/8', '--gateway', 'bad'], 'no matching subnet for gateway bad'],
      [['--subnet', '10.0.0.0/8', '--ip-range', 'bad'], 'invalid CIDR address: bad'],
      [['--subnet', '10.0.0.0/8', '--ip-range', '11.0.0.0/16'], 'no matching subnet for range 11.0.0.0/16'],
      [
        ['--subnet', '10.0.0.0/8,192.168.0.0/16', '--ip-range', '10.1.0.0/16', '--ip-range', '10.2.0.0/16'],
        'cannot configure multiple ranges (10.2.0.0/16, 10.1.0.0/16) on the same subnet (10.0.0.0/8)',
      ],
      [
        ['--subnet', '10.0.0.0/8', '--aux-address', 'x=11.1.1.1'],
        'no matching subnet for aux-address 11.1.1.1',
      ],
      // A lone bad --subnet reaches the daemon (docker validates only when comparing subnets).
      [['--subnet', 'bad', '--subnet', '10.0.0.0/8'], 'invalid subnet: invalid CIDR address: bad'],
    ]
    for (const [args, message] of cases) {
      const r = await runCli(['network', 'create', ...args, 'n4'])
      assert.equal(r.code, 1, args.join(' '))
      assert.equal(r.stderr, `${message}\n`)
      assert.deepEqual(r.calls, [])
    }
  })
})

describe('berth network rm, prune, connect, disconnect, inspect', () => {
  it('rm prints removed names, reports failures as they come and exits 1', async () => {
    const r = await runCli(['network', 'rm', 'net9', 'nope', 'busy'])
    assert.equal(r.code, 1)
    assert.equal(r.stdout, 'net9\n')
    assert.equal(
      r.stderr,
      'Error response from daemon: network nope not found\n' +
        'Error response from daemon: error while removing network: network busy has active endpoints\n' +
        'exit status 1\n',
    )
    const forced = await runCli(['network', 'remove', '-f', 'nope'])
    assert.deepEqual([forced.code, forced.stdout, forced.stderr], [0, '', ''])
  })

  it('prune lists deleted networks, and asks first', async () => {
    const r = await runCli(['network', 'prune', '-f', '--filter', 'until=1h'])
    assert.equal(r.stdout, 'Deleted Networks:\nnet10\nnet9\n\n')
    assert.equal(r.calls[0]?.query.get('filters'), '{"until":{"1h":true}}')
    const declined = await runCli(['network', 'prune'], { stdin: 'n\n' })
    assert.equal(
      declined.stdout,
      'WARNING! This will remove all custom networks not used by at least one container.\nAre you sure you want to continue? [y/N] ',
    )
    assert.deepEqual(declined.calls, [])
  })

  it('connect sends the endpoint settings docker sends', async () => {
    const r = await runCli([
      'network',
      'connect',
      '--ip',
      '10.0.0.9',
      '--ip6',
      'fd00::9',
      '--alias',
      'a,b',
      '--alias',
      'c',
      '--link',
      'db:d',
      '--link-local-ip',
      '169.254.1.1',
      '--driver-opt',
      ' k = v ',
      'n1',
      'web',
    ])
    assert.equal(r.code, 0)
    assert.equal(r.calls[0]?.path, '/networks/n1/connect')
    assert.deepEqual(JSON.parse(r.calls[0]!.body.toString()), {
      Container: 'web',
      EndpointConfig: {
        IPAMConfig: { IPv4Address: '10.0.0.9', IPv6Address: 'fd00::9', LinkLocalIPs: ['169.254.1.1'] },
        Links: ['db:d'],
        Aliases: ['a', 'b', 'c'],
        DriverOpts: { k: 'v' },
      },
    })
    const bad = await runCli(['network', 'connect', '--driver-opt', 'k', 'n1', 'web'])
    assert.deepEqual([bad.code, bad.stderr], [1, 'invalid key/value pair format in driver options\n'])
    const badLink = await runCli(['network', 'connect', '--link', 'a:b:c', 'n1', 'web'])
    assert.match(badLink.stderr, /invalid argument "a:b:c" for "--link" flag: bad format for links: a:b:c/)
  })

  it('disconnect sends Force', async () => {
    const r = await runCli(['network', 'disconnect', '-f', 'n1', 'web'])
    assert.equal(r.code, 0)
    assert.deepEqual(JSON.parse(r.calls[0]!.body.toString()), { Container: 'web', Force: true })
    const missing = await runCli(['network', 'disconnect', 'n1'])
    assert.equal(missing.code, 1)
    assert.match(missing.stderr, /requires 2 arguments/)
  })

  it('inspect prints found networks and fails for missing ones', async () => {
    const r = await runCli(['network', 'inspect', '-f', '{{.Name}} {{.IPAM.Driver}}', 'bridge', 'nope'])
    assert.equal(r.code, 1)
    assert.equal(r.stdout, 'bridge default\n')
    assert.equal(r.stderr, 'Error response from daemon: network nope not found\n')
    const v = await runCli(['network', 'inspect', '-v', 'net9'])
    assert.equal(v.calls[0]?.query.get('verbose'), 'true')
    assert.equal(JSON.parse(v.stdout)[0].Name, 'net9')
  })
})

describe('network formatting helpers', () => {
  it('sorts like sortorder.NaturalLess', () => {
    const names = ['net10', 'net9', 'a', 'net09', 'net-x', 'net1b', 'B']
    assert.deepEqual(
      names.sort((a, b) => (naturalLess(a, b) ? -1 : naturalLess(b, a) ? 1 : 0)),
      ['B', 'a', 'net1b', 'net9', 'net09', 'net10', 'net-x'],
    )
  })

  it("prints Created as Go's time.Time String()", () => {
    assert.equal(goTimeOfRfc3339('2024-05-01T10:00:00.100Z'), '2024-05-01 10:00:00.1 +0000 UTC')
    assert.equal(goTimeOfRfc3339('2024-05-01T10:00:00-07:00'), '2024-05-01 10:00:00 -0700 -0700')
  })
})
