import assert from 'node:assert/strict'
import { PassThrough, Readable } from 'node:stream'
import { describe, it } from 'node:test'
import { demultiplex, encodeFrame } from './stdcopy.ts'

function sink() {
  const chunks: Buffer[] = []
  return {
    chunks,
    write: (b: Buffer) => chunks.push(Buffer.from(b)),
    text: () => Buffer.concat(chunks).toString(),
  }
}

describe('demultiplex', () => {
  it('routes stdout and stderr frames', async () => {
    const out = sink()
    const err = sink()
    const src = Readable.from([
      Buffer.concat([
        encodeFrame('stdout', 'hello\n'),
        encodeFrame('stderr', 'oops\n'),
        encodeFrame('stdout', 'bye\n'),
      ]),
    ])
    await demultiplex(src, { stdout: out, stderr: err })
    assert.equal(out.text(), 'hello\nbye\n')
    assert.equal(err.text(), 'oops\n')
  })

  it('reassembles headers and payloads split across chunks', async () => {
    const out = sink()
    const whole = Buffer.concat([encodeFrame('stdout', 'abcdefgh'), encodeFrame('stdout', 'xyz')])
    const pieces = [whole.subarray(0, 3), whole.subarray(3, 10), whole.subarray(10, 17), whole.subarray(17)]
    await demultiplex(Readable.from(pieces), { stdout: out, stderr: sink() })
    assert.equal(out.text(), 'abcdefghxyz')
  })

  it('handles empty frames and large payloads', async () => {
    const out = sink()
    const big = Buffer.alloc(200_000, 0x61)
    await demultiplex(Readable.from([encodeFrame('stdout', ''), encodeFrame('stdout', big)]), {
      stdout: out,
      stderr: sink(),
    })
    assert.equal(out.text().length, 200_000)
  })

  it('rejects on a system error frame (type 3)', async () => {
    const src = Readable.from([encodeFrame('systemerr', 'boom')])
    await assert.rejects(demultiplex(src, { stdout: sink(), stderr: sink() }), /boom/)
  })

  it('rejects on an unknown stream type', async () => {
    const bad = Buffer.from([9, 0, 0, 0, 0, 0, 0, 1, 0x41])
    await assert.rejects(
      demultiplex(Readable.from([bad]), { stdout: sink(), stderr: sink() }),
      /Unrecognized input header: 9/,
    )
  })

  it('drops stdin frames', async () => {
    const out = sink()
    const src = new PassThrough()
    src.end(Buffer.concat([encodeFrame('stdin', 'in'), encodeFrame('stdout', 'out')]))
    await demultiplex(src, { stdout: out, stderr: sink() })
    assert.equal(out.text(), 'out')
  })
})
