// berth port against a fake engine; expected texts come from docker 28.2 on the same data.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { FakeRequest } from '../../../client/fake-engine.ts'
import { runCliAgainst } from '../../testing.ts'

const PORTS = {
  '80/tcp': [
    { HostIp: '0.0.0.0', HostPort: '8080' },
    { HostIp: '::', HostPort: '8080' },
  ],
  '53/udp': [{ HostIp: '127.0.0.1', HostPort: '5353' }],
  '443/tcp': null,
  '9/tcp': [{ HostIp: '0.0.0.0', HostPort: '32768' }],
}

function port(args: string[]) {
  return runCliAgainst(args, {
    'GET /containers/:id/json': (req: FakeRequest) =>
      req.path === '/containers/web/json'
        ? { json: { Id: 'e'.repeat(64), Name: '/web', NetworkSettings: { Ports: PORTS } } }
        : { status: 404, json: { message: `No such container: ${req.path.split('/')[2]}` } },
  })
}

describe('berth port', () => {
  it('lists every binding, naturally sorted, IPv6 hosts bracketed', async () => {
    const r = await port(['port', 'web'])
    assert.equal(r.code, 0)
    assert.equal(
      r.stdout,
      '9/tcp -> 0.0.0.0:32768\n53/udp -> 127.0.0.1:5353\n80/tcp -> 0.0.0.0:8080\n80/tcp -> [::]:8080\n',
    )
  })

  it('prints one mapping (tcp by default) or docker error', async () => {
    assert.equal((await port(['container', 'port', 'web', '80'])).stdout, '0.0.0.0:8080\n[::]:8080\n')
    assert.equal((await port(['port', 'web', '53/udp'])).stdout, '127.0.0.1:5353\n')
    const none = await port(['port', 'web', '443'])
    assert.deepEqual([none.code, none.stderr], [1, "Error: No public port '443' published for web\n"])
    const bad = await port(['port', 'web', 'abc'])
    assert.equal(bad.stderr, 'Error: invalid port (abc): strconv.ParseUint: parsing "abc": invalid syntax\n')
    const big = await port(['port', 'web', '99999'])
    assert.equal(
      big.stderr,
      'Error: invalid port (99999): strconv.ParseUint: parsing "99999": value out of range\n',
    )
    const missing = await port(['port', 'nope'])
    assert.deepEqual(
      [missing.code, missing.stderr],
      [1, 'Error response from daemon: No such container: nope\n'],
    )
  })
})
