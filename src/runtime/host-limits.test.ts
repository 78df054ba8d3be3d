import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { parseProcLimits } from './host-limits.ts'

describe('parseProcLimits', () => {
  it('reads soft and hard limits by OCI name', () => {
    const text = [
      'Limit                     Soft Limit           Hard Limit           Units     ',
      'Max stack size            8388608              unlimited            bytes     ',
      'Max open files            20000                20000                files     ',
    ].join('\n')
    assert.deepEqual(parseProcLimits(text), {
      RLIMIT_STACK: { soft: 8388608, hard: Number.POSITIVE_INFINITY },
      RLIMIT_NOFILE: { soft: 20000, hard: 20000 },
    })
  })
})
