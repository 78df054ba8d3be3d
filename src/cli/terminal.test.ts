import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { DetachScanner, parseDetachKeys } from './terminal.ts'

describe('detach keys', () => {
  it('parses docker key specs', () => {
    assert.deepEqual([...parseDetachKeys('ctrl-p,ctrl-q')], [0x10, 0x11])
    assert.deepEqual([...parseDetachKeys('ctrl-@,ctrl-[,a')], [0, 27, 97])
    assert.throws(() => parseDetachKeys('ctrl-pq'), /Invalid detach keys/)
  })

  it('holds back a partial sequence and forwards it on mismatch', () => {
    const s = new DetachScanner(parseDetachKeys('ctrl-p,ctrl-q'))
    assert.deepEqual(s.push(Buffer.from('ab\x10')), { forward: Buffer.from('ab'), detach: false })
    assert.deepEqual(s.push(Buffer.from('x')), { forward: Buffer.from('\x10x'), detach: false })
    assert.deepEqual(s.push(Buffer.from('y\x10')), { forward: Buffer.from('y'), detach: false })
    assert.deepEqual(s.push(Buffer.from('\x11rest')), { forward: Buffer.alloc(0), detach: true })
  })

  it('passes everything through without keys', () => {
    const s = new DetachScanner(Buffer.alloc(0))
    assert.deepEqual(s.push(Buffer.from('\x10\x11')), { forward: Buffer.from('\x10\x11'), detach: false })
  })
})
