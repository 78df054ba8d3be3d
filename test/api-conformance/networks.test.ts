// Engine API conformance, network routes: list (with filters), inspect, create, remove, prune,
// connect and disconnect, and their error replies, through the real NetworkService over a
// NullKernel (records only, no bridge) and FakeRuntime containers. Bodies are checked against
// the v1.47 spec.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { assertConforms, assertError } from '../support/conformance.ts'
import { servicesSkipReason, startServices, type TestServices } from '../support/services.ts'

const skip = servicesSkipReason() ?? false

describe('API conformance: networks', { skip }, () => {
  let s: TestServices
  before(async () => {
    s = await startServices()
  })
  after(async () => {
    await s?.close()
  })

  const call = (method: 'GET' | 'POST' | 'DELETE', url: string, body?: unknown) =>
    s.app.inject({ method, url: `/v1.47${url}`, body })

  it('lists the predefined networks', async () => {
    const list = assertConforms('NetworkList', await call('GET', '/networks')) as Array<{
      Name: string
      Driver: string
    }>
    assert.deepEqual(list.map((n) => `${n.Name}/${n.Driver}`).sort(), [
      'bridge/bridge',
      'host/host',
      'none/null',
    ])
    const builtin = assertConforms(
      'NetworkList',
      await call('GET', '/networks?filters={"type":["custom"]}'),
    ) as unknown[]
    assert.equal(builtin.length, 0)
  })

  it('creates, inspects and filters a network', async () => {
    const created = assertConforms(
      'NetworkCreate',
      await call('POST', '/networks/create', {
        Name: 'api-net',
        Labels: { team: 'a' },
        IPAM: { Config: [{ Subnet: '10.123.0.0/24', Gateway: '10.123.0.254' }] },
        Options: { 'com.docker.network.bridge.enable_icc': 'false' },
      }),
      201,
    ) as { Id: string; Warning: string }
    assert.match(created.Id, /^[0-9a-f]{64}$/)
    const net = assertConforms('NetworkInspect', await call('GET', '/networks/api-net')) as {
      Id: string
      IPAM: { Config: Array<{ Subnet: string; Gateway: string }> }
      Options: Record<string, string>
    }
    assert.equal(net.Id, created.Id)
    assert.deepEqual(net.IPAM.Config, [{ Subnet: '10.123.0.0/24', Gateway: '10.123.0.254' }])
    assertConforms('NetworkInspect', await call('GET', `/networks/${created.Id.slice(0, 10)}`))
    const byLabel = assertConforms(
      'NetworkList',
      await call('GET', '/networks?filters={"label":["team=a"]}'),
    ) as unknown[]
    assert.equal(byLabel.length, 1)
    assertError(
      await call('POST', '/networks/create', { Name: 'api-net' }),
      409,
      'network with name api-net already exists',
    )
    assertError(
      await call('POST', '/networks/create', {
        Name: 'overlap',
        IPAM: { Config: [{ Subnet: '10.123.0.0/16' }] },
      }),
      403,
      /Pool overlaps/,
    )
    assertError(
      await call('POST', '/networks/create', { Name: 'x', Driver: 'weird' }),
      404,
      'plugin "weird" not found',
    )
  })

  it('connects and disconnects a container, shows it in inspect, refuses removal meanwhile', async () => {
    const c = await call('POST', '/containers/create?name=netc', { Image: 'busybox', Cmd: ['sleep', '100'] })
    assert.equal(c.status, 201, c.text())
    const id = (c.json() as { Id: string }).Id
    const conn = await call('POST', '/networks/api-net/connect', {
      Container: 'netc',
      EndpointConfig: { IPAMConfig: { IPv4Address: '10.123.0.7' }, Aliases: ['db'] },
    })
    assert.equal(conn.status, 200, conn.text())
    assert.equal((await call('POST', '/containers/netc/start')).status, 204)
    const net = assertConforms('NetworkInspect', await call('GET', '/networks/api-net')) as {
      Containers: Record<string, { Name: string; IPv4Address: string }>
    }
    assert.deepEqual(
      net.Containers[id] && { n: net.Containers[id].Name, ip: net.Containers[id].IPv4Address },
      {
        n: 'netc',
        ip: '10.123.0.7/24',
      },
    )
    const ins = assertConforms('ContainerInspect', await call('GET', '/containers/netc/json')) as {
      NetworkSettings: {
        IPAddress: string
        Networks: Record<string, { IPAddress: string; Aliases: string[]; Gateway: string }>
      }
    }
    assert.equal(ins.NetworkSettings.Networks['api-net']!.IPAddress, '10.123.0.7')
    assert.equal(ins.NetworkSettings.Networks['api-net']!.Gateway, '10.123.0.254')
    assert.deepEqual(ins.NetworkSettings.Networks['api-net']!.Aliases, ['db'])
    assert.match(ins.NetworkSettings.IPAddress, /^\d+\.\d+\.\d+\.\d+$/)
    assertError(await call('DELETE', '/networks/api-net'), 403, /has active endpoints/)
    assertError(
      await call('DELETE', '/networks/bridge'),
      403,
      'bridge is a pre-defined network and cannot be removed',
    )
    assertError(
      await call('POST', '/networks/api-net/connect', { Container: 'netc' }),
      403,
      /already exists in network api-net/,
    )
    assertError(
      await call('POST', '/networks/api-net/connect', { Container: 'nope' }),
      404,
      /No such container: nope/,
    )
    assertError(
      await call('POST', '/networks/missing/connect', { Container: 'netc' }),
      404,
      'network missing not found',
    )
    const disc = await call('POST', '/networks/api-net/disconnect', { Container: 'netc' })
    assert.equal(disc.status, 204, disc.text())
    const after = assertConforms('NetworkInspect', await call('GET', '/networks/api-net')) as {
      Containers: object
    }
    assert.deepEqual(after.Containers, {})
    assert.equal((await call('DELETE', '/containers/netc?force=1')).status, 204)
  })

  it('fails the start, not the create, of a container on a missing network (as dockerd)', async () => {
    const c = await call('POST', '/containers/create?name=lost', {
      Image: 'busybox',
      Cmd: ['true'],
      HostConfig: { NetworkMode: 'nowhere' },
    })
    assert.equal(c.status, 201, c.text())
    assertError(await call('POST', '/containers/lost/start'), 404, 'network nowhere not found')
    assert.equal((await call('DELETE', '/containers/lost')).status, 204)
  })

  it('removes and prunes', async () => {
    assertConforms('NetworkCreate', await call('POST', '/networks/create', { Name: 'prune-me' }), 201)
    const pruned = assertConforms('NetworkPrune', await call('POST', '/networks/prune')) as {
      NetworksDeleted: string[]
    }
    assert.deepEqual(pruned.NetworksDeleted.sort(), ['api-net', 'prune-me'])
    const none = await call('POST', '/networks/prune')
    assert.equal(none.status, 200)
    // dockerd sends null for nothing deleted (a Go nil slice), as the old stub did.
    assert.equal((none.json() as { NetworksDeleted: null }).NetworksDeleted, null)
    assertConforms('NetworkCreate', await call('POST', '/networks/create', { Name: 'gone' }), 201)
    assert.equal((await call('DELETE', '/networks/gone')).status, 204)
    assertError(await call('DELETE', '/networks/gone'), 404, 'network gone not found')
    assertError(await call('GET', '/networks/gone'), 404, 'network gone not found')
  })
})
