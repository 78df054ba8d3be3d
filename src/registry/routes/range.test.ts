import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { BlobRangeError, RangeNotSatisfiableError } from '../errors.ts'
import { parseContentRange, parseRange } from './range.ts'

describe('parseRange', () => {
  it('parses the single-range forms', () => {
    assert.deepEqual(parseRange('bytes=0-4', 10), { offset: 0, length: 5 })
    assert.deepEqual(parseRange('bytes=5-', 10), { offset: 5, length: 5 })
    assert.deepEqual(parseRange('bytes=-3', 10), { offset: 7, length: 3 })
    assert.deepEqual(parseRange('bytes=8-100', 10), { offset: 8, length: 2 })
  })
  it('ignores what RFC 9110 lets a server ignore', () => {
    assert.equal(parseRange(undefined, 10), undefined)
    assert.equal(parseRange('bytes=0-1,3-4', 10), undefined)
    assert.equal(parseRange('items=0-1', 10), undefined)
  })
  it('throws BlobRangeError when unsatisfiable or reversed', () => {
    assert.throws(() => parseRange('bytes=5-2', 10), BlobRangeError)
    assert.throws(() => parseRange('bytes=10-', 10), BlobRangeError)
    assert.throws(() => parseRange('bytes=-0', 10), BlobRangeError)
  })
})

describe('parseContentRange', () => {
  it('accepts the spec form and the RFC form', () => {
    assert.deepEqual(parseContentRange('0-99'), { start: 0, end: 99 })
    assert.deepEqual(parseContentRange('bytes 100-199/*'), { start: 100, end: 199 })
    assert.equal(parseContentRange(undefined), undefined)
  })
  it('rejects malformed or reversed ranges', () => {
    assert.throws(() => parseContentRange('abc'), RangeNotSatisfiableError)
    assert.throws(() => parseContentRange('5-2'), RangeNotSatisfiableError)
  })
})
