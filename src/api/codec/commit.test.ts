import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { toCommitOptions } from './commit.ts'

describe('toCommitOptions', () => {
  it('reads the query; pause defaults to true; a null body means no config', () => {
    const q = new URLSearchParams(
      'container=c&repo=r&tag=t&comment=m&author=a&changes=CMD+x&changes=ENV+A%3D1',
    )
    assert.deepEqual(toCommitOptions(q, null), {
      reference: 'r:t',
      comment: 'm',
      author: 'a',
      pause: true,
      changes: ['CMD x', 'ENV A=1'],
      config: undefined,
    })
    assert.equal(toCommitOptions(new URLSearchParams('pause=0'), undefined).pause, false)
  })

  it('validates the body fields', () => {
    assert.deepEqual(toCommitOptions(new URLSearchParams(), { Cmd: ['a'], Hostname: 'h' }).config, {
      Cmd: ['a'],
    })
    assert.throws(() => toCommitOptions(new URLSearchParams(), { Cmd: 'a' }), /Cmd must be an array/)
    assert.throws(() => toCommitOptions(new URLSearchParams(), []), /ContainerConfig/)
  })
})
