import assert from 'node:assert/strict'
import { PassThrough } from 'node:stream'
import { describe, it } from 'node:test'
import { parseSyncMessage, readSyncMessage } from './sync-pipe.ts'

describe('sync pipe', () => {
  it('parses pid and error messages', () => {
    assert.deepEqual(parseSyncMessage('{"data": 4864}\n'), { data: 4864 })
    assert.deepEqual(parseSyncMessage('{"data": -1, "message": "boom"}'), { data: -1, message: 'boom' })
    assert.equal(parseSyncMessage('{"data": 48'), undefined)
  })
  it('reads across chunks and resolves undefined when the pipe ends empty', async () => {
    const pipe = new PassThrough()
    const msg = readSyncMessage(pipe)
    pipe.write('{"da')
    pipe.write('ta": 7}\n')
    assert.deepEqual(await msg, { data: 7 })
    const empty = new PassThrough()
    const none = readSyncMessage(empty)
    empty.end()
    assert.equal(await none, undefined)
  })
})
