// Engine API conformance, build routes: POST /build query parsing and the JSON-lines stream,
// error statuses before the first message and in-stream errors after it, cancellation on client
// disconnect (over a real socket), POST /build/prune and /build/cancel. Runs over
// FakeBuildService: Dockerfile semantics are tested with the real builder in test/e2e.
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer, request, type Server } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { gzipSync } from 'node:zlib'
import { createApiApp } from '../../src/api/app.ts'
import { buildRoutes } from '../../src/api/routes/build.ts'
import { FakeBuildService } from '../../src/build/fake-build-service.ts'
import { nullLogger } from '../../src/lib/log.ts'
import { encodeHeader, endOfArchive, padding } from '../../src/lib/tar/index.ts'
import { assertConforms, assertError, jsonLines } from '../support/conformance.ts'

function tarOf(files: Record<string, string>): Buffer {
  const parts: Buffer[] = []
  for (const [name, text] of Object.entries(files)) {
    const data = Buffer.from(text)
    parts.push(
      encodeHeader({
        name,
        type: 'file',
        mode: 0o644,
        uid: 0,
        gid: 0,
        size: data.length,
        mtime: 0,
        linkname: '',
        devmajor: 0,
        devminor: 0,
        xattrs: {},
      }),
      data,
      Buffer.alloc(padding(data.length)),
    )
  }
  return Buffer.concat([...parts, endOfArchive()])
}

const TAR = { 'content-type': 'application/x-tar' }

describe('API conformance: build', () => {
  const fake = new FakeBuildService()
  const app = createApiApp(buildRoutes(fake), nullLogger)
  const build = (
    query: string,
    files: Record<string, string> | Buffer,
    headers: Record<string, string> = {},
  ) =>
    app.inject({
      method: 'POST',
      url: `/v1.47/build${query}`,
      body: Buffer.isBuffer(files) ? files : tarOf(files),
      headers: { ...TAR, ...headers },
    })

  it('streams the legacy messages as JSON lines and passes every option through', async () => {
    const q = new URLSearchParams([
      ['t', 'a:1'],
      ['t', 'b'],
      ['dockerfile', 'sub/Dfile'],
      ['buildargs', JSON.stringify({ A: '1', B: null })],
      ['labels', JSON.stringify({ l: 'v' })],
      ['target', 'final'],
      ['nocache', '1'],
      ['pull', '1'],
      ['rm', '0'],
      ['forcerm', '1'],
      ['networkmode', 'none'],
      ['platform', 'linux/amd64'],
      ['extrahosts', 'h1:10.0.0.1,h2:10.0.0.2'],
      ['extrahosts', 'h3:10.0.0.3'],
      ['memory', '1000000'],
      ['cachefrom', '["busybox"]'],
      ['isolation', 'default'],
      ['ulimits', '[]'],
      ['version', '1'],
    ])
    const auth = Buffer.from(JSON.stringify({ 'r.example:5000': { username: 'u', password: 'p' } })).toString(
      'base64',
    )
    const res = await build(
      `?${q}`,
      { 'sub/Dfile': 'FROM busybox\nRUN echo hi\n' },
      { 'X-Registry-Config': auth },
    )
    assert.equal(res.status, 200, res.text())
    assert.equal(res.headers['content-type'], 'application/json')
    const lines = jsonLines(res) as Array<{ stream?: string; aux?: { ID: string } }>
    assert.equal(lines[0]?.stream, 'Step 1/2 : FROM busybox\n')
    const aux = lines.find((l) => l.aux)
    assert.match(aux?.aux?.ID ?? '', /^sha256:[0-9a-f]{64}$/)
    assert.ok(lines.some((l) => l.stream === 'Successfully tagged a:1\n'))
    assert.ok(lines.some((l) => l.stream === 'Successfully tagged b:latest\n'))
    const opts = fake.calls.at(-1)?.opts
    assert.deepEqual(opts, {
      dockerfile: 'sub/Dfile',
      tags: ['a:1', 'b'],
      buildArgs: { A: '1', B: null },
      target: 'final',
      noCache: true,
      pull: true,
      rm: false,
      forceRm: true,
      labels: { l: 'v' },
      networkMode: 'none',
      platform: 'linux/amd64',
      quiet: false,
      extraHosts: ['h1:10.0.0.1', 'h2:10.0.0.2', 'h3:10.0.0.3'],
      registryAuth: {
        'r.example:5000': { username: 'u', password: 'p', auth: undefined, identitytoken: undefined },
      },
    })
  })

  it('uses Docker defaults (Dockerfile, rm=1) and accepts a gzip context', async () => {
    const res = await build('', gzipSync(tarOf({ Dockerfile: 'FROM busybox\n' })))
    assert.equal(res.status, 200, res.text())
    const opts = fake.calls.at(-1)?.opts
    assert.equal(opts?.dockerfile, 'Dockerfile')
    assert.equal(opts?.rm, true)
    assert.equal(opts?.forceRm, false)
    assert.deepEqual(opts?.tags, [])
  })

  it('q=1 streams only the image id', async () => {
    const res = await build('?q=1', { Dockerfile: 'FROM busybox\nRUN true\n' })
    const lines = jsonLines(res) as Array<{ stream?: string; aux?: unknown }>
    const streams = lines.filter((l) => l.stream !== undefined)
    assert.equal(streams.length, 1)
    assert.match(streams[0]?.stream ?? '', /^sha256:[0-9a-f]{64}\n$/)
  })

  it('a failure before any output is an error status (a Dockerfile parse error)', async () => {
    assertError(
      await build('', { Dockerfile: 'FROM busybox\nFOO bar\n' }),
      400,
      'dockerfile parse error on line 2: unknown instruction: FOO',
    )
    assertError(
      await build('?dockerfile=nope', { Dockerfile: 'FROM busybox\n' }),
      400,
      /Cannot locate specified Dockerfile: nope/,
    )
  })

  it('a failure after the first message ends the 200 stream with errorDetail', async () => {
    const res = await build('', { Dockerfile: 'FROM busybox\nRUN exit 3\nRUN echo never\n' })
    assert.equal(res.status, 200)
    const lines = jsonLines(res) as Array<{
      stream?: string
      error?: string
      errorDetail?: { code?: number }
    }>
    const last = lines.at(-1)
    assert.equal(last?.error, "The command '/bin/sh -c exit 3' returned a non-zero code: 3")
    assert.equal(last?.errorDetail?.code, 3)
    assert.equal(lines.filter((l) => l.error).length, 1, 'one error message')
    assert.ok(!lines.some((l) => l.stream?.includes('echo never')))
  })

  it('rejects bad parameters with 400 before building', async () => {
    const n = fake.calls.length
    const ctx = { Dockerfile: 'FROM busybox\n' }
    assertError(await build('?version=2', ctx), 400, 'buildkit not supported by daemon')
    assertError(await build('?version=3', ctx), 400, 'invalid version "3"')
    assertError(
      await build('?remote=https://example.com/ctx.tar', ctx),
      400,
      /remote build contexts are not supported/,
    )
    assertError(await build('?buildargs=nope', ctx), 400, /error reading build args/)
    assertError(await build(`?buildargs=${encodeURIComponent('{"A":1}')}`, ctx), 400, /build args/)
    assertError(await build(`?labels=${encodeURIComponent('["x"]')}`, ctx), 400, /error reading labels/)
    assertError(await build('?memory=lots', ctx), 400, 'invalid value for memory: lots')
    assertError(await build('?extrahosts=nocolon', ctx), 400, /invalid IP address in add-host: "nocolon"/)
    assertError(
      await build(`?outputs=${encodeURIComponent('[{"Type":"local"}]')}`, ctx),
      400,
      /outputs are not supported/,
    )
    assertError(await build('', ctx, { 'X-Registry-Config': '!!notbase64json' }), 400, /X-Registry-Config/)
    assertError(await build('?cachefrom=nope', ctx), 400, /invalid cachefrom/)
    assertError(await build(`?cachefrom=${encodeURIComponent('{"a":1}')}`, ctx), 400, /invalid cachefrom/)
    assertError(await build('?squash=1', ctx), 400, 'squash is only supported with experimental mode')
    assertError(await build('?isolation=hyperv', ctx), 400, 'Unsupported isolation: "hyperv"')
    assertError(await build('', ctx, { 'content-type': 'text/plain' }), 400, /Content-Type text\/plain/)
    assert.equal(fake.calls.length, n, 'no build started')
    // An image output is what the legacy builder makes anyway.
    const ok = await build(`?outputs=${encodeURIComponent('[{"Type":"moby"}]')}`, ctx)
    assert.equal(ok.status, 200)
  })

  it('POST /build/prune passes all, filters and keep-storage/reserved-space', async () => {
    fake.cache = [
      {
        ID: 'c1',
        Type: 'regular',
        Description: 'RUN x',
        InUse: false,
        Shared: false,
        Size: 10,
        CreatedAt: '2026-01-01T00:00:00Z',
        LastUsedAt: null,
        UsageCount: 1,
      },
      {
        ID: 'c2',
        Type: 'exec.cachemount',
        Description: 'cache',
        InUse: false,
        Shared: true,
        Size: 5,
        CreatedAt: '2026-01-01T00:00:00Z',
        LastUsedAt: null,
        UsageCount: 1,
      },
    ]
    const filters = encodeURIComponent(JSON.stringify({ until: ['10m'], type: { regular: true } }))
    const res = await app.inject({
      method: 'POST',
      url: `/v1.47/build/prune?filters=${filters}&keep-storage=100`,
    })
    const body = assertConforms('BuildPrune', res) as { CachesDeleted: string[]; SpaceReclaimed: number }
    assert.deepEqual(body, { CachesDeleted: ['c1'], SpaceReclaimed: 10 })
    assert.deepEqual(fake.pruned.at(-1), {
      all: false,
      filters: { until: ['10m'], type: ['regular'] },
      keepStorage: 100,
    })
    const all = await app.inject({ method: 'POST', url: '/v1.47/build/prune?all=1&reserved-space=7' })
    assert.deepEqual(all.json(), { CachesDeleted: ['c2'], SpaceReclaimed: 5 })
    assert.deepEqual(fake.pruned.at(-1), { all: true, filters: {}, keepStorage: 7 })
    const none = await app.inject({ method: 'POST', url: '/v1.47/build/prune' })
    assert.deepEqual(none.json(), { CachesDeleted: null, SpaceReclaimed: 0 })
    assertError(
      await app.inject({ method: 'POST', url: '/v1.47/build/prune?max-used-space=5' }),
      400,
      /max-used-space/,
    )
    assertError(
      await app.inject({ method: 'POST', url: '/v1.47/build/prune?filters=nope' }),
      400,
      /invalid filter/,
    )
  })

  it('POST /build/cancel answers 200 (no BuildKit sessions to cancel)', async () => {
    const res = await app.inject({ method: 'POST', url: '/v1.47/build/cancel?id=x' })
    assert.equal(res.status, 200)
  })
})

describe('API conformance: build cancellation', () => {
  const fake = new FakeBuildService()
  const app = createApiApp(buildRoutes(fake), nullLogger)
  let dir: string
  let server: Server
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'berth-build-api-'))
    server = createServer((req, res) => app.handleRequest(req, res))
    await new Promise<void>((r) => server.listen(join(dir, 'api.sock'), r))
  })
  after(async () => {
    server?.closeAllConnections()
    await new Promise<void>((r) => (server ? server.close(() => r()) : r()))
    await rm(dir, { recursive: true, force: true })
  })

  it('aborts the build when the client disconnects', async () => {
    const req = request({
      socketPath: join(dir, 'api.sock'),
      method: 'POST',
      path: '/v1.47/build',
      headers: TAR,
    })
    const firstLine = new Promise<string>((resolve, reject) => {
      req.on('response', (res) => res.once('data', (d: Buffer) => resolve(d.toString())))
      req.on('error', reject)
    })
    req.end(tarOf({ Dockerfile: 'FROM busybox\nRUN sleep 1000\n' }))
    assert.match(await firstLine, /Step 1\/2 : FROM busybox/)
    req.destroy()
    const call = fake.calls.at(-1)!
    for (let i = 0; i < 100 && !call.aborted; i++) await new Promise((r) => setTimeout(r, 20))
    assert.equal(call.aborted, true, 'the build saw the abort signal')
  })
})
