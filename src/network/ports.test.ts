import assert from 'node:assert/strict'
import { createServer } from 'node:net'
import { describe, it } from 'node:test'
import { allocatePorts, PortAllocatedError, portRequests } from './ports.ts'

describe('published ports', () => {
  it('turns PortBindings and, with -P, ExposedPorts into requests', () => {
    const reqs = portRequests(
      { '80/tcp': [{ HostIp: '127.0.0.1', HostPort: '8080' }], '53/udp': [{ HostPort: '5300-5310' }] },
      { '80/tcp': {}, '443/tcp': {} },
      { publishAll: true, defaultHostIp: '' },
    )
    assert.deepEqual(reqs, [
      { proto: 'tcp', containerPort: 80, hostIp: '127.0.0.1', hostPorts: [8080, 8080] },
      { proto: 'udp', containerPort: 53, hostIp: '', hostPorts: [5300, 5310] },
      { proto: 'tcp', containerPort: 443, hostIp: '', hostPorts: [0, 0] },
    ])
  })
  it("reports a port another process holds with Docker's message", async () => {
    const srv = createServer()
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()))
    const port = (srv.address() as { port: number }).port
    try {
      await assert.rejects(
        allocatePorts(
          [{ proto: 'tcp', containerPort: 80, hostIp: '127.0.0.1', hostPorts: [port, port] }],
          new Set(),
        ),
        (e: unknown) =>
          e instanceof PortAllocatedError &&
          e.message === `Bind for 127.0.0.1:${port} failed: port is already allocated`,
      )
    } finally {
      srv.close()
    }
  })
  it("skips berth's own bindings, and a wildcard one blocks specific addresses", async () => {
    const got = await allocatePorts(
      [{ proto: 'tcp', containerPort: 80, hostIp: '127.0.0.1', hostPorts: [40111, 40112] }],
      new Set(['tcp/0.0.0.0/40111']),
    )
    assert.equal(got[0]!.hostPort, 40112)
  })
  it('gives ephemeral ports for -P', async () => {
    const [p] = await allocatePorts(
      [{ proto: 'udp', containerPort: 53, hostIp: '', hostPorts: [0, 0] }],
      new Set(),
    )
    assert.ok(p!.hostPort > 1024)
    assert.equal(p!.hostIp, '0.0.0.0')
  })
})
