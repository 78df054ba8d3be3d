// Engine API conformance, exec and stats routes: exec create/start (detached)/inspect/resize and
// container stats, through the real services on FakeRuntime. Bodies are checked against v1.47.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { assertConforms, assertError } from '../support/conformance.ts'
import { servicesSkipReason, startServices, type TestServices } from '../support/services.ts'

const skip = servicesSkipReason() ?? false

describe('API conformance: exec and stats', { skip }, () => {
  let s: TestServices
  let id: string

  before(async () => {
    s = await startServices()
    const res = await s.app.inject({
      method: 'POST',
      url: '/v1.47/containers/create',
      body: { Image: 'busybox', Cmd: ['sleep', '100'] },
    })
    id = (res.json() as { Id: string }).Id
    assert.equal((await s.app.inject({ method: 'POST', url: `/v1.47/containers/${id}/start` })).status, 204)
  })
  after(async () => {
    await s?.close()
  })

  it('creates, starts detached and inspects an exec instance', async () => {
    const created = assertConforms(
      'ContainerExec',
      await s.app.inject({
        method: 'POST',
        url: `/v1.47/containers/${id}/exec`,
        body: { Cmd: ['sh', '-c', 'exit 4'], AttachStdout: true },
      }),
      201,
    ) as { Id: string }
    const execUrl = `/v1.47/exec/${created.Id}`
    const before = assertConforms(
      'ExecInspect',
      await s.app.inject({ method: 'GET', url: `${execUrl}/json` }),
    ) as {
      Running: boolean
      ExitCode: number | null
    }
    assert.equal(before.Running, false)
    assert.equal(before.ExitCode, 0)
    const started = await s.app.inject({ method: 'POST', url: `${execUrl}/start`, body: { Detach: true } })
    assert.equal(started.status, 200)
    let info = assertConforms(
      'ExecInspect',
      await s.app.inject({ method: 'GET', url: `${execUrl}/json` }),
    ) as {
      Running: boolean
      ExitCode: number | null
      ContainerID: string
      ProcessConfig: { entrypoint: string; arguments: string[] }
    }
    for (let i = 0; i < 50 && info.Running; i++) {
      await sleep(10)
      info = (await s.app.inject({ method: 'GET', url: `${execUrl}/json` })).json() as typeof info
    }
    assert.equal(info.ExitCode, 4)
    assert.equal(info.ContainerID, id)
    assert.deepEqual(info.ProcessConfig, {
      ...info.ProcessConfig,
      entrypoint: 'sh',
      arguments: ['-c', 'exit 4'],
    })
    assertError(
      await s.app.inject({ method: 'POST', url: `${execUrl}/start`, body: { Detach: true } }),
      409,
      /already/,
    )
  })

  it('gives Docker errors for unknown execs, missing commands and stopped containers', async () => {
    assertError(
      await s.app.inject({ method: 'GET', url: '/v1.47/exec/nosuch/json' }),
      404,
      'No such exec instance: nosuch',
    )
    assertError(
      await s.app.inject({ method: 'POST', url: `/v1.47/containers/${id}/exec`, body: {} }),
      400,
      /No exec command/,
    )
    const res = await s.app.inject({
      method: 'POST',
      url: '/v1.47/containers/create',
      body: { Image: 'busybox' },
    })
    const stopped = (res.json() as { Id: string }).Id
    assertError(
      await s.app.inject({
        method: 'POST',
        url: `/v1.47/containers/${stopped}/exec`,
        body: { Cmd: ['true'] },
      }),
      409,
      `Container ${stopped} is not running`,
    )
  })

  it('returns one stats document with one-shot', async () => {
    const res = await s.app.inject({
      method: 'GET',
      url: `/v1.47/containers/${id}/stats?stream=0&one-shot=1`,
    })
    const st = assertConforms('ContainerStats', res) as {
      id: string
      memory_stats: { usage: number; limit: number }
      pids_stats: { current: number }
    }
    assert.equal(st.id, id)
    assert.equal(st.memory_stats.usage, 1 << 20)
    assert.equal(st.pids_stats.current, 1)
  })
})
