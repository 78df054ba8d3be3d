// Pull, push and login through a real berthd against the in-memory fake registry on 127.0.0.1,
// with the real docker CLI and the berth CLI: round trips, pull by digest, Basic auth, and
// failures (wrong password, missing tag, corrupted blob) that must leave nothing behind.
import assert from 'node:assert/strict'
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { busyboxRootfsTar } from '../../src/image/testing.ts'
import { e2eSkipReason, TestDaemon } from '../support/daemon.ts'
import { FakeRegistry } from '../support/fake-registry.ts'

const skip = e2eSkipReason()

describe('pull and push through berthd', { skip }, () => {
  let d: TestDaemon
  let d2: TestDaemon
  let reg: FakeRegistry
  let sec: FakeRegistry
  let pushedDigest = ''
  before(async () => {
    reg = await FakeRegistry.start()
    sec = await FakeRegistry.start({ auth: { kind: 'basic', username: 'alice', password: 's3cret' } })
    d = await TestDaemon.start()
    d2 = await TestDaemon.start({ busybox: false })
  })
  after(async () => {
    await d?.stop()
    await d2?.stop()
    await reg?.stop()
    await sec?.stop()
  })
  const berthEnv = (daemon: TestDaemon, name: string) => ({ DOCKER_CONFIG: join(daemon.dir, name) })

  it('docker CLI: push an imported image, remove it, pull it back and run it', async () => {
    const ref = `${reg.host}/busybox:1`
    assert.equal((await d.docker(['tag', 'busybox', ref])).code, 0)
    const push = await d.docker(['push', ref])
    assert.equal(push.code, 0, push.stderr)
    assert.match(push.stdout, new RegExp(`The push refers to repository \\[${reg.host}/busybox\\]`))
    assert.match(push.stdout, /: Pushed/)
    const m = /1: digest: (sha256:[a-f0-9]{64}) size: \d+/.exec(push.stdout)
    assert.ok(m, push.stdout)
    pushedDigest = m[1]!
    assert.equal((await d.docker(['rmi', ref])).code, 0)
    const pull = await d.docker(['pull', ref])
    assert.equal(pull.code, 0, pull.stderr)
    assert.match(pull.stdout, /1: Pulling from busybox/)
    assert.match(pull.stdout, new RegExp(`Digest: ${pushedDigest}`))
    assert.match(pull.stdout, new RegExp(`Status: Downloaded newer image for ${reg.host}/busybox:1`))
    assert.match(pull.stdout, new RegExp(`^${reg.host}/busybox:1$`, 'm'))
    const digests = await d.docker(['image', 'inspect', '-f', '{{json .RepoDigests}}', ref])
    assert.deepEqual(JSON.parse(digests.stdout), [`${reg.host}/busybox@${pushedDigest}`])
    const run = await d.docker(['run', '--rm', ref, 'echo', 'pulled'])
    assert.equal(run.code, 0, run.stderr)
    assert.equal(run.stdout, 'pulled\n')
  })

  it('berth CLI: pulls into an empty daemon by tag and by digest, and runs it', async () => {
    const pull = await d2.berth(['pull', `${reg.host}/busybox:1`])
    assert.equal(pull.code, 0, pull.stderr)
    assert.match(pull.stdout, /Pull complete/)
    assert.match(pull.stdout, new RegExp(`${reg.host}/busybox:1\n$`))
    const run = await d2.berth(['run', '--rm', `${reg.host}/busybox:1`, 'echo', 'hi'])
    assert.equal(run.code, 0, run.stderr)
    assert.equal(run.stdout, 'hi\n')
    const q = await d2.berth(['pull', '-q', `${reg.host}/busybox@${pushedDigest}`])
    assert.equal(q.code, 0, q.stderr)
    assert.equal(q.stdout, `${reg.host}/busybox@${pushedDigest}\n`)
    const push = await d2.berth(['push', `${reg.host}/busybox:1`])
    assert.equal(push.code, 0, push.stderr)
    assert.match(push.stdout, /Layer already exists/)
    assert.match(push.stdout, new RegExp(`1: digest: ${pushedDigest} size: \\d+`))
  })

  it('Basic auth: wrong password is refused clearly, login then push and pull', async () => {
    const env = berthEnv(d, 'cfg-basic')
    const ref = `${sec.host}/private:1`
    assert.equal((await d.berth(['tag', 'busybox', ref])).code, 0)
    const anon = await d.berth(['push', ref], { env })
    assert.equal(anon.code, 1)
    assert.match(anon.stderr, /unauthorized: authentication required/)
    const bad = await d.berth(['login', '-u', 'alice', '--password-stdin', sec.host], {
      input: 'nope\n',
      env,
    })
    assert.equal(bad.code, 1)
    assert.equal(
      bad.stderr.trim(),
      `Error response from daemon: login attempt to http://${sec.host}/v2/ failed with status: 401 Unauthorized`,
    )
    const ok = await d.berth(['login', '-u', 'alice', '--password-stdin', sec.host], {
      input: 's3cret\n',
      env,
    })
    assert.equal(ok.code, 0, ok.stderr)
    assert.equal(ok.stdout, 'Login Succeeded\n')
    const cfg = JSON.parse(await readFile(join(env.DOCKER_CONFIG, 'config.json'), 'utf8'))
    assert.equal(cfg.auths[sec.host].auth, Buffer.from('alice:s3cret').toString('base64'))
    const push = await d.berth(['push', ref], { env })
    assert.equal(push.code, 0, push.stderr)
    // The docker CLI logs in through berthd's POST /auth too, and pulls with its own config.
    const dl = await d2.docker(['login', '-u', 'alice', '--password-stdin', sec.host], { input: 's3cret\n' })
    assert.equal(dl.code, 0, dl.stderr)
    assert.match(dl.stdout, /Login Succeeded/)
    const pull = await d2.docker(['pull', ref])
    assert.equal(pull.code, 0, pull.stderr)
    const logout = await d.berth(['logout', sec.host], { env })
    assert.equal(logout.stdout, `Removing login credentials for ${sec.host}\n`)
    const denied = await d.berth(['pull', ref], { env })
    assert.equal(denied.code, 1)
    assert.match(denied.stderr, /pull access denied for 127\.0\.0\.1:\d+\/private, repository does not exist/)
  })

  it('a missing tag is an error and leaves nothing', async () => {
    const before = (await d2.docker(['images', '-q', '--no-trunc'])).stdout
    const r = await d2.docker(['pull', `${reg.host}/busybox:nope`])
    assert.equal(r.code, 1)
    assert.equal(
      r.stderr.trim(),
      `Error response from daemon: manifest for ${reg.host}/busybox:nope not found: manifest unknown: manifest unknown`,
    )
    assert.equal((await d2.docker(['images', '-q', '--no-trunc'])).stdout, before)
  })

  it('a corrupted blob is detected and nothing partial is committed', async () => {
    const tar = await busyboxRootfsTar([{ name: 'etc/corrupt-me', data: 'x'.repeat(10_000) }])
    // Imported through the API: `berth import -` with a piped body currently gets its
    // connection reset by berthd (chunked upload), which is not what this test is about.
    const imp = await d.api('POST', `/images/create?fromSrc=-&repo=${reg.host}/bad&tag=1`, tar, {
      'Content-Type': 'application/x-tar',
    })
    assert.equal(imp.status, 200, imp.body)
    assert.equal((await d.berth(['push', `${reg.host}/bad:1`])).code, 0)
    const repo = reg.repos.get('bad')!
    const manifest = JSON.parse(repo.manifests.get(repo.tags.get('1')!)!.bytes.toString('utf8'))
    reg.corrupted.add(manifest.layers[0].digest)
    const blobsDir = join(d2.dataRoot, 'image/content/blobs/sha256')
    const blobsBefore = (await readdir(blobsDir)).sort()
    const imagesBefore = (await d2.docker(['images', '-q', '--no-trunc'])).stdout
    const r = await d2.berth(['pull', `${reg.host}/bad:1`])
    assert.equal(r.code, 1)
    assert.match(r.stderr, /filesystem layer verification failed for digest sha256:[a-f0-9]{64}/)
    assert.equal((await d2.docker(['images', '-q', '--no-trunc'])).stdout, imagesBefore)
    assert.deepEqual((await readdir(blobsDir)).sort(), blobsBefore)
    assert.deepEqual(await readdir(join(d2.dataRoot, 'image/content/ingest')), [])
    // Once the registry serves the right bytes, the same pull succeeds.
    reg.corrupted.clear()
    const retry = await d2.berth(['pull', `${reg.host}/bad:1`])
    assert.equal(retry.code, 0, retry.stderr)
  })
})
