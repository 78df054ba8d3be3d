// Engine API conformance, IPv6 on bridge networks: EnableIPv6 with an IPv6 IPAM config next to
// the IPv4 one, IPv6Address in network inspect's Containers, GlobalIPv6Address,
// GlobalIPv6PrefixLen, IPv6Gateway and IPAMConfig.IPv6Address in container inspect, and the
// errors (no IPv6 subnet, overlap, static address outside the subnet or without IPv6), over a
// NullKernel. Bodies are checked against the v1.47 spec.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { assertConforms, assertError } from '../support/conformance.ts'
import { servicesSkipReason, startServices, type TestServices } from '../support/services.ts'

const skip = servicesSkipReason() ?? false

interface Ep {
  IPAddress: string
  GlobalIPv6Address: string
  GlobalIPv6PrefixLen: number
  IPv6Gateway: string
  IPAMConfig: { IPv4Address?: string; IPv6Address?: string } | null
}

describe('API conformance: IPv6 networks', { skip }, () => {
  let s: TestServices
  before(async () => {
    s = await startServices()
  })
  after(async () => {
    await s?.close()
  })

  const call = (method: 'GET' | 'POST' | 'DELETE', url: string, body?: unknown) =>
    s.app.inject({ method, url: `/v1.47${url}`, body })

  it('creates an IPv6 network and shows both IPAM configs', async () => {
    assertError(
      await call('POST', '/networks/create', { Name: 'v6-nosub', EnableIPv6: true }),
      503,
      /could not find an available, non-overlapping IPv6 address pool among the defaults/,
    )
    assertConforms(
      'NetworkCreate',
      await call('POST', '/networks/create', {
        Name: 'v6',
        EnableIPv6: true,
        IPAM: {
          Config: [
            { Subnet: '10.124.0.0/24' },
            { Subnet: 'fd00:db8:77::/64', Gateway: 'fd00:db8:77::fe', IPRange: 'fd00:db8:77::100/120' },
          ],
        },
      }),
      201,
    )
    const net = assertConforms('NetworkInspect', await call('GET', '/networks/v6')) as {
      EnableIPv6: boolean
      IPAM: { Config: unknown[] }
    }
    assert.equal(net.EnableIPv6, true)
    assert.deepEqual(net.IPAM.Config, [
      { Subnet: '10.124.0.0/24', Gateway: '10.124.0.1' },
      { Subnet: 'fd00:db8:77::/64', Gateway: 'fd00:db8:77::fe', IPRange: 'fd00:db8:77::100/120' },
    ])
    assertError(
      await call('POST', '/networks/create', {
        Name: 'v6-overlap',
        EnableIPv6: true,
        IPAM: { Config: [{ Subnet: 'fd00:db8:77:0:1::/80' }] },
      }),
      403,
      /Pool overlaps/,
    )
    assertError(
      await call('POST', '/networks/create', {
        Name: 'v6-badgw',
        EnableIPv6: true,
        IPAM: { Config: [{ Subnet: 'fd00:db8:78::/64', Gateway: 'fd00:db8:79::1' }] },
      }),
      400,
      /invalid gateway address/,
    )
  })

  it('gives containers IPv6 addresses, shown in both inspects, and releases them', async () => {
    for (const name of ['v6a', 'v6b']) {
      const c = await call('POST', `/containers/create?name=${name}`, {
        Image: 'busybox',
        Cmd: ['sleep', '100'],
        HostConfig: { NetworkMode: 'v6' },
        NetworkingConfig:
          name === 'v6b'
            ? { EndpointsConfig: { v6: { IPAMConfig: { IPv6Address: 'fd00:db8:77::beef' } } } }
            : undefined,
      })
      assert.equal(c.status, 201, c.text())
      const st = await call('POST', `/containers/${name}/start`)
      assert.equal(st.status, 204, st.text())
    }
    const a = assertConforms('ContainerInspect', await call('GET', '/containers/v6a/json')) as {
      Id: string
      NetworkSettings: { GlobalIPv6Address: string; Networks: Record<string, Ep> }
    }
    const ep = a.NetworkSettings.Networks.v6!
    assert.equal(ep.GlobalIPv6Address, 'fd00:db8:77::100')
    assert.equal(ep.GlobalIPv6PrefixLen, 64)
    assert.equal(ep.IPv6Gateway, 'fd00:db8:77::fe')
    assert.equal(ep.IPAddress, '10.124.0.2')
    assert.equal(a.NetworkSettings.GlobalIPv6Address, '') // top level: the default bridge only
    const b = assertConforms('ContainerInspect', await call('GET', '/containers/v6b/json')) as {
      Id: string
      NetworkSettings: { Networks: Record<string, Ep> }
    }
    assert.equal(b.NetworkSettings.Networks.v6!.GlobalIPv6Address, 'fd00:db8:77::beef')
    assert.deepEqual(b.NetworkSettings.Networks.v6!.IPAMConfig, { IPv6Address: 'fd00:db8:77::beef' })
    const net = assertConforms('NetworkInspect', await call('GET', '/networks/v6')) as {
      Containers: Record<string, { IPv4Address: string; IPv6Address: string }>
    }
    assert.equal(net.Containers[a.Id]!.IPv6Address, 'fd00:db8:77::100/64')
    assert.equal(net.Containers[b.Id]!.IPv6Address, 'fd00:db8:77::beef/64')
    assertError(
      await call('POST', '/networks/v6/connect', {
        Container: 'v6a',
        EndpointConfig: { IPAMConfig: { IPv6Address: 'fd00:db8:77::5' } },
      }),
      403,
      /already exists in network v6/,
    )
    const kill = await call('POST', '/containers/v6a/kill')
    assert.equal(kill.status, 204, kill.text())
    // The exit (and the release) is handled asynchronously after the kill.
    let released = false
    for (let i = 0; i < 100 && !released; i++) {
      const after = assertConforms('NetworkInspect', await call('GET', '/networks/v6')) as {
        Containers: Record<string, unknown>
      }
      released = after.Containers[a.Id] === undefined
      if (!released) await new Promise((r) => setTimeout(r, 20))
    }
    assert.ok(released, 'the IPv6 address of a stopped container is released')
    const stopped = assertConforms('ContainerInspect', await call('GET', '/containers/v6a/json')) as {
      NetworkSettings: { Networks: Record<string, Ep> }
    }
    assert.equal(stopped.NetworkSettings.Networks.v6!.GlobalIPv6Address, '')
    for (const n of ['v6a', 'v6b'])
      assert.equal((await call('DELETE', `/containers/${n}?force=1`)).status, 204)
  })

  it('refuses a static IPv6 address outside the subnet or on a network without IPv6', async () => {
    const c = await call('POST', '/containers/create?name=v6c', {
      Image: 'busybox',
      Cmd: ['sleep', '100'],
      HostConfig: { NetworkMode: 'v6' },
      NetworkingConfig: { EndpointsConfig: { v6: { IPAMConfig: { IPv6Address: 'fd00:db8:99::1' } } } },
    })
    assert.equal(c.status, 201, c.text())
    assertError(await call('POST', '/containers/v6c/start'), 500, /is not in the subnet fd00:db8:77::\/64/)
    assertConforms('NetworkCreate', await call('POST', '/networks/create', { Name: 'v4only' }), 201)
    assertError(
      await call('POST', '/networks/v4only/connect', {
        Container: 'v6c',
        EndpointConfig: { IPAMConfig: { IPv6Address: 'fd00:db8:77::9' } },
      }),
      400,
      /user specified IP address is supported only/,
    )
    assert.equal((await call('DELETE', '/containers/v6c?force=1')).status, 204)
    assert.equal((await call('DELETE', '/networks/v6')).status, 204)
    assert.equal((await call('DELETE', '/networks/v4only')).status, 204)
  })
})
