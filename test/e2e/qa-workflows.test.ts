// Everyday docker CLI workflows where berth once differed from Docker (found by driving berthd
// with the real docker CLI): `--entrypoint ''` clears the image's entrypoint; an unknown
// `--log-driver` is refused at create; the legacy builder
// numbers the global ARGs as steps; `docker image prune` followed by a rebuild (and
// `docker system df`) copes with cache entries whose images are gone.
import assert from 'node:assert/strict'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { e2eSkipReason, type RunResult, TestDaemon } from '../support/daemon.ts'

const skip = e2eSkipReason()
const ok = (r: RunResult) =>
  assert.equal(r.code, 0, `exit ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`)
const env = { ...process.env, DOCKER_BUILDKIT: '0' }

describe('QA: everyday docker CLI workflows', { skip }, () => {
  let d: TestDaemon
  let ctx: string
  before(async () => {
    d = await TestDaemon.start()
    ctx = await mkdtemp(join(tmpdir(), 'berth-qa-'))
    await writeFile(
      join(ctx, 'Dockerfile'),
      [
        'ARG BASE=busybox',
        // biome-ignore lint/suspicious/noTemplateCurlyInString: Dockerfile syntax, not a template
        'FROM ${BASE}',
        'RUN echo built > /built',
        'CMD ["cat", "/built"]',
        '',
      ].join('\n'),
    )
  })
  after(async () => {
    await d?.stop()
    if (ctx) await rm(ctx, { recursive: true, force: true })
  })

  it("docker run --entrypoint '' runs the given command without the image's entrypoint", async () => {
    const r = await d.docker(['run', '--rm', '--entrypoint', '', 'busybox', 'echo', 'hi'])
    ok(r)
    assert.equal(r.stdout, 'hi\n')
    const c = await d.docker(['create', '--entrypoint', '', 'busybox', 'echo', 'x'])
    ok(c)
    const id = c.stdout.trim()
    const i = await d.docker(['inspect', '-f', '{{json .Config.Entrypoint}} {{.Path}} {{json .Args}}', id])
    assert.equal(i.stdout.trim(), 'null echo ["x"]')
    ok(await d.docker(['rm', id]))
    // With nothing left to run, Docker refuses the container.
    const none = await d.docker(['run', '--rm', '--entrypoint', '', 'busybox'])
    assert.equal(none.code, 125)
    assert.match(none.stderr, /no command specified/)
  })

  it('docker run --log-driver with an unknown driver fails at create, as dockerd does', async () => {
    const r = await d.docker(['run', '--rm', '--log-driver', 'bogus', 'busybox', 'true'])
    assert.equal(r.code, 125)
    assert.match(r.stderr, /logger: no log driver named 'bogus' is registered/)
    const ps = await d.docker(['ps', '-aq'])
    assert.equal(ps.stdout, '')
  })

  it('docker build numbers the global ARGs first, as the legacy builder does', async () => {
    const r = await d.docker(['build', '-t', 'qa:1', ctx], { env })
    ok(r)
    assert.match(r.stdout, /^Step 1\/4 : ARG BASE=busybox\nStep 2\/4 : FROM \$\{BASE\}\n/m)
    assert.match(r.stdout, /Step 4\/4 : CMD \["cat", "\/built"\]/)
  })

  it('rebuilds and reports disk usage after docker image prune removed the cached step images', async () => {
    ok(await d.docker(['build', '-q', '-t', 'qa:2', ctx], { env }))
    ok(await d.docker(['rmi', 'qa:1', 'qa:2']))
    ok(await d.docker(['image', 'prune', '-f']))
    const df = await d.docker(['system', 'df'])
    ok(df)
    assert.match(df.stdout, /Build Cache/)
    const again = await d.docker(['build', '-t', 'qa:3', ctx], { env })
    ok(again)
    assert.doesNotMatch(again.stdout, /Using cache/)
    const run = await d.docker(['run', '--rm', 'qa:3'])
    ok(run)
    assert.equal(run.stdout, 'built\n')
  })

  it('docker build pulls a FROM image missing from the store (and reports the pull error)', async () => {
    const r = await d.docker(['build', '-'], { env, input: 'FROM 127.0.0.1:1/missing:1\n' })
    assert.equal(r.code, 1)
    assert.doesNotMatch(r.stderr, /No such image/)
    assert.match(`${r.stdout}${r.stderr}`, /127\.0\.0\.1:1\/v2\/missing\/manifests\/1/)
  })
})
