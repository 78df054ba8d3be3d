// Engine API conformance, image routes: list, inspect, history, tag, delete and prune, with
// their error replies, through the real ImageService on a temporary data root. Bodies are
// checked against the v1.47 spec.
import assert from 'node:assert/strict'
import { Readable } from 'node:stream'
import { after, before, describe, it } from 'node:test'
import { busyboxRootfsTar } from '../../src/image/testing.ts'
import { assertConforms, assertError, specErrors } from '../support/conformance.ts'
import { servicesSkipReason, startServices, type TestServices } from '../support/services.ts'

const skip = servicesSkipReason() ?? false

describe('API conformance: images', { skip }, () => {
  let s: TestServices
  let busybox: string

  before(async () => {
    s = await startServices()
    busybox = s.busyboxId!
  })
  after(async () => {
    await s?.close()
  })

  /** Imports a busybox variant (a distinct image) under `reference`, or untagged. */
  async function importVariant(marker: string, reference?: string): Promise<string> {
    const tar = await busyboxRootfsTar([{ name: 'etc/marker', data: marker }])
    return (await s.images.importRootfs(Readable.from([tar]), { reference, message: marker })).id
  }

  it('ImageList (v1.47 without VirtualSize; v1.43 with it)', async () => {
    const list = assertConforms(
      'ImageList',
      await s.app.inject({ method: 'GET', url: '/v1.47/images/json' }),
    ) as Array<Record<string, unknown>>
    assert.equal(list.length, 1)
    const [img] = list
    assert.equal(img?.Id, busybox)
    assert.deepEqual(img?.RepoTags, ['busybox:latest'])
    assert.deepEqual(img?.RepoDigests, [])
    assert.equal(img?.Containers, -1)
    assert.equal(img?.SharedSize, -1)
    assert.ok(!('VirtualSize' in img!))
    const old = assertConforms(
      'ImageList',
      await s.app.inject({ method: 'GET', url: '/v1.43/images/json' }),
    ) as Array<{
      Size: number
      VirtualSize: number
    }>
    assert.equal(old[0]?.VirtualSize, old[0]?.Size)
  })

  it('ImageInspect by name, id and short id; 404 for an unknown image', async () => {
    for (const ref of [
      'busybox',
      'busybox:latest',
      'docker.io/library/busybox:latest',
      busybox,
      busybox.slice(7, 19),
    ]) {
      const body = assertConforms(
        'ImageInspect',
        await s.app.inject({ method: 'GET', url: `/v1.47/images/${ref}/json` }),
      ) as {
        Id: string
        Config: { Cmd: string[] }
        RootFS: { Type: string; Layers: string[] }
        Os: string
        Metadata: { LastTagTime: string }
      }
      assert.equal(body.Id, busybox, ref)
      assert.deepEqual(body.Config.Cmd, ['sh'])
      assert.equal(body.RootFS.Type, 'layers')
      assert.equal(body.RootFS.Layers.length, 1)
      assert.equal(body.Os, 'linux')
    }
    const res = await s.app.inject({ method: 'GET', url: '/v1.47/images/nope/json' })
    assertError(res, 404, 'No such image: nope:latest')
    assert.deepEqual(specErrors('ImageInspect', res.json(), 404), [])
  })

  it('ImageInspect before v1.45 has a zero-valued ContainerConfig (Compose v1 reads it)', async () => {
    const old = assertConforms(
      'ImageInspect',
      await s.app.inject({ method: 'GET', url: '/v1.38/images/busybox/json' }),
    ) as { ContainerConfig: Record<string, unknown>; Config: { Cmd: string[] } }
    assert.equal(old.ContainerConfig.Volumes, null)
    assert.equal(old.ContainerConfig.Cmd, null)
    assert.equal(old.ContainerConfig.Image, '')
    assert.deepEqual(old.Config.Cmd, ['sh'])
    const now = (await s.app.inject({ method: 'GET', url: '/v1.45/images/busybox/json' })).json() as object
    assert.ok(!('ContainerConfig' in now))
  })

  it('ImageInspect at v1.47 keeps ContainerConfig for Compose v1 only (it recreates with it)', async () => {
    const compose = (
      await s.app.inject({
        method: 'GET',
        url: '/v1.47/images/busybox/json',
        headers: { 'user-agent': 'docker-compose/1.29.2 docker-py/5.0.3 Linux/6.1.0' },
      })
    ).json() as { ContainerConfig?: { Volumes: unknown } }
    assert.equal(compose.ContainerConfig?.Volumes, null)
    const docker = (
      await s.app.inject({
        method: 'GET',
        url: '/v1.47/images/busybox/json',
        headers: { 'user-agent': 'Docker-Client/28.2.2 (linux)' },
      })
    ).json() as object
    assert.ok(!('ContainerConfig' in docker))
  })

  it('ImageHistory; 404 for an unknown image', async () => {
    const rows = assertConforms(
      'ImageHistory',
      await s.app.inject({ method: 'GET', url: '/v1.47/images/busybox/history' }),
    ) as Array<{ Id: string; Tags: string[]; Comment: string; Size: number }>
    assert.equal(rows.length, 1)
    assert.equal(rows[0]?.Id, busybox)
    assert.deepEqual(rows[0]?.Tags, ['busybox:latest'])
    assert.equal(rows[0]?.Comment, 'Imported from -')
    assert.ok((rows[0]?.Size ?? 0) > 0)
    const res = await s.app.inject({ method: 'GET', url: '/v1.47/images/nope:1/history' })
    assertError(res, 404, 'No such image: nope:1')
    assert.deepEqual(specErrors('ImageHistory', res.json(), 404), [])
  })

  it('ImageDelete untags, then deletes image and layer', async () => {
    const tagged = await s.app.inject({ method: 'POST', url: '/v1.47/images/busybox/tag?repo=extra&tag=1' })
    assert.equal(tagged.status, 201)
    assert.deepEqual(
      assertConforms('ImageDelete', await s.app.inject({ method: 'DELETE', url: '/v1.47/images/extra:1' })),
      [{ Untagged: 'extra:1' }],
    )

    const id = await importVariant('gone', 'gone:1')
    const items = assertConforms(
      'ImageDelete',
      await s.app.inject({ method: 'DELETE', url: '/v1.47/images/gone:1' }),
    ) as Array<{ Untagged?: string; Deleted?: string }>
    assert.deepEqual(items[0], { Untagged: 'gone:1' })
    assert.deepEqual(items[1], { Deleted: id })
    assert.ok(items.slice(2).every((i) => /^sha256:[0-9a-f]{64}$/.test(i.Deleted ?? '')))

    const res = await s.app.inject({ method: 'DELETE', url: '/v1.47/images/gone:1' })
    assertError(res, 404, 'No such image: gone:1')
    assert.deepEqual(specErrors('ImageDelete', res.json(), 404), [])
  })

  it('ImageDelete: 409 while a container uses the image', async () => {
    const created = await s.app.inject({
      method: 'POST',
      url: '/v1.47/containers/create?name=user',
      body: { Image: 'busybox' },
    })
    const { Id } = assertConforms('ContainerCreate', created, 201) as { Id: string }
    const res = await s.app.inject({ method: 'DELETE', url: '/v1.47/images/busybox' })
    assertError(
      res,
      409,
      `conflict: unable to remove repository reference "busybox" (must force) - container ${Id.slice(0, 12)} is using its referenced image ${busybox.slice(7, 19)}`,
    )
    assert.deepEqual(specErrors('ImageDelete', res.json(), 409), [])
    const byId = await s.app.inject({ method: 'DELETE', url: `/v1.47/images/${busybox}` })
    assertError(
      byId,
      409,
      /^conflict: unable to delete [0-9a-f]{12} \(must be forced\) - image is being used by stopped container/,
    )
    assert.equal((await s.app.inject({ method: 'DELETE', url: `/v1.47/containers/${Id}` })).status, 204)
  })

  it('ImagePrune deletes dangling images only', async () => {
    const dangling = await importVariant('dangling')
    const body = assertConforms(
      'ImagePrune',
      await s.app.inject({ method: 'POST', url: '/v1.47/images/prune' }),
    ) as {
      ImagesDeleted: Array<{ Deleted?: string; Untagged?: string }>
      SpaceReclaimed: number
    }
    assert.deepEqual(body.ImagesDeleted[0], { Deleted: dangling })
    assert.ok(body.SpaceReclaimed > 0)
    const again = assertConforms(
      'ImagePrune',
      await s.app.inject({ method: 'POST', url: '/v1.47/images/prune' }),
    ) as {
      SpaceReclaimed: number
    }
    assert.equal(again.SpaceReclaimed, 0)
    // busybox:latest survives.
    assert.equal((await s.app.inject({ method: 'GET', url: '/v1.47/images/busybox/json' })).status, 200)
  })

  it('ImagePrune rejects an unknown filter with 400', async () => {
    const filters = encodeURIComponent('{"colour":["red"]}')
    assertError(
      await s.app.inject({ method: 'POST', url: `/v1.47/images/prune?filters=${filters}` }),
      400,
      "invalid filter 'colour'",
    )
  })
})
