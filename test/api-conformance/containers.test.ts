// Engine API conformance, container routes: create, list, inspect, top, start, wait, logs, prune
// and their error replies, through the real ContainerService on FakeRuntime (the rootfs is a
// real overlay mount, so this needs root). Bodies are checked against the v1.47 spec.
import assert from 'node:assert/strict'
import { writeFile } from 'node:fs/promises'
import { hostname } from 'node:os'
import { after, before, describe, it } from 'node:test'
import { assertConforms, assertError, demux, jsonLines, specErrors } from '../support/conformance.ts'
import { servicesSkipReason, startServices, type TestServices } from '../support/services.ts'

const skip = servicesSkipReason() ?? false

describe('API conformance: containers', { skip }, () => {
  let s: TestServices

  before(async () => {
    s = await startServices()
  })
  after(async () => {
    await s?.close()
  })

  async function create(body: Record<string, unknown>, name?: string): Promise<string> {
    const url = `/v1.47/containers/create${name ? `?name=${name}` : ''}`
    const res = await s.app.inject({ method: 'POST', url, body })
    const created = assertConforms('ContainerCreate', res, 201) as { Id: string; Warnings: string[] }
    assert.match(created.Id, /^[0-9a-f]{64}$/)
    assert.deepEqual(created.Warnings, [])
    return created.Id
  }

  const inspect = async (ref: string) =>
    assertConforms(
      'ContainerInspect',
      await s.app.inject({ method: 'GET', url: `/v1.47/containers/${ref}/json` }),
    ) as {
      Id: string
      Name: string
      Image: string
      State: {
        Status: string
        Running: boolean
        ExitCode: number
        Pid: number
        StartedAt: string
        FinishedAt: string
      }
      Config: { Image: string; Cmd: string[]; Labels: Record<string, string>; Hostname: string }
      HostConfig: { NetworkMode: string; RestartPolicy: { Name: string } }
      GraphDriver: { Name: string; Data: Record<string, string> }
      LogPath: string
    }

  const start = (ref: string) => s.app.inject({ method: 'POST', url: `/v1.47/containers/${ref}/start` })
  const remove = (ref: string) => s.app.inject({ method: 'DELETE', url: `/v1.47/containers/${ref}` })
  /** Kills a running container and waits for its exit. (Not stop or force-remove: those leave
   *  the service's kill timeout pending, which keeps the test process alive for 10 s.) */
  async function kill(ref: string): Promise<void> {
    assert.equal((await s.app.inject({ method: 'POST', url: `/v1.47/containers/${ref}/kill` })).status, 204)
    const waited = await s.app.inject({ method: 'POST', url: `/v1.47/containers/${ref}/wait` })
    assert.deepEqual(jsonLines(waited), [{ StatusCode: 137 }])
  }

  it('ContainerCreate then ContainerInspect of a created container', async () => {
    const id = await create({ Image: 'busybox', Cmd: ['echo', 'hi'], Labels: { tier: 'web' } }, 'inspect-me')
    const body = await inspect('inspect-me')
    assert.equal(body.Id, id)
    assert.equal(body.Name, '/inspect-me')
    assert.equal(body.Image, s.busyboxId)
    assert.equal(body.Config.Image, 'busybox')
    assert.deepEqual(body.Config.Cmd, ['echo', 'hi'])
    assert.deepEqual(body.Config.Labels, { tier: 'web' })
    assert.equal(body.Config.Hostname, id.slice(0, 12))
    assert.equal(body.HostConfig.NetworkMode, 'bridge')
    assert.equal(body.HostConfig.RestartPolicy.Name, 'no')
    assert.equal(body.GraphDriver.Name, 'overlay2')
    assert.deepEqual(Object.keys(body.GraphDriver.Data).sort(), [
      'LowerDir',
      'MergedDir',
      'UpperDir',
      'WorkDir',
    ])
    assert.equal(body.State.Status, 'created')
    assert.equal(body.State.Running, false)
    assert.equal(body.State.Pid, 0)
    assert.equal(body.State.ExitCode, 0)
    assert.equal(body.State.StartedAt, '0001-01-01T00:00:00Z')
    // By unique id prefix too.
    assert.equal((await inspect(id.slice(0, 10))).Id, id)
    assert.equal((await remove(id)).status, 204)
  })

  it("names a host-network container after the host, as dockerd does (Compose's network_mode: host)", async () => {
    const id = await create({ Image: 'busybox', HostConfig: { NetworkMode: 'host' } }, 'hostnet-name')
    assert.equal((await inspect(id)).Config.Hostname, hostname())
    const own = await create({ Image: 'busybox', Hostname: 'mine', HostConfig: { NetworkMode: 'host' } })
    assert.equal((await inspect(own)).Config.Hostname, 'mine')
    assert.equal((await remove(id)).status, 204)
    assert.equal((await remove(own)).status, 204)
  })

  it('ContainerCreate errors: 400 bad body, 404 unknown image, 409 name in use', async () => {
    assertError(
      await s.app.inject({ method: 'POST', url: '/v1.47/containers/create', body: {} }),
      400,
      'config cannot be empty in order to create a container',
    )
    assertError(
      await s.app.inject({
        method: 'POST',
        url: '/v1.47/containers/create',
        body: { Image: 'busybox', WorkingDir: 'rel' },
      }),
      400,
      "the working directory 'rel' is invalid, it needs to be an absolute path",
    )
    assertError(
      await s.app.inject({ method: 'POST', url: '/v1.47/containers/create', body: '{"Image": ' }),
      400,
      /^invalid JSON/,
    )
    const missing = await s.app.inject({
      method: 'POST',
      url: '/v1.47/containers/create',
      body: { Image: 'nope:1' },
    })
    assertError(missing, 404, /^No such image: nope:1/)
    assert.deepEqual(specErrors('ContainerCreate', missing.json(), 404), [])

    const id = await create({ Image: 'busybox' }, 'taken')
    const conflict = await s.app.inject({
      method: 'POST',
      url: '/v1.47/containers/create?name=taken',
      body: { Image: 'busybox' },
    })
    assertError(
      conflict,
      409,
      `Conflict. The container name "/taken" is already in use by container "${id}". You have to remove (or rename) that container to be able to reuse that name.`,
    )
    assert.deepEqual(specErrors('ContainerCreate', conflict.json(), 409), [])
    assert.equal((await remove(id)).status, 204)
  })

  it('404 "No such container: x" on every container route', async () => {
    const routes = [
      ['GET', '/v1.47/containers/x/json', 'ContainerInspect'],
      ['GET', '/v1.47/containers/x/top', 'ContainerTop'],
      ['GET', '/v1.47/containers/x/logs?stdout=1', 'ContainerLogs'],
      ['POST', '/v1.47/containers/x/start', 'ContainerStart'],
      ['POST', '/v1.47/containers/x/stop', 'ContainerStop'],
      ['POST', '/v1.47/containers/x/wait', 'ContainerWait'],
      ['DELETE', '/v1.47/containers/x', 'ContainerDelete'],
    ] as const
    for (const [method, url, op] of routes) {
      const res = await s.app.inject({ method, url })
      assertError(res, 404, 'No such container: x')
      assert.deepEqual(specErrors(op, res.json(), 404), [], `${method} ${url}`)
    }
  })

  it('start → running inspect, list, top; 304 when started again; 409 on remove without force', async () => {
    const id = await create({ Image: 'busybox', Cmd: ['sleep', '60'] }, 'runner')
    assert.equal((await start(id)).status, 204)
    const body = await inspect(id)
    assert.equal(body.State.Status, 'running')
    assert.equal(body.State.Running, true)
    assert.ok(body.State.Pid > 0)
    assert.notEqual(body.State.StartedAt, '0001-01-01T00:00:00Z')

    // Engine API: 304 "container already started", with no body a client would read.
    const again = await start(id)
    assert.equal(again.status, 304)

    const list = assertConforms(
      'ContainerList',
      await s.app.inject({ method: 'GET', url: '/v1.47/containers/json?size=1' }),
    ) as Array<{
      Id: string
      Names: string[]
      State: string
      Status: string
      Command: string
      SizeRw: number
    }>
    const row = list.find((c) => c.Id === id)
    assert.ok(row, 'the running container is listed')
    assert.deepEqual(row.Names, ['/runner'])
    assert.equal(row.State, 'running')
    assert.match(row.Status, /^Up /)
    assert.equal(row.Command, 'sleep 60')
    assert.equal(typeof row.SizeRw, 'number')

    const top = assertConforms(
      'ContainerTop',
      await s.app.inject({ method: 'GET', url: `/v1.47/containers/${id}/top` }),
    ) as {
      Titles: string[]
    }
    assert.ok(top.Titles.includes('PID'))

    assertError(
      await s.app.inject({ method: 'DELETE', url: `/v1.47/containers/${id}` }),
      409,
      'cannot remove container "/runner": container is running: stop the container before removing or force remove',
    )
    await kill(id)
    assert.equal((await remove(id)).status, 204)
    assertError(
      await s.app.inject({ method: 'GET', url: `/v1.47/containers/${id}/json` }),
      404,
      `No such container: ${id}`,
    )
  })

  it('409 from top on a container that is not running', async () => {
    const id = await create({ Image: 'busybox' })
    const res = await s.app.inject({ method: 'GET', url: `/v1.47/containers/${id}/top` })
    assertError(res, 409, `Container ${id} is not running`)
    assert.equal((await remove(id)).status, 204)
  })

  it('start → wait → exit code through the runtime (ContainerWait)', async () => {
    // docker run: wait(next-exit) is asked before start; the body comes when the container exits.
    const id = await create({ Image: 'busybox', Cmd: ['false'] }, 'exits')
    s.behave(id, { exitCode: 3 })
    const waiting = s.app.inject({ method: 'POST', url: `/v1.47/containers/${id}/wait?condition=next-exit` })
    assert.equal((await start(id)).status, 204)
    const res = await waiting
    assert.equal(res.status, 200)
    const [result, ...rest] = jsonLines(res)
    assert.deepEqual(rest, [])
    assert.deepEqual(specErrors('ContainerWait', result), [])
    assert.deepEqual(result, { StatusCode: 3 })

    // not-running on an exited container answers at once with its last exit code.
    const now = await s.app.inject({ method: 'POST', url: `/v1.47/containers/${id}/wait` })
    assert.deepEqual(jsonLines(now), [{ StatusCode: 3 }])

    const body = await inspect(id)
    assert.equal(body.State.Status, 'exited')
    assert.equal(body.State.Running, false)
    assert.equal(body.State.ExitCode, 3)
    assert.equal(body.State.Pid, 0)
    assert.notEqual(body.State.FinishedAt, '0001-01-01T00:00:00Z')

    const list = assertConforms(
      'ContainerList',
      await s.app.inject({
        method: 'GET',
        url: `/v1.47/containers/json?all=1&filters=${encodeURIComponent('{"name":["exits"]}')}`,
      }),
    ) as Array<{ State: string; Status: string }>
    assert.equal(list.length, 1)
    assert.equal(list[0]?.State, 'exited')
    assert.match(list[0]?.Status ?? '', /^Exited \(3\) /)
    // Not listed without all=1.
    const running = await s.app.inject({ method: 'GET', url: '/v1.47/containers/json' })
    assert.ok(!(running.json() as Array<{ Id: string }>).some((c) => c.Id === id))
  })

  it('a running container exits when the runtime says so; wait(removed) sees the removal', async () => {
    const id = await create({ Image: 'busybox', Cmd: ['sleep', '60'] })
    assert.equal((await start(id)).status, 204)
    const waiting = s.app.inject({ method: 'POST', url: `/v1.47/containers/${id}/wait` })
    s.runtime.exit(id, 42)
    assert.deepEqual(jsonLines(await waiting), [{ StatusCode: 42 }])
    const removed = s.app.inject({ method: 'POST', url: `/v1.47/containers/${id}/wait?condition=removed` })
    assert.equal((await remove(id)).status, 204)
    assert.deepEqual(jsonLines(await removed), [{ StatusCode: 42 }])
  })

  it('ContainerWait rejects an unknown condition with 400', async () => {
    const id = await create({ Image: 'busybox' })
    const res = await s.app.inject({ method: 'POST', url: `/v1.47/containers/${id}/wait?condition=soon` })
    assertError(res, 400, 'invalid condition: "soon"')
    assert.deepEqual(specErrors('ContainerWait', res.json(), 400), [])
    assert.equal((await remove(id)).status, 204)
  })

  describe('ContainerLogs (k8s-file log written by the test)', () => {
    let id: string
    const lines = [
      ['2024-05-01T10:00:00.000000001Z', 'stdout', 'F', 'one'],
      ['2024-05-01T10:00:01.5Z', 'stderr', 'F', 'two'],
      ['2024-05-01T10:00:02.000000003Z', 'stdout', 'P', 'thr'],
      ['2024-05-01T10:00:02.100000000Z', 'stdout', 'F', 'ee'],
      ['2024-05-01T10:00:03.000000000Z', 'stdout', 'F', 'four'],
    ]

    before(async () => {
      id = await create({ Image: 'busybox', Cmd: ['sh'] }, 'logger')
      const rec = s.containers.get(id)
      await writeFile(rec.logPath, lines.map((l) => `${l.join(' ')}\n`).join(''))
    })

    const logs = (query: string) =>
      s.app.inject({ method: 'GET', url: `/v1.47/containers/${id}/logs?${query}` })

    it('frames stdout and stderr with the 8-byte header', async () => {
      const res = await logs('stdout=1&stderr=1')
      assert.equal(res.status, 200)
      assert.equal(res.headers['content-type'], 'application/vnd.docker.multiplexed-stream')
      assert.deepEqual(demux(res.body), [
        { stream: 'stdout', data: 'one\n' },
        { stream: 'stderr', data: 'two\n' },
        { stream: 'stdout', data: 'thr' },
        { stream: 'stdout', data: 'ee\n' },
        { stream: 'stdout', data: 'four\n' },
      ])
      // The header by hand: stream 1, three zero bytes, big-endian length 4, then "one\n".
      assert.deepEqual([...res.body.subarray(0, 12)], [1, 0, 0, 0, 0, 0, 0, 4, ...Buffer.from('one\n')])
    })

    it('sends only the streams asked for', async () => {
      assert.deepEqual(demux((await logs('stderr=1')).body), [{ stream: 'stderr', data: 'two\n' }])
      assert.deepEqual(
        demux((await logs('stdout=1')).body).map((f) => f.data),
        ['one\n', 'thr', 'ee\n', 'four\n'],
      )
    })

    it('tail counts whole lines (a partial line belongs to the line it ends in)', async () => {
      assert.deepEqual(
        demux((await logs('stdout=1&stderr=1&tail=2')).body).map((f) => f.data),
        ['thr', 'ee\n', 'four\n'],
      )
      assert.deepEqual(
        demux((await logs('stdout=1&stderr=1&tail=1')).body).map((f) => f.data),
        ['four\n'],
      )
      assert.deepEqual(demux((await logs('stdout=1&stderr=1&tail=0')).body), [])
      assert.equal(demux((await logs('stdout=1&stderr=1&tail=all')).body).length, 5)
    })

    it('timestamps prefix each frame with RFC3339Nano (9 digits, UTC)', async () => {
      const frames = demux((await logs('stdout=1&stderr=1&timestamps=1&tail=3')).body)
      assert.deepEqual(
        frames.map((f) => f.data),
        [
          '2024-05-01T10:00:01.500000000Z two\n',
          '2024-05-01T10:00:02.000000003Z thr',
          '2024-05-01T10:00:02.100000000Z ee\n',
          '2024-05-01T10:00:03.000000000Z four\n',
        ],
      )
      const second = demux((await logs('stderr=1&timestamps=1')).body)
      assert.deepEqual(second, [{ stream: 'stderr', data: '2024-05-01T10:00:01.500000000Z two\n' }])
    })

    it('since and until select a time window', async () => {
      const since = Date.parse('2024-05-01T10:00:01Z') / 1000
      const until = Date.parse('2024-05-01T10:00:02.5Z') / 1000
      assert.deepEqual(
        demux((await logs(`stdout=1&stderr=1&since=${since}&until=${until}`)).body).map((f) => f.data),
        ['two\n', 'thr', 'ee\n'],
      )
    })

    it('400 when no stream is chosen', async () => {
      assertError(await logs('timestamps=1'), 400, 'Bad parameters: you must choose at least one stream')
    })
  })

  it('ContainerPrune removes stopped containers only', async () => {
    const stopped = await create({ Image: 'busybox', Labels: { prune: 'yes' } })
    const running = await create({ Image: 'busybox', Cmd: ['sleep', '60'] })
    assert.equal((await start(running)).status, 204)
    const body = assertConforms(
      'ContainerPrune',
      await s.app.inject({ method: 'POST', url: '/v1.47/containers/prune' }),
    ) as { ContainersDeleted: string[]; SpaceReclaimed: number }
    assert.ok(body.ContainersDeleted.includes(stopped))
    assert.ok(!body.ContainersDeleted.includes(running))
    assert.equal(typeof body.SpaceReclaimed, 'number')
    // Nothing left to prune: Docker answers ContainersDeleted null (see DOCKER_NULLS).
    const empty = assertConforms(
      'ContainerPrune',
      await s.app.inject({ method: 'POST', url: '/v1.47/containers/prune' }),
    )
    assert.deepEqual(empty, { ContainersDeleted: null, SpaceReclaimed: 0 })
    assert.equal((await inspect(running)).State.Status, 'running')
    await kill(running)
    assert.equal((await remove(running)).status, 204)
  })

  it('ContainerUpdate: limits reach the runtime of a running container; errors as dockerd', async () => {
    const id = await create({ Image: 'busybox', Cmd: ['sleep', '60'], HostConfig: { Memory: 64 << 20 } })
    assert.equal((await start(id)).status, 204)
    const res = await s.app.inject({
      method: 'POST',
      url: `/v1.47/containers/${id}/update`,
      body: { Memory: 128 << 20, PidsLimit: 50, RestartPolicy: { Name: 'unless-stopped' } },
    })
    assert.deepEqual(assertConforms('ContainerUpdate', res), { Warnings: [] })
    const limits = s.runtime.resourcesOf(id) as { memory: { limit: number }; pids: { limit: number } }
    assert.equal(limits.memory.limit, 128 << 20)
    assert.equal(limits.pids.limit, 50)
    assert.equal((await inspect(id)).HostConfig.RestartPolicy.Name, 'unless-stopped')
    assertError(
      await s.app.inject({ method: 'POST', url: `/v1.47/containers/${id}/update`, body: { Memory: 'x' } }),
      400,
      /cannot unmarshal string into Go struct field UpdateConfig.Memory/,
    )
    assertError(
      await s.app.inject({ method: 'POST', url: '/v1.47/containers/nosuch/update', body: {} }),
      404,
      'No such container: nosuch',
    )
    await kill(id)
    assert.equal((await remove(id)).status, 204)
  })
})
