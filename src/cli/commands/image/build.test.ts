// berth build and builder prune against a fake engine: the query, headers and body they send,
// what they print, and their exit codes.
import assert from 'node:assert/strict'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { after, before, describe, it } from 'node:test'
import type { FakeRoutes } from '../../../client/fake-engine.ts'
import { readTar } from '../../../lib/tar/index.ts'
import { runCliAgainst } from '../../testing.ts'

function runCli(argv: string[], routes: FakeRoutes, env: NodeJS.ProcessEnv = {}, input = '') {
  return runCliAgainst(argv, routes, { env, stdin: input })
}

const ID = `sha256:${'c'.repeat(64)}`
const lines = (...ms: unknown[]) => ({
  text: ms.map((m) => `${JSON.stringify(m)}\n`).join(''),
  headers: { 'Content-Type': 'application/json' },
})

describe('berth build', () => {
  let dir: string
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'berth-build-cli-'))
    await writeFile(join(dir, 'Dockerfile'), 'FROM busybox\n')
  })
  after(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('sends docker flags as the legacy query, the context tar and X-Registry-Config', async () => {
    const routes: FakeRoutes = {
      'POST /build': lines(
        { stream: 'Step 1/1 : FROM busybox\n' },
        { aux: { ID } },
        { stream: 'Successfully built cccccccccccc\n' },
      ),
    }
    const r = await runCli(
      [
        'build',
        ...['-t', 'a:1', '-t', 'b', '--build-arg', 'X=1', '--build-arg', 'FROM_ENV', '--build-arg', 'UNSET'],
        ...['--label', 'k=v', '--label', 'bare', '--target', 'final', '--no-cache', '--pull', '--rm=false'],
        ...['--force-rm', '--network', 'none', '--platform', 'linux/amd64', '--add-host', 'h:10.0.0.1'],
        dir,
      ],
      routes,
      { FROM_ENV: 'env-value', DOCKER_CONFIG: join(dir, 'no-config') },
    )
    assert.equal(r.code, 0, r.stderr)
    assert.match(
      r.stdout,
      /^Sending build context to Docker daemon {2}2\.048kB\r\r\nStep 1\/1 : FROM busybox\n/,
    )
    const req = r.requests.find((x) => x.path === '/build')!
    const q = req.query
    assert.deepEqual(q.getAll('t'), ['a:1', 'b'])
    assert.deepEqual(JSON.parse(q.get('buildargs')!), { X: '1', FROM_ENV: 'env-value', UNSET: null })
    assert.deepEqual(JSON.parse(q.get('labels')!), { k: 'v', bare: '' })
    assert.equal(q.get('target'), 'final')
    assert.equal(q.get('nocache'), '1')
    assert.equal(q.get('pull'), '1')
    assert.equal(q.get('rm'), '0')
    assert.equal(q.get('forcerm'), '1')
    assert.equal(q.get('networkmode'), 'none')
    assert.equal(q.get('platform'), 'linux/amd64')
    assert.equal(q.get('extrahosts'), 'h:10.0.0.1')
    assert.equal(q.get('dockerfile'), 'Dockerfile')
    assert.equal(q.get('version'), '1')
    assert.equal(req.headers['content-type'], 'application/x-tar')
    assert.equal(req.headers['x-registry-config'], Buffer.from('{}').toString('base64'))
    const names: string[] = []
    for await (const e of readTar(Readable.from([req.body]))) names.push(e.header.name)
    assert.deepEqual(names, ['Dockerfile'])
  })

  it('defaults: rm and network are left to the daemon; --iidfile gets the aux id', async () => {
    const iid = join(dir, 'iid')
    await writeFile(iid, 'stale')
    const r = await runCli(['build', '-q', '--iidfile', iid, dir], {
      'POST /build': lines({ aux: { ID } }, { stream: `${ID}\n` }),
    })
    assert.equal(r.code, 0, r.stderr)
    assert.equal(r.stdout, `${ID}\n`)
    assert.equal(await readFile(iid, 'utf8'), ID)
    const q = r.requests.find((x) => x.path === '/build')!.query
    assert.equal(q.get('q'), '1')
    assert.equal(q.get('rm'), null)
    assert.equal(q.get('networkmode'), null)
  })

  it('exits with the error code of the stream (1 when none) and prints its message', async () => {
    const fail = await runCli(['build', dir], {
      'POST /build': lines(
        { stream: 'Step 1/1 : RUN x\n' },
        { errorDetail: { code: 7, message: 'boom 7' }, error: 'boom 7' },
      ),
    })
    assert.equal(fail.code, 7)
    assert.equal(fail.stderr, 'boom 7\n')
    const iid = join(dir, 'iid-fail')
    await writeFile(iid, 'stale')
    const noCode = await runCli(['build', '--iidfile', iid, dir], {
      'POST /build': lines({ error: 'plain failure' }),
    })
    assert.equal(noCode.code, 1)
    assert.equal(noCode.stderr, 'plain failure\n')
    await assert.rejects(readFile(iid), /ENOENT/, 'no stale id file after a failure')
    const refused = await runCli(['build', dir], {
      'POST /build': { status: 400, json: { message: 'bad thing' } },
    })
    assert.equal(refused.code, 1)
    assert.equal(refused.stderr, 'Error response from daemon: bad thing\n')
  })

  it('rejects a bad --progress and a missing context like docker', async () => {
    const bad = await runCli(['build', '--progress', 'fancy', dir], {})
    assert.equal(bad.code, 125)
    assert.match(bad.stderr, /invalid progress mode "fancy"/)
    const none = await runCli(['build'], {})
    assert.equal(none.code, 1)
    assert.match(none.stderr, /requires 1 argument/)
  })
})

describe('berth builder prune', () => {
  it('sends all, filters and keep-storage; prints docker report', async () => {
    const r = await runCli(
      ['builder', 'prune', '-a', '-f', '--filter', 'until=24h', '--keep-storage', '1k'],
      {
        'POST /build/prune': { json: { CachesDeleted: ['abc', 'def'], SpaceReclaimed: 2048 } },
      },
    )
    assert.equal(r.code, 0, r.stderr)
    assert.equal(r.stdout, 'Deleted build cache objects:\nabc\ndef\n\nTotal reclaimed space: 2.048kB\n')
    const q = r.requests.find((x) => x.path === '/build/prune')!.query
    assert.equal(q.get('all'), '1')
    assert.equal(q.get('keep-storage'), '1024')
    assert.deepEqual(JSON.parse(q.get('filters')!), { until: { '24h': true } })
  })
})
