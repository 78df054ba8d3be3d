import assert from 'node:assert/strict'
import { Readable } from 'node:stream'
import { after, before, describe, it } from 'node:test'
import { EngineClient, encodeFilters, negotiate } from './engine-client.ts'
import { DaemonUnreachableError, EngineApiError } from './errors.ts'
import { type FakeEngine, startFakeEngine, upgradeHead } from './fake-engine.ts'
import { demultiplex, encodeFrame } from './stdcopy.ts'

describe('EngineClient against a fake daemon', () => {
  let fe: FakeEngine
  let client: EngineClient
  before(async () => {
    fe = await startFakeEngine(
      {
        'GET /containers/json': { json: [{ Id: 'abc', Names: ['/x'] }] },
        'GET /containers/missing/json': { status: 404, json: { message: 'No such container: missing' } },
        'POST /containers/create': { status: 201, json: { Id: 'new', Warnings: [] } },
        'POST /containers/:id/start': { status: 204 },
        'DELETE /containers/:id': { status: 204 },
        'GET /containers/:id/logs': {
          headers: { 'Content-Type': 'application/vnd.docker.multiplexed-stream' },
          text: Buffer.concat([encodeFrame('stdout', 'out\n'), encodeFrame('stderr', 'err\n')]).toString(
            'latin1',
          ),
        },
        'GET /events': (_req, res) => {
          res.setHeader('Content-Type', 'application/json')
          res.write(
            '{"Type":"container","Action":"start","Actor":{"ID":"a","Attributes":{}},"time":1,"timeNano":1}\n',
          )
          res.end(
            '{"Type":"container","Action":"die","Actor":{"ID":"a","Attributes":{}},"time":2,"timeNano":2}\n',
          )
        },
        'POST /images/load': (req, res) => {
          res.setHeader('Content-Type', 'application/json')
          res.end(`{"stream":"Loaded image: x:latest (${req.body.length} bytes)\\n"}\n`)
        },
        'GET /images/get': { text: 'TAR' },
        'DELETE /images/:name': { json: [{ Untagged: 'a/b:c' }, { Deleted: 'sha256:1' }] },
        'POST /images/:name/tag': { status: 201 },
        'GET /error/text': { status: 500, text: 'plain failure' },
      },
      {
        apiVersion: '1.45',
        hijack: {
          'POST /containers/:id/attach': (_req, socket) => {
            socket.write(upgradeHead(true))
            socket.end(Buffer.concat([encodeFrame('stdout', 'attached\n'), encodeFrame('stderr', 'warn\n')]))
          },
        },
      },
    )
    client = new EngineClient({ host: fe.host })
  })
  after(async () => {
    client.close()
    await fe.close()
  })

  it('negotiates down to the daemon version and prefixes paths with it', async () => {
    assert.equal(await client.apiVersion(), '1.45')
    await client.containerList({ all: true, filters: { status: ['exited'] } })
    const req = fe.requests.findLast((r) => r.path === '/containers/json')
    assert.equal(req?.version, '1.45')
    assert.equal(req?.query.get('all'), '1')
    assert.equal(req?.query.get('filters'), '{"status":{"exited":true}}')
  })

  it('turns an error status into EngineApiError with the daemon message and kind', async () => {
    await assert.rejects(client.containerInspect('missing'), (err: unknown) => {
      assert.ok(err instanceof EngineApiError)
      assert.equal(err.statusCode, 404)
      assert.equal(err.kind, 'not-found')
      assert.equal(err.message, 'No such container: missing')
      return true
    })
  })

  it('sends create bodies as JSON with name and platform in the query', async () => {
    const res = await client.containerCreate(
      { Image: 'alpine', Cmd: ['true'] },
      { name: 'n1', platform: 'linux/amd64' },
    )
    assert.equal(res.Id, 'new')
    const req = fe.requests.findLast((r) => r.path === '/containers/create')
    assert.deepEqual(JSON.parse(req?.body.toString() ?? ''), { Image: 'alpine', Cmd: ['true'] })
    assert.equal(req?.query.get('name'), 'n1')
    assert.equal(req?.headers['content-type'], 'application/json')
  })

  it('encodes delete options as docker does', async () => {
    await client.containerDelete('c1', { force: true, volumes: true })
    const req = fe.requests.findLast((r) => r.method === 'DELETE')
    assert.equal(req?.query.toString(), 'force=1&v=1')
  })

  it('streams logs and reports the multiplexed framing', async () => {
    const { stream, multiplexed } = await client.containerLogs('c1', { tail: '10' })
    assert.equal(multiplexed, true)
    const out: Buffer[] = []
    const err: Buffer[] = []
    await demultiplex(stream, {
      stdout: { write: (b: Buffer) => out.push(b) },
      stderr: { write: (b: Buffer) => err.push(b) },
    })
    assert.equal(Buffer.concat(out).toString(), 'out\n')
    assert.equal(Buffer.concat(err).toString(), 'err\n')
  })

  it('hijacks attach with Upgrade: tcp and returns the raw socket', async () => {
    const conn = await client.containerAttach('c1', { stdout: true, stderr: true })
    assert.equal(conn.multiplexed, true)
    const out: Buffer[] = []
    await demultiplex(conn.socket, {
      stdout: { write: (b: Buffer) => out.push(b) },
      stderr: { write: () => undefined },
    })
    assert.equal(Buffer.concat(out).toString(), 'attached\n')
    const req = fe.requests.findLast((r) => r.path === '/containers/c1/attach')
    assert.equal(req?.headers.upgrade, 'tcp')
    assert.equal(req?.query.get('stream'), '1')
  })

  it('decodes the events stream', async () => {
    const actions: string[] = []
    for await (const e of client.systemEvents({ since: '0' })) actions.push(e.Action)
    assert.deepEqual(actions, ['start', 'die'])
  })

  it('uploads a tar for image load and yields progress messages', async () => {
    const msgs = []
    for await (const m of client.imageLoad(Readable.from([Buffer.from('12345')]))) msgs.push(m)
    assert.deepEqual(msgs, [{ stream: 'Loaded image: x:latest (5 bytes)\n' }])
  })

  it('repeats names for image save of several images', async () => {
    const res = await client.imageGetAll(['a', 'b:1'])
    res.resume()
    const req = fe.requests.findLast((r) => r.path === '/images/get')
    assert.deepEqual(req?.query.getAll('names'), ['a', 'b:1'])
  })

  it('keeps slashes of image names in paths', async () => {
    const items = await client.imageDelete('a/b:c', { force: true })
    assert.equal(items.length, 2)
    assert.ok(fe.requests.some((r) => r.method === 'DELETE' && r.path === '/images/a/b:c'))
  })

  it('keeps a non-JSON error body as the message', async () => {
    const c2 = new EngineClient({ host: fe.host, apiVersion: '1.47' })
    await assert.rejects(c2.containerTop('x'), /page not found/)
    c2.close()
  })
})

describe('EngineClient connection failures', () => {
  it('reports an unreachable daemon like docker', async () => {
    const client = new EngineClient({ host: 'unix:///nonexistent/berth.sock' })
    await assert.rejects(client.systemPing(), (err: unknown) => {
      assert.ok(err instanceof DaemonUnreachableError)
      assert.equal(
        err.message,
        'Cannot connect to the Docker daemon at unix:///nonexistent/berth.sock. Is the docker daemon running?',
      )
      return true
    })
    client.close()
  })
})

describe('negotiate / encodeFilters', () => {
  it('never goes above the client version', () => {
    assert.equal(negotiate('1.50'), '1.47')
    assert.equal(negotiate('1.41'), '1.41')
    assert.equal(negotiate(undefined), '1.47')
  })
  it('encodes filters in docker legacy map form and omits empty ones', () => {
    assert.equal(encodeFilters({ label: ['a=b', 'c'] }), '{"label":{"a=b":true,"c":true}}')
    assert.equal(encodeFilters({ label: [] }), undefined)
    assert.equal(encodeFilters(undefined), undefined)
  })
})
