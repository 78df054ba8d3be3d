// Engine API conformance, POST /commit and GET /containers/{id}/changes, through the real
// services on FakeRuntime (files are written straight into the container's upper directory).
import assert from 'node:assert/strict'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { assertConforms, assertError } from '../support/conformance.ts'
import { servicesSkipReason, startServices, type TestServices } from '../support/services.ts'

const skip = servicesSkipReason() ?? false

describe('API conformance: commit and changes', { skip }, () => {
  let s: TestServices
  let id: string

  before(async () => {
    s = await startServices()
    const res = await s.app.inject({
      method: 'POST',
      url: '/v1.47/containers/create?name=committer',
      body: { Image: 'busybox', Cmd: ['sh', '-c', 'true'], Env: ['A=1'] },
    })
    id = (assertConforms('ContainerCreate', res, 201) as { Id: string }).Id
    await writeFile(join((await s.images.rootfs(id)).upperDir, 'added'), 'x')
  })
  after(async () => {
    await s?.close()
  })

  it('lists the changes', async () => {
    const res = await s.app.inject({ method: 'GET', url: '/v1.47/containers/committer/changes' })
    assert.deepEqual(assertConforms('ContainerChanges', res), [{ Path: '/added', Kind: 1 }])
  })

  it('commits with body overrides and changes, and tags the image', async () => {
    const res = await s.app.inject({
      method: 'POST',
      url: `/v1.47/commit?container=committer&repo=made&tag=v1&comment=hello&changes=${encodeURIComponent('ENV B=2')}`,
      body: { Cmd: ['echo', 'hi'] },
    })
    const { Id } = assertConforms('ImageCommit', res, 201) as { Id: string }
    const img = await s.images.resolve('made:v1')
    assert.equal(img.id, Id)
    assert.deepEqual(img.config.Cmd, ['echo', 'hi'])
    assert.ok(img.config.Env?.includes('A=1') && img.config.Env.includes('B=2'))
    assert.equal(img.comment, 'hello')
    assert.equal(img.parent, s.busyboxId)
    assert.equal(img.rootfs.diffIds.length, 2)
    assert.equal(img.history.at(-1)?.created_by, 'sh -c true')
  })

  it('answers 404 for a missing container and 400 for a bad change', async () => {
    assertError(
      await s.app.inject({ method: 'POST', url: '/v1.47/commit?container=nope' }),
      404,
      /No such container/,
    )
    assertError(
      await s.app.inject({
        method: 'POST',
        url: `/v1.47/commit?container=committer&changes=${encodeURIComponent('RUN x')}`,
      }),
      400,
      /not a valid change command/,
    )
    assertError(
      await s.app.inject({ method: 'GET', url: '/v1.47/containers/nope/changes' }),
      404,
      /No such container/,
    )
  })
})
