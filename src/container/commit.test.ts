import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { mergeCommitConfig, runConfigOf } from './commit.ts'

describe('mergeCommitConfig', () => {
  const ctr = {
    User: 'app',
    Env: ['PATH=/bin', 'A=1'],
    Cmd: ['sh'],
    Entrypoint: null,
    WorkingDir: '/w',
    Labels: { a: '1', b: '2' },
    ExposedPorts: { '80/tcp': {} },
  }

  it('keeps an empty volume set out of the image config (dockerd: Volumes null)', () => {
    const base = {
      User: '',
      Env: [],
      Cmd: ['sh'],
      Entrypoint: null,
      WorkingDir: '',
      Labels: {},
      OnBuild: null,
    }
    assert.equal(runConfigOf({ ...base, Volumes: {} } as never).Volumes, undefined)
    assert.deepEqual(runConfigOf({ ...base, Volumes: { '/data': {} } } as never).Volumes, { '/data': {} })
  })

  it("takes the container's config when the request has none", () => {
    assert.deepEqual(mergeCommitConfig(undefined, ctr), ctr)
  })

  it('lets the request win and fills its gaps from the container (moby merge)', () => {
    const got = mergeCommitConfig(
      { Env: ['A=2'], Labels: { b: 'x' }, ExposedPorts: { '443/tcp': {} }, Cmd: ['echo', 'hi'] },
      ctr,
    )
    assert.deepEqual(got.Env, ['A=2', 'PATH=/bin'])
    assert.deepEqual(got.Labels, { a: '1', b: 'x' })
    assert.deepEqual(got.ExposedPorts, { '80/tcp': {}, '443/tcp': {} })
    assert.deepEqual(got.Cmd, ['echo', 'hi'])
    assert.equal(got.User, 'app')
    assert.equal(got.WorkingDir, '/w')
  })

  it("keeps the container's Cmd only when the request sets neither Cmd nor Entrypoint", () => {
    assert.deepEqual(mergeCommitConfig({ Entrypoint: ['/run'] }, ctr).Cmd, undefined)
    assert.deepEqual(mergeCommitConfig({}, ctr).Cmd, ['sh'])
  })
})
