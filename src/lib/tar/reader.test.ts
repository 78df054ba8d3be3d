import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import tar from 'tar-stream'
import { readTar } from './reader.ts'

type EntryHeader = Parameters<ReturnType<typeof tar.pack>['entry']>[0]

async function packed(entries: Array<{ header: EntryHeader; data: Buffer }>): Promise<Buffer> {
  const p = tar.pack()
  for (const e of entries) p.entry(e.header, e.data)
  p.finalize()
  const chunks: Buffer[] = []
  for await (const c of p) chunks.push(c as Buffer)
  return Buffer.concat(chunks)
}

/** `data` in `size`-byte chunks copied into a ring of `ring` reused buffers: each buffer is
 *  overwritten `ring` chunks later, as ContentStore.fileWriter's read-back does. */
async function* recycled(data: Buffer, size: number, ring: number): AsyncGenerator<Buffer> {
  const bufs = Array.from({ length: ring }, () => Buffer.alloc(size))
  for (let off = 0, k = 0; off < data.length; off += size, k++) {
    const b = bufs[k % ring]!
    const n = data.copy(b, 0, off, Math.min(off + size, data.length))
    yield b.subarray(0, n)
  }
}

describe('readTar', () => {
  it('reads a source that recycles its chunk buffers two chunks later', async () => {
    const long = `${'d/'.repeat(200)}file` // a pax path record spanning many chunks
    const entries: Array<{ header: EntryHeader; data: Buffer }> = [
      {
        header: { name: long, pax: { path: long, 'SCHILY.xattr.user.k': 'v'.repeat(700) } },
        data: Buffer.alloc(3000, 1),
      },
      { header: { name: 'b' }, data: Buffer.from('second file') },
      { header: { name: 'c' }, data: Buffer.alloc(5000, 3) },
    ]
    const archive = await packed(entries)
    for (const size of [97, 512, 4096]) {
      const seen: Array<{ name: string; data: Buffer; xattr?: string }> = []
      for await (const { header, body } of readTar(recycled(archive, size, 3))) {
        const parts: Buffer[] = []
        for await (const c of body) parts.push(Buffer.from(c)) // a consumer copies what it keeps
        seen.push({
          name: header.name,
          data: Buffer.concat(parts),
          xattr: header.xattrs['user.k']?.toString(),
        })
      }
      assert.deepEqual(
        seen.map((s) => s.name),
        [long, 'b', 'c'],
        `chunk size ${size}`,
      )
      assert.equal(seen[0]!.xattr, 'v'.repeat(700))
      for (const [i, e] of entries.entries())
        assert.ok(seen[i]!.data.equals(e.data), `entry ${i}, chunk size ${size}`)
    }
  })
})
