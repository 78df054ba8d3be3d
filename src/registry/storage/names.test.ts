import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { DigestInvalidError, ManifestInvalidError, NameInvalidError } from '../errors.ts'
import { parseManifestRef, parseRegistryDigest, parseRepoName } from './names.ts'

describe('names', () => {
  it('accepts names matching the spec regex', () => {
    for (const n of ['a', 'a/b', 'a.b/c_d/e__f/g-h/i---j', 'x0/1y']) assert.equal(parseRepoName(n), n)
  })
  it('rejects other names', () => {
    for (const n of ['', 'A', 'a/', '/a', 'a//b', 'a_', 'a___b', '-a', 'a.-b', 'a'.repeat(256)]) {
      assert.throws(() => parseRepoName(n), NameInvalidError, n)
    }
  })
  it('parses tags and digests as manifest references', () => {
    assert.deepEqual(parseManifestRef('v1.0_rc-1'), { tag: 'v1.0_rc-1' })
    const d = `sha512:${'b'.repeat(128)}`
    assert.deepEqual(parseManifestRef(d), { digest: d })
    assert.throws(() => parseManifestRef('.bad'), ManifestInvalidError)
    assert.throws(() => parseManifestRef('t'.repeat(129)), ManifestInvalidError)
    assert.throws(() => parseManifestRef('sha256:short'), DigestInvalidError)
  })
  it('accepts only sha256 and sha512 digests', () => {
    assert.throws(() => parseRegistryDigest(`md5:${'a'.repeat(32)}`), DigestInvalidError)
    assert.throws(() => parseRegistryDigest(`sha256:${'A'.repeat(64)}`), DigestInvalidError)
  })
})
