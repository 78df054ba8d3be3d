import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { asciiSort, paginate } from './pagination.ts'

const TAGS = asciiSort(['b', 'a', 'Z', 'c', '1'])

describe('paginate', () => {
  it('sorts ASCII-betically', () => assert.deepEqual(TAGS, ['1', 'Z', 'a', 'b', 'c']))
  it('returns everything without n', () => assert.deepEqual(paginate(TAGS, {}), { items: TAGS }))
  it('pages with n and reports the next last', () => {
    assert.deepEqual(paginate(TAGS, { n: 2 }), { items: ['1', 'Z'], next: 'Z' })
    assert.deepEqual(paginate(TAGS, { n: 2, last: 'Z' }), { items: ['a', 'b'], next: 'b' })
    assert.deepEqual(paginate(TAGS, { n: 2, last: 'b' }), { items: ['c'] })
    assert.deepEqual(paginate(TAGS, { n: 3, last: 'a' }), { items: ['b', 'c'] })
  })
  it('handles n=0, a last past the end and a last that is not a tag', () => {
    assert.deepEqual(paginate(TAGS, { n: 0 }), { items: [] })
    assert.deepEqual(paginate(TAGS, { last: 'zzz' }), { items: [] })
    assert.deepEqual(paginate(TAGS, { last: 'aa' }), { items: ['b', 'c'] })
  })
})
