import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { mkdtemp, open, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { describe, it } from 'node:test'
import { gzipSync } from 'node:zlib'
import { decompress, gunzipToFd, hasIgzip, peekCompression } from './decompress.ts'

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

describe('gunzipToFd', { skip: hasIgzip() ? false : 'isal (igzip) is not installed' }, () => {
  async function intoFile(src: AsyncIterable<Uint8Array>): Promise<Buffer> {
    const dir = await mkdtemp(join(tmpdir(), 'berth-gunzip-'))
    try {
      const fh = await open(join(dir, 'out'), 'w')
      try {
        await gunzipToFd(src, fh.fd)
      } finally {
        await fh.close()
      }
      return await readFile(join(dir, 'out'))
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  }

  it('writes every member of a gzip stream into the file', async () => {
    const two = Buffer.concat([gzipSync(data), gzipSync(Buffer.from('tail'))])
    const peeked = await peekCompression(Readable.from([two.subarray(0, 2), two.subarray(2)]))
    assert.equal(peeked.compression, 'gzip')
    assert.ok((await intoFile(peeked.src)).equals(Buffer.concat([data, Buffer.from('tail')])))
  })

  it('rejects corrupt or truncated input', async () => {
    const gz = gzipSync(data)
    const bad = Buffer.from(gz)
    bad[10] = 0xff
    await assert.rejects(intoFile(Readable.from([bad])), /igzip/)
    await assert.rejects(intoFile(Readable.from([gz.subarray(0, gz.length - 9)])), /igzip/)
  })

  it('passes on the error of its source', async () => {
    const gz = gzipSync(data)
    const failing = (async function* () {
      yield gz.subarray(0, 100)
      throw new Error('connection reset')
    })()
    await assert.rejects(intoFile(failing), /connection reset/)
  })
})
