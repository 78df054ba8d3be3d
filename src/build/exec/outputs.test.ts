import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { BuildMessage } from '../build-service-contract.ts'
import { StageOutputs } from './outputs.ts'

describe('StageOutputs', () => {
  it('shows the earliest unfinished stage live and the others in file order', () => {
    const got: string[] = []
    const o = new StageOutputs([0, 2, 3], (m: BuildMessage) => got.push(m.stream ?? ''), false)
    o.for(2).text('b1')
    o.for(0).text('a1')
    o.for(3).text('c1')
    o.finish(2)
    assert.deepEqual(got, ['a1'])
    o.for(0).text('a2')
    o.finish(0)
    assert.deepEqual(got, ['a1', 'a2', 'b1', 'c1'])
    o.for(3).text('c2')
    assert.deepEqual(got, ['a1', 'a2', 'b1', 'c1', 'c2'])
  })

  it('drops step text when quiet but keeps errors', () => {
    const got: BuildMessage[] = []
    const o = new StageOutputs([0], (m) => got.push(m), true)
    o.for(0).text('Step 1/1')
    o.for(0).emit({ error: 'boom' })
    assert.deepEqual(got, [{ error: 'boom' }])
  })
})
