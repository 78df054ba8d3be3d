// Engine API conformance, system routes: ping, version, info, /system/df, the /v1.xx prefix,
// and /events replay (since/until) checked as EventMessage. In process, FakeRuntime.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { assertConforms, assertError, definitionErrors, jsonLines } from '../support/conformance.ts'
import { responseErrors } from '../support/engine-schema.ts'
import { servicesSkipReason, startServices, type TestServices } from '../support/services.ts'

const skip = servicesSkipReason() ?? false

/** Engine API times for since/until: unix seconds with a nanosecond fraction. */
function unixNow(): string {
  const ns = BigInt(Date.now()) * 1_000_000n
  return `${ns / 1_000_000_000n}.${String(ns % 1_000_000_000n).padStart(9, '0')}`
}

describe('API conformance: system', { skip }, () => {
  let s: TestServices

  before(async () => {
    s = await startServices()
  })
  after(async () => {
    await s?.close()
  })

  it('SystemPing: GET and HEAD /_ping answer OK with the version headers', async () => {
    for (const method of ['GET', 'HEAD'] as const) {
      const res = await s.app.inject({ method, url: '/_ping' })
      assert.equal(res.status, 200)
      assert.equal(res.text(), 'OK')
      assert.deepEqual(responseErrors('SystemPing', res.text()), [])
      assert.equal(res.headers['api-version'], '1.47')
      assert.equal(res.headers['ostype'], 'linux')
      assert.match(res.headers['content-type'] ?? '', /^text\/plain/)
    }
  })

  it('accepts every API version from /v1.24 to /v1.47, and no prefix', async () => {
    for (let minor = 24; minor <= 47; minor++) {
      const res = await s.app.inject({ method: 'GET', url: `/v1.${minor}/_ping` })
      assert.equal(res.status, 200, `/v1.${minor}/_ping`)
    }
    assertConforms('SystemVersion', await s.app.inject({ method: 'GET', url: '/version' }))
  })

  it('rejects a too new or too old API version with 400', async () => {
    assertError(
      await s.app.inject({ method: 'GET', url: '/v1.48/version' }),
      400,
      'client version 1.48 is too new. Maximum supported API version is 1.47',
    )
    assertError(
      await s.app.inject({ method: 'GET', url: '/v1.23/version' }),
      400,
      /^client version 1\.23 is too old\. Minimum supported API version is 1\.24/,
    )
    // A route newer than the requested version (prune came with 1.25).
    assertError(
      await s.app.inject({ method: 'POST', url: '/v1.24/containers/prune' }),
      400,
      /requires API version 1\.25/,
    )
  })

  it('answers an unknown path with 404 "page not found"', async () => {
    assertError(await s.app.inject({ method: 'GET', url: '/v1.47/nothing/here' }), 404, 'page not found')
  })

  it('SystemVersion', async () => {
    const body = assertConforms(
      'SystemVersion',
      await s.app.inject({ method: 'GET', url: '/v1.47/version' }),
    ) as {
      ApiVersion: string
      MinAPIVersion: string
      Os: string
      Components: Array<{ Name: string }>
    }
    assert.equal(body.ApiVersion, '1.47')
    assert.equal(body.MinAPIVersion, '1.24')
    assert.equal(body.Os, 'linux')
    assert.equal(body.Components[0]?.Name, 'Engine')
  })

  it('SystemInfo counts the images and containers it has', async () => {
    const body = assertConforms('SystemInfo', await s.app.inject({ method: 'GET', url: '/v1.47/info' })) as {
      Images: number
      Containers: number
      DockerRootDir: string
      OSType: string
    }
    assert.equal(body.Images, 1)
    assert.equal(body.Containers, 0)
    assert.equal(body.DockerRootDir, s.dataRoot)
    assert.equal(body.OSType, 'linux')
  })

  it('SystemDataUsage lists images and containers', async () => {
    const created = await s.app.inject({
      method: 'POST',
      url: '/v1.47/containers/create?name=df',
      body: { Image: 'busybox', Cmd: ['true'] },
    })
    const { Id } = assertConforms('ContainerCreate', created, 201) as { Id: string }
    const body = assertConforms(
      'SystemDataUsage',
      await s.app.inject({ method: 'GET', url: '/v1.47/system/df' }),
    ) as {
      Images: Array<{ Id: string; Containers: number }>
      Containers: Array<{ Id: string }>
    }
    assert.equal(body.Images[0]?.Id, s.busyboxId)
    assert.equal(body.Images[0]?.Containers, 1)
    assert.deepEqual(
      body.Containers.map((c) => c.Id),
      [Id],
    )
    assert.equal((await s.app.inject({ method: 'DELETE', url: `/v1.47/containers/${Id}` })).status, 204)
  })

  it('/events?since&until replays the window as EventMessage lines, then ends', async () => {
    const since = unixNow()
    const created = await s.app.inject({
      method: 'POST',
      url: '/v1.47/containers/create?name=ev',
      body: { Image: 'busybox', Cmd: ['true'], Labels: { team: 'a' } },
    })
    const { Id } = assertConforms('ContainerCreate', created, 201) as { Id: string }
    s.behave(Id, { exitCode: 0 })
    const waiting = s.app.inject({ method: 'POST', url: `/v1.47/containers/${Id}/wait?condition=next-exit` })
    assert.equal((await s.app.inject({ method: 'POST', url: `/v1.47/containers/${Id}/start` })).status, 204)
    assert.deepEqual(jsonLines(await waiting), [{ StatusCode: 0 }])
    assert.equal(
      (await s.app.inject({ method: 'POST', url: '/v1.47/images/busybox/tag?repo=ev&tag=1' })).status,
      201,
    )
    assertConforms('ImageDelete', await s.app.inject({ method: 'DELETE', url: '/v1.47/images/ev:1' }))
    assert.equal((await s.app.inject({ method: 'DELETE', url: `/v1.47/containers/${Id}` })).status, 204)
    await new Promise((r) => setTimeout(r, 2))
    const until = unixNow()

    const res = await s.app.inject({ method: 'GET', url: `/v1.47/events?since=${since}&until=${until}` })
    assert.equal(res.status, 200)
    assert.equal(res.headers['content-type'], 'application/json')
    const events = jsonLines(res) as Array<{
      Type: string
      Action: string
      Actor: { ID: string; Attributes: Record<string, string> }
      status?: string
      id?: string
      from?: string
    }>
    for (const e of events) assert.deepEqual(definitionErrors('EventMessage', e), [], JSON.stringify(e))
    assert.deepEqual(
      events.map((e) => `${e.Type} ${e.Action}`),
      [
        'container create',
        'network connect',
        'container start',
        'container die',
        'network disconnect',
        'image tag',
        'image untag',
        'container destroy',
      ],
    )
    const start = events[2]!
    assert.equal(start.Actor.ID, Id)
    assert.deepEqual(start.Actor.Attributes, { team: 'a', image: 'busybox', name: 'ev' })
    // Legacy fields docker-py and old CLIs still read.
    assert.equal(start.status, 'start')
    assert.equal(start.id, Id)
    assert.equal(start.from, 'busybox')
    assert.equal(events[3]!.Actor.Attributes.exitCode, '0')

    const filtered = await s.app.inject({
      method: 'GET',
      url: `/v1.47/events?since=${since}&until=${until}&filters=${encodeURIComponent('{"type":["image"]}')}`,
    })
    assert.deepEqual(
      (jsonLines(filtered) as Array<{ Action: string }>).map((e) => e.Action),
      ['tag', 'untag'],
    )
  })

  it('answers like an engine outside a swarm: no plugins, swarm endpoints 503', async () => {
    assert.deepEqual(
      assertConforms('PluginList', await s.app.inject({ method: 'GET', url: '/v1.47/plugins' })),
      [],
    )
    for (const path of ['/swarm', '/nodes', '/services', '/tasks', '/secrets', '/configs']) {
      assertError(
        await s.app.inject({ method: 'GET', url: `/v1.47${path}` }),
        503,
        /This node is not a swarm manager/,
      )
    }
  })
})
