import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { InvalidArgumentError } from '../lib/errors.ts'
import { chainIds, encodedOf, isDigest, parseDigest, Sha256Digester, sha256Of } from './digest.ts'

describe('digest', () => {
  it('hashes like sha256sum', () => {
    assert.equal(sha256Of(''), 'sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855')
    const d = new Sha256Digester()
    d.update(Buffer.from('a'))
    d.update(Buffer.from('bc'))
    assert.equal(d.digest(), sha256Of('abc'))
    assert.equal(d.size, 3)
  })
  it('validates', () => {
    const ok = sha256Of('x')
    assert.equal(parseDigest(ok), ok)
    assert.equal(encodedOf(ok).length, 64)
    assert.ok(!isDigest('sha256:ABC'))
    assert.ok(!isDigest('sha256:' + 'A'.repeat(64)))
    assert.ok(!isDigest('nocolon'))
    assert.throws(() => parseDigest('sha256:12'), InvalidArgumentError)
  })
  it('computes chain ids per the OCI spec', () => {
    const a = sha256Of('a')
    const b = sha256Of('b')
    assert.deepEqual(chainIds([a, b]), [a, sha256Of(`${a} ${b}`)])
    assert.deepEqual(chainIds([]), [])
  })
})
