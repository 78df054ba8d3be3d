// The StorageDriver conformance suite: every implementation (fs, memory) runs these cases.
import assert from 'node:assert/strict'
import { text } from 'node:stream/consumers'
import { describe, it } from 'node:test'
import { InvalidArgumentError, NotFoundError } from '../../../lib/errors.ts'
import type { StorageDriver } from './driver.ts'

async function* chunks(...parts: string[]): AsyncIterable<Uint8Array> {
  for (const p of parts) yield Buffer.from(p)
}

export function storageDriverSuite(name: string, make: () => Promise<StorageDriver>): void {
  describe(`StorageDriver ${name}`, () => {
    it('puts and gets content, replacing it whole', async () => {
      const d = await make()
      await d.putContent('/a/b/c', 'one')
      await d.putContent('/a/b/c', 'two')
      assert.equal((await d.getContent('/a/b/c')).toString(), 'two')
    })

    it('throws NotFoundError for missing paths', async () => {
      const d = await make()
      await assert.rejects(d.getContent('/nope'), NotFoundError)
      await assert.rejects(d.stat('/nope'), NotFoundError)
      await assert.rejects(d.list('/nope'), NotFoundError)
      await assert.rejects(d.reader('/nope'), NotFoundError)
      await assert.rejects(d.move('/nope', '/x'), NotFoundError)
      await assert.rejects(d.delete('/nope'), NotFoundError)
    })

    it('rejects paths that escape or are malformed', async () => {
      const d = await make()
      for (const p of ['relative', '/a/../b', '/a//b', '/a/./b', '/a/b/']) {
        await assert.rejects(d.putContent(p, 'x'), InvalidArgumentError, p)
      }
    })

    it('reads ranges', async () => {
      const d = await make()
      await d.putContent('/f', '0123456789')
      assert.equal(await text(await d.reader('/f')), '0123456789')
      assert.equal(await text(await d.reader('/f', { offset: 3 })), '3456789')
      assert.equal(await text(await d.reader('/f', { offset: 3, length: 4 })), '3456')
      assert.equal(await text(await d.reader('/f', { offset: 10 })), '')
      await assert.rejects(d.reader('/f', { offset: 11 }), InvalidArgumentError)
    })

    it('appends and reports the new size', async () => {
      const d = await make()
      assert.equal(await d.append('/up/data', chunks('ab', 'cd')), 4)
      assert.equal(await d.append('/up/data', chunks('ef')), 6)
      assert.equal((await d.getContent('/up/data')).toString(), 'abcdef')
      assert.equal((await d.stat('/up/data')).size, 6)
    })

    it('keeps bytes appended before a failing source', async () => {
      const d = await make()
      async function* failing(): AsyncIterable<Uint8Array> {
        yield Buffer.from('xyz')
        throw new Error('connection reset')
      }
      await assert.rejects(d.append('/up/data', failing()), /connection reset/)
      assert.equal((await d.stat('/up/data')).size, 3)
    })

    it('stats files and directories', async () => {
      const d = await make()
      await d.putContent('/dir/file', '12345')
      const f = await d.stat('/dir/file')
      assert.equal(f.size, 5)
      assert.equal(f.isDir, false)
      assert.equal((await d.stat('/dir')).isDir, true)
    })

    it('lists direct children sorted', async () => {
      const d = await make()
      await d.putContent('/r/b/x', '1')
      await d.putContent('/r/a', '1')
      await d.putContent('/r/c/y/z', '1')
      assert.deepEqual(await d.list('/r'), ['a', 'b', 'c'])
      assert.deepEqual(await d.list('/'), ['r'])
    })

    it('moves atomically, replacing the destination', async () => {
      const d = await make()
      await d.putContent('/src', 'new')
      await d.putContent('/dst/data', 'old')
      await d.move('/src', '/dst/data')
      assert.equal((await d.getContent('/dst/data')).toString(), 'new')
      await assert.rejects(d.stat('/src'), NotFoundError)
    })

    it('deletes files and whole trees', async () => {
      const d = await make()
      await d.putContent('/t/a/1', '1')
      await d.putContent('/t/a/2', '2')
      await d.putContent('/t/b', '3')
      await d.delete('/t/a')
      assert.deepEqual(await d.list('/t'), ['b'])
      await d.delete('/t/b')
      await assert.rejects(d.getContent('/t/b'), NotFoundError)
    })

    it('survives concurrent puts to one path with a whole value', async () => {
      const d = await make()
      const values = Array.from({ length: 20 }, (_, i) => `value-${i}`.repeat(100))
      await Promise.all(values.map((v) => d.putContent('/race', v)))
      assert.ok(values.includes((await d.getContent('/race')).toString()))
    })
  })
}
