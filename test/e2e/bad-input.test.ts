// Bad input over the raw API: each gets a 4xx with a clear {"message"}, the daemon keeps
// serving, and nothing on disk changes.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { pack } from 'tar-stream'
import { e2eSkipReason, TestDaemon } from '../support/daemon.ts'

const skip = e2eSkipReason()

function tarball(
  entries: Array<{ name: string; type?: 'file' | 'symlink'; linkname?: string; body?: string }>,
): Promise<Buffer> {
  const p = pack()
  for (const e of entries) {
    if (e.type === 'symlink') p.entry({ name: e.name, type: 'symlink', linkname: e.linkname })
    else p.entry({ name: e.name }, e.body ?? 'x')
  }
  p.finalize()
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    p.on('data', (c: unknown) => chunks.push(c as Buffer))
    p.on('end', () => resolve(Buffer.concat(chunks)))
    p.on('error', reject)
  })
}

describe('bad input', { skip }, () => {
  let d: TestDaemon
  before(async () => {
    d = await TestDaemon.start()
  })
  after(async () => {
    await d?.stop()
  })

  it('malformed JSON is a 400', async () => {
    const r = await d.api('POST', '/v1.47/containers/create', '{"Image": "busybox", ')
    assert.equal(r.status, 400)
    assert.match(r.json().message, /invalid JSON|unexpected/i)
  })

  it('unknown container and image are 404s with Docker wording', async () => {
    const c = await d.api('GET', '/v1.47/containers/nosuch/json')
    assert.equal(c.status, 404)
    assert.equal(c.json().message, 'No such container: nosuch')
    const i = await d.api('GET', '/v1.47/images/nosuch:latest/json')
    assert.equal(i.status, 404)
    assert.match(i.json().message, /No such image: nosuch:latest/)
    const create = await d.api('POST', '/v1.47/containers/create', { Image: 'nosuch', Cmd: ['true'] })
    assert.equal(create.status, 404)
    assert.match(create.json().message, /No such image/)
  })

  it('invalid names and references are 400s', async () => {
    const name = await d.api('POST', '/v1.47/containers/create?name=bad%20name!', {
      Image: 'busybox',
      Cmd: ['true'],
    })
    assert.equal(name.status, 400)
    assert.match(name.json().message, /Invalid container name/)
    const ref = await d.api('POST', '/v1.47/images/busybox/tag?repo=UPPER&tag=x')
    assert.equal(ref.status, 400)
    assert.match(ref.json().message, /invalid reference format/)
  })

  it('a name in use is a 409 and removing a running container needs force', async () => {
    const a = await d.api('POST', '/v1.47/containers/create?name=taken', {
      Image: 'busybox',
      Cmd: ['sleep', '60'],
    })
    assert.equal(a.status, 201)
    const b = await d.api('POST', '/v1.47/containers/create?name=taken', { Image: 'busybox', Cmd: ['true'] })
    assert.equal(b.status, 409)
    assert.match(b.json().message, /Conflict. The container name "\/taken" is already in use by container/)
    assert.equal((await d.api('POST', '/v1.47/containers/taken/start')).status, 204)
    const rm = await d.api('DELETE', '/v1.47/containers/taken')
    assert.equal(rm.status, 409)
    assert.match(
      rm.json().message,
      /container is running: stop the container before removing or force remove/,
    )
    assert.equal((await d.api('DELETE', '/v1.47/containers/taken?force=1')).status, 204)
  })

  it('tarballs escaping the root are rejected and write nothing outside', async () => {
    const dotdot = await d.api(
      'POST',
      '/v1.47/images/create?fromSrc=-&repo=evil&tag=1',
      await tarball([{ name: '../escape.txt' }]),
      { 'Content-Type': 'application/x-tar' },
    )
    assert.ok(
      dotdot.status >= 400 || dotdot.body.includes('"error'),
      `expected a rejection, got ${dotdot.status} ${dotdot.body}`,
    )
    // A symlink to an absolute path is legal in a rootfs; writing through it must stay inside.
    await d.api(
      'POST',
      '/v1.47/images/create?fromSrc=-&repo=evil&tag=2',
      await tarball([{ name: 'link', type: 'symlink', linkname: '/tmp' }, { name: 'link/escape.txt' }]),
      { 'Content-Type': 'application/x-tar' },
    )
    const { existsSync } = await import('node:fs')
    assert.equal(existsSync('/tmp/escape.txt'), false)
    assert.equal(existsSync(`${d.dir}/escape.txt`), false)
    assert.equal((await d.api('GET', '/_ping')).status, 200)
  })

  it("a too-new API version gets Docker's error", async () => {
    const r = await d.api('GET', '/v1.99/info')
    assert.equal(r.status, 400)
    assert.match(r.json().message, /client version 1.99 is too new. Maximum supported API version is 1.47/)
  })
})
