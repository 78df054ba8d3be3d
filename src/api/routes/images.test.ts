import assert from 'node:assert/strict'
import { rm } from 'node:fs/promises'
import { after, before, describe, it } from 'node:test'
import { FakeRegistry } from '../../../test/support/fake-registry.ts'
import { EventBus } from '../../events/index.ts'
import { ImageService } from '../../image/index.ts'
import { busyboxRootfsTar, haveBusybox, tempRoot } from '../../image/testing.ts'
import { nullLogger } from '../../lib/log.ts'
import { type ApiApp, createApiApp } from '../app.ts'
import { imageRoutes } from './images.ts'

const skip = !haveBusybox() ? 'needs /usr/bin/busybox (busybox-static)' : false

function lines(body: string): Array<Record<string, unknown>> {
  return body
    .split('\r\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>)
}

describe('image routes', { skip }, () => {
  let root: string
  let app: ApiApp
  let id: string

  before(async () => {
    root = await tempRoot('berth-image-routes-')
    const svc = new ImageService({ root, publisher: new EventBus(), log: nullLogger })
    await svc.init()
    app = createApiApp(imageRoutes(svc), nullLogger)
  })
  after(async () => {
    await rm(root, { recursive: true, force: true })
  })

  it('imports from the request body (imageCreate fromSrc=-)', async () => {
    const url = `/v1.47/images/create?fromSrc=-&repo=busybox&tag=latest&changes=${encodeURIComponent('CMD ["sh"]')}`
    const res = await app.inject({
      method: 'POST',
      url,
      body: await busyboxRootfsTar(),
      headers: { 'content-type': 'application/x-tar' },
    })
    assert.equal(res.status, 200)
    const msgs = lines(res.text())
    id = String(msgs.at(-1)?.status)
    assert.match(id, /^sha256:[a-f0-9]{64}$/)
  })

  it('lists (imageList) and inspects (imageInspect)', async () => {
    const list = await app.inject({ method: 'GET', url: '/v1.47/images/json' })
    assert.equal(list.status, 200)
    const [s] = list.json() as Array<Record<string, unknown>>
    assert.deepEqual(Object.keys(s!).sort(), [
      'Containers',
      'Created',
      'Id',
      'Labels',
      'ParentId',
      'RepoDigests',
      'RepoTags',
      'SharedSize',
      'Size',
    ])
    assert.deepEqual(s!.RepoTags, ['busybox:latest'])
    assert.equal(s!.SharedSize, -1)
    assert.equal(typeof s!.Created, 'number')

    const res = await app.inject({ method: 'GET', url: '/v1.47/images/busybox/json' })
    assert.equal(res.status, 200)
    const body = res.json() as {
      Id: string
      Comment: string
      Config: { Cmd: string[] }
      GraphDriver: { Name: string; Data: { UpperDir: string } }
      RootFS: { Type: string; Layers: string[] }
      Metadata: { LastTagTime: string }
    }
    assert.equal(body.Id, id)
    assert.deepEqual(body.Config.Cmd, ['sh'])
    assert.equal(body.Comment, 'Imported from -')
    assert.equal(body.GraphDriver.Name, 'overlay2')
    assert.match(body.GraphDriver.Data.UpperDir, /\/overlay\/layers\/[a-f0-9]{64}\/diff$/)
    assert.equal(body.RootFS.Type, 'layers')
    assert.equal(body.RootFS.Layers.length, 1)
    assert.match(body.Metadata.LastTagTime, /^\d{4}-/)

    const missing = await app.inject({ method: 'GET', url: '/v1.47/images/nope/json' })
    assert.equal(missing.status, 404)
    assert.deepEqual(missing.json(), { message: 'No such image: nope:latest' })
  })

  it('tags (imageTag), including names with slashes and ports', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/v1.47/images/busybox/tag?repo=localhost:5000/a/b&tag=t',
    })
    assert.equal(res.status, 201)
    const got = await app.inject({ method: 'GET', url: '/v1.47/images/localhost:5000/a/b:t/json' })
    assert.equal(got.status, 200)
    assert.deepEqual((got.json() as { RepoTags: string[] }).RepoTags.sort(), [
      'busybox:latest',
      'localhost:5000/a/b:t',
    ])
    const bad = await app.inject({ method: 'POST', url: '/v1.47/images/busybox/tag?repo=Foo' })
    assert.equal(bad.status, 400)
    assert.deepEqual(bad.json(), {
      message: 'invalid reference format: repository name (library/Foo) must be lowercase',
    })
  })

  it('shows history (imageHistory)', async () => {
    const res = await app.inject({ method: 'GET', url: '/v1.47/images/busybox/history' })
    assert.equal(res.status, 200)
    const [h] = res.json() as Array<Record<string, unknown>>
    assert.equal(h!.Id, id)
    assert.equal(h!.Comment, 'Imported from -')
    assert.deepEqual(h!.Tags, ['busybox:latest', 'localhost:5000/a/b:t'].sort())
  })

  it('answers delete conflicts with 409 (imageDelete)', async () => {
    const res = await app.inject({ method: 'DELETE', url: `/v1.47/images/${id.slice(7, 19)}` })
    assert.equal(res.status, 409)
    assert.deepEqual(res.json(), {
      message: `conflict: unable to delete ${id.slice(7, 19)} (must be forced) - image is referenced in multiple repositories`,
    })
    const ok = await app.inject({ method: 'DELETE', url: '/v1.47/images/localhost:5000/a/b:t' })
    assert.deepEqual(ok.json(), [{ Untagged: 'localhost:5000/a/b:t' }])
    const missing = await app.inject({ method: 'DELETE', url: '/v1.47/images/nope' })
    assert.equal(missing.status, 404)
  })

  it('saves (imageGet) and loads (imageLoad) archives', async () => {
    const saved = await app.inject({ method: 'GET', url: '/v1.47/images/busybox/get' })
    assert.equal(saved.status, 200)
    assert.equal(saved.headers['content-type'], 'application/x-tar')
    const all = await app.inject({ method: 'GET', url: '/v1.47/images/get?names=busybox' })
    assert.equal(all.body.length, saved.body.length)
    const del = await app.inject({ method: 'DELETE', url: '/v1.47/images/busybox' })
    assert.deepEqual((del.json() as unknown[])[0], { Untagged: 'busybox:latest' })
    const loaded = await app.inject({ method: 'POST', url: '/v1.47/images/load?quiet=1', body: saved.body })
    assert.equal(loaded.status, 200)
    assert.deepEqual(lines(loaded.text()), [{ stream: 'Loaded image: busybox:latest\n' }])
    const bad = await app.inject({
      method: 'POST',
      url: '/v1.47/images/load',
      body: Buffer.from('not a tarball at all, clearly'),
    })
    assert.equal(bad.status, 400)
    const missing = await app.inject({ method: 'GET', url: '/v1.47/images/nope/get' })
    assert.equal(missing.status, 404)
  })

  it('pushes and pulls through a registry (imagePush, imageCreate fromImage) and rejects URL imports', async () => {
    const reg = await FakeRegistry.start({ auth: { kind: 'basic', username: 'u', password: 'p' } })
    try {
      await app.inject({ method: 'POST', url: `/v1.47/images/${id}/tag?repo=${reg.host}/bb&tag=1` })
      const auth = Buffer.from(JSON.stringify({ username: 'u', password: 'p' })).toString('base64url')
      const push = await app.inject({
        method: 'POST',
        url: `/v1.47/images/${reg.host}/bb/push?tag=1`,
        headers: { 'x-registry-auth': auth },
      })
      assert.equal(push.status, 200)
      const pushed = lines(push.text())
      assert.equal(pushed[0]?.status, `The push refers to repository [${reg.host}/bb]`)
      const aux = pushed.at(-1)?.aux as { Tag: string; Digest: string; Size: number }
      assert.equal(aux.Tag, '1')
      const pull = await app.inject({
        method: 'POST',
        url: `/v1.47/images/create?fromImage=${reg.host}/bb&tag=1`,
        headers: { 'x-registry-auth': auth },
      })
      assert.equal(pull.status, 200)
      assert.deepEqual(lines(pull.text()).slice(-2), [
        { status: `Digest: ${aux.Digest}` },
        { status: `Status: Image is up to date for ${reg.host}/bb:1` },
      ])
      const missing = await app.inject({
        method: 'POST',
        url: `/v1.47/images/create?fromImage=${reg.host}/bb&tag=nope`,
        headers: { 'x-registry-auth': auth },
      })
      assert.equal(missing.status, 404)
      assert.deepEqual(missing.json(), {
        message: `manifest for ${reg.host}/bb:nope not found: manifest unknown: manifest unknown`,
      })
      const noImage = await app.inject({ method: 'POST', url: `/v1.47/images/${reg.host}/none/push?tag=1` })
      assert.equal(noImage.status, 404)
      const anon = await app.inject({ method: 'POST', url: `/v1.47/images/${reg.host}/bb/push?tag=1` })
      assert.match(String(lines(anon.text()).at(-1)?.error), /unauthorized: authentication required/)
    } finally {
      await reg.stop()
    }
    const url = await app.inject({ method: 'POST', url: '/v1.47/images/create?fromSrc=http://x/y.tar' })
    assert.equal(url.status, 400)
  })

  it('prunes (imagePrune)', async () => {
    const imp = await app.inject({
      method: 'POST',
      url: '/v1.47/images/create?fromSrc=-&changes=LABEL%20x%3D1',
      body: await busyboxRootfsTar(),
    })
    const danglingId = String(lines(imp.text()).at(-1)?.status)
    const res = await app.inject({ method: 'POST', url: '/v1.47/images/prune' })
    assert.equal(res.status, 200)
    assert.deepEqual(res.json(), { ImagesDeleted: [{ Deleted: danglingId }], SpaceReclaimed: 0 })
    const bad = await app.inject({
      method: 'POST',
      url: `/v1.47/images/prune?filters=${encodeURIComponent('{"bogus":["1"]}')}`,
    })
    assert.equal(bad.status, 400)
  })
})
