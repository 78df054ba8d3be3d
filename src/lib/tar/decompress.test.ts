import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { Readable } from 'node:stream'
import { describe, it } from 'node:test'
import { gzipSync } from 'node:zlib'
import { decompress } from './decompress.ts'

const data = Buffer.from('berth '.repeat(50_000))

async function roundTrip(packed: Buffer): Promise<{ out: Buffer; compression: string }> {
  const { stream, compression } = await decompress(Readable.from([packed.subarray(0, 3), packed.subarray(3)]))
  const chunks: Buffer[] = []
  for await (const c of stream) chunks.push(c as Buffer)
  return { out: Buffer.concat(chunks), compression }
}

describe('decompress', () => {
  it('passes plain data and unpacks gzip', async () => {
    assert.deepEqual(await roundTrip(data), { out: data, compression: 'none' })
    assert.deepEqual(await roundTrip(gzipSync(data)), { out: data, compression: 'gzip' })
  })

  for (const tool of ['xz', 'bzip2'] as const) {
    it(`unpacks ${tool} through the Debian tool, and reports corrupt input`, async () => {
      const packed = execFileSync(tool, ['-c'], { input: data, maxBuffer: 1 << 24 })
      assert.deepEqual(await roundTrip(packed), { out: data, compression: tool })
      const broken = Buffer.concat([packed.subarray(0, 40), Buffer.alloc(200, 7)])
      await assert.rejects(roundTrip(broken), new RegExp(tool))
    })
  }
})
