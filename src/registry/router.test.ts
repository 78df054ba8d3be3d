import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { NameInvalidError } from './errors.ts'
import { matchPath } from './router.ts'

const D = `sha256:${'a'.repeat(64)}`

describe('matchPath', () => {
  it('matches every endpoint, with multi-component names', () => {
    assert.deepEqual(matchPath('/v2/'), { kind: 'base', params: {} })
    assert.deepEqual(matchPath('/v2/_catalog'), { kind: 'catalog', params: {} })
    assert.deepEqual(matchPath('/v2/a/b/c/blobs/uploads/'), { kind: 'uploads', params: { name: 'a/b/c' } })
    assert.deepEqual(matchPath('/v2/a/blobs/uploads/u-1'), {
      kind: 'upload',
      params: { name: 'a', uuid: 'u-1' },
    })
    assert.deepEqual(matchPath(`/v2/a/b/blobs/${D}`), { kind: 'blob', params: { name: 'a/b', digest: D } })
    assert.deepEqual(matchPath('/v2/a/manifests/latest'), {
      kind: 'manifest',
      params: { name: 'a', reference: 'latest' },
    })
    assert.deepEqual(matchPath('/v2/a/tags/list'), { kind: 'tags', params: { name: 'a' } })
    assert.deepEqual(matchPath(`/v2/a/referrers/${D}`), {
      kind: 'referrers',
      params: { name: 'a', digest: D },
    })
  })
  it('treats names that contain endpoint words correctly', () => {
    assert.deepEqual(matchPath('/v2/blobs/manifests/manifests/v1'), {
      kind: 'manifest',
      params: { name: 'blobs/manifests', reference: 'v1' },
    })
  })
  it('returns undefined for non-registry paths and rejects invalid names', () => {
    assert.equal(matchPath('/v1/x'), undefined)
    assert.equal(matchPath('/v2/a/unknown'), undefined)
    assert.throws(() => matchPath('/v2/A/tags/list'), NameInvalidError)
    assert.throws(() => matchPath('/v2/a--/tags/list'), NameInvalidError)
    assert.throws(() => matchPath('/v2/a%zz/tags/list'), NameInvalidError)
  })
})
