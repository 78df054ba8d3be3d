// Engine API conformance, health checks: State.Health in ContainerInspect, the health filter of
// ContainerList, health_status events and create validation, through the real services on
// FakeRuntime (probes run as fake exec sessions: `sh -c 'exit N'` exits N).
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { assertConforms, assertError } from '../support/conformance.ts'
import { servicesSkipReason, startServices, type TestServices } from '../support/services.ts'

const skip = servicesSkipReason() ?? false
const MS = 1_000_000

describe('API conformance: health checks', { skip }, () => {
  let s: TestServices
  before(async () => {
    s = await startServices()
  })
  after(async () => {
    await s?.close()
  })

  const run = async (name: string, exitCode: number): Promise<string> => {
    const res = await s.app.inject({
      method: 'POST',
      url: `/v1.47/containers/create?name=${name}`,
      body: {
        Image: 'busybox',
        Cmd: ['sleep', '100'],
        Healthcheck: { Test: ['CMD', 'sh', '-c', `exit ${exitCode}`], Interval: 20 * MS, Retries: 2 },
      },
    })
    const { Id } = assertConforms('ContainerCreate', res, 201) as { Id: string }
    assert.equal((await s.app.inject({ method: 'POST', url: `/v1.47/containers/${Id}/start` })).status, 204)
    return Id
  }
  const inspect = async (id: string) => {
    const res = await s.app.inject({ method: 'GET', url: `/v1.47/containers/${id}/json` })
    const body = assertConforms('ContainerInspect', res) as {
      State: { Health?: { Status: string; FailingStreak: number; Log: Array<{ ExitCode: number }> } }
    }
    return body.State
  }
  const until = async (id: string, status: string) => {
    for (let i = 0; i < 200; i++) {
      const st = await inspect(id)
      if (st.Health?.Status === status) return st.Health
      await sleep(10)
    }
    assert.fail(`never ${status}`)
  }

  it('reports healthy and unhealthy in State.Health, the health filter and events', async () => {
    const good = await run('good', 0)
    const bad = await run('bad', 2)
    assert.equal((await until(good, 'healthy')).FailingStreak, 0)
    const h = await until(bad, 'unhealthy')
    assert.ok(h.FailingStreak >= 2)
    assert.equal(h.Log.at(-1)?.ExitCode, 2)
    const list = assertConforms(
      'ContainerList',
      await s.app.inject({
        method: 'GET',
        url: `/v1.47/containers/json?filters=${encodeURIComponent('{"health":["unhealthy"]}')}`,
      }),
    ) as Array<{ Id: string; Status: string }>
    assert.deepEqual(
      list.map((c) => c.Id),
      [bad],
    )
    assert.match(list[0]?.Status ?? '', /\(unhealthy\)$/)
    const actions = s.events
      .history(0n)
      .filter((e) => e.Actor.ID === good)
      .map((e) => e.Action)
    assert.ok(actions.includes('health_status: healthy'), actions.join(','))
  })

  it('rejects a sub-millisecond interval with 400', async () => {
    const res = await s.app.inject({
      method: 'POST',
      url: '/v1.47/containers/create',
      body: { Image: 'busybox', Healthcheck: { Test: ['CMD', 'true'], Interval: 5 } },
    })
    assertError(res, 400, /Interval in Healthcheck cannot be less than 1ms/)
  })
})
