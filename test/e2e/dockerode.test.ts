// dockerode, a third-party client, against a real berthd.
import assert from 'node:assert/strict'
import { PassThrough } from 'node:stream'
import { after, before, describe, it } from 'node:test'
import Docker from 'dockerode'
import { e2eSkipReason, TestDaemon } from '../support/daemon.ts'

const skip = e2eSkipReason()

describe('dockerode against berthd', { skip }, () => {
  let d: TestDaemon
  let docker: Docker
  before(async () => {
    d = await TestDaemon.start()
    docker = new Docker({ socketPath: d.socket })
  })
  after(async () => {
    await d?.stop()
  })

  it('pings, reads version and info', async () => {
    assert.equal(String(await docker.ping()), 'OK')
    const v = await docker.version()
    assert.equal(v.ApiVersion, '1.47')
    const info = await docker.info()
    assert.equal(info.Images, 1)
  })

  it('creates, attaches, starts, waits and removes a container', async () => {
    const c = await docker.createContainer({
      Image: 'busybox',
      Cmd: ['sh', '-c', 'echo hi; echo oops >&2; exit 4'],
      AttachStdout: true,
      AttachStderr: true,
    })
    const stream = await c.attach({ stream: true, stdout: true, stderr: true, hijack: true })
    const out = new PassThrough()
    const err = new PassThrough()
    const outChunks: Buffer[] = []
    const errChunks: Buffer[] = []
    out.on('data', (b: Buffer) => outChunks.push(b))
    err.on('data', (b: Buffer) => errChunks.push(b))
    docker.modem.demuxStream(stream, out, err)
    const ended = new Promise((r) => stream.on('end', r))
    await c.start()
    assert.equal((await c.wait()).StatusCode, 4)
    await ended
    assert.equal(Buffer.concat(outChunks).toString(), 'hi\n')
    assert.equal(Buffer.concat(errChunks).toString(), 'oops\n')
    const info = await c.inspect()
    assert.equal(info.State.ExitCode, 4)
    assert.equal(info.State.Status, 'exited')
    await c.remove()
    await assert.rejects(c.inspect(), (e: { statusCode?: number }) => e.statusCode === 404)
  })

  it('reads logs with timestamps and tail', async () => {
    const c = await docker.createContainer({
      Image: 'busybox',
      Cmd: ['sh', '-c', 'for i in 1 2 3; do echo line$i; done'],
    })
    await c.start()
    await c.wait()
    const buf = (await c.logs({ stdout: true, tail: 2, timestamps: true })) as unknown as Buffer
    const text = buf.toString('latin1')
    assert.match(text, /\d{4}-\d\d-\d\dT[\d:.]+Z line2\n/)
    assert.match(text, /line3\n/)
    assert.doesNotMatch(text, /line1/)
    await c.remove()
  })

  it('lists with filters and prunes', async () => {
    const c = await docker.createContainer({ Image: 'busybox', Cmd: ['true'], Labels: { team: 'berth' } })
    const list = await docker.listContainers({ all: true, filters: { label: ['team=berth'] } })
    assert.deepEqual(
      list.map((x) => x.Id),
      [c.id],
    )
    assert.equal(list[0]!.State, 'created')
    const pruned = await docker.pruneContainers()
    assert.ok(pruned.ContainersDeleted?.includes(c.id))
  })

  it('streams events', async () => {
    const since = Math.floor(Date.now() / 1000) - 1
    const c = await docker.createContainer({ Image: 'busybox', Cmd: ['true'] })
    await c.remove()
    const until = Math.floor(Date.now() / 1000) + 1
    const stream = (await docker.getEvents({
      since,
      until,
      filters: { container: [c.id] },
    })) as NodeJS.ReadableStream
    let text = ''
    for await (const chunk of stream) text += chunk.toString()
    const actions = text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l).Action)
    assert.deepEqual(actions, ['create', 'destroy'])
  })
})
