import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { describe, it } from 'node:test'
import type { Digest } from '../../oci/index.ts'
import { BlobUploadUnknownError, DigestInvalidError, RangeNotSatisfiableError } from '../errors.ts'
import { tempDir } from '../testing.ts'
import { FsStorageDriver } from './driver/fs.ts'
import { MemoryStorageDriver } from './driver/memory.ts'
import { RegistryStorage } from './registry-storage.ts'

async function* of(...parts: string[]): AsyncIterable<Uint8Array> {
  for (const p of parts) yield Buffer.from(p)
}
const sha = (s: string) => `sha256:${createHash('sha256').update(s).digest('hex')}` as Digest

describe('UploadStore', () => {
  it('appends, checks ranges and commits a verified blob', async () => {
    const s = new RegistryStorage(new MemoryStorageDriver())
    const u = await s.uploads.start('r')
    assert.equal((await s.uploads.append('r', u.id, of('ab'), { rangeStart: 0 })).size, 2)
    await assert.rejects(s.uploads.append('r', u.id, of('x'), { rangeStart: 1 }), RangeNotSatisfiableError)
    await s.uploads.finish('r', u.id, sha('abcd'), of('cd'), { rangeStart: 2 })
    assert.equal((await s.blobs.stat('r', sha('abcd'))).size, 4)
    await assert.rejects(s.uploads.get('r', u.id), BlobUploadUnknownError)
  })

  it('keeps the session when the digest does not match', async () => {
    const s = new RegistryStorage(new MemoryStorageDriver())
    const u = await s.uploads.start('r')
    await assert.rejects(s.uploads.finish('r', u.id, sha('other'), of('data')), DigestInvalidError)
    assert.equal((await s.uploads.get('r', u.id)).size, 4)
  })

  it('serialises concurrent appends to one session', async () => {
    const s = new RegistryStorage(new MemoryStorageDriver())
    const u = await s.uploads.start('r')
    await Promise.all(['aa', 'bb', 'cc'].map((p) => s.uploads.append('r', u.id, of(p))))
    assert.equal((await s.uploads.get('r', u.id)).size, 6)
  })

  it('rebuilds the hash from storage in a new process (fresh store, same driver)', async () => {
    const driver = new MemoryStorageDriver()
    const first = new RegistryStorage(driver)
    const u = await first.uploads.start('r')
    await first.uploads.append('r', u.id, of('hello '))
    const second = new RegistryStorage(driver)
    await second.uploads.finish('r', u.id, sha('hello world'), of('world'))
    assert.equal((await second.blobs.stat('r', sha('hello world'))).size, 11)
  })

  it('verifies sha512 when the client names it', async () => {
    const s = new RegistryStorage(new MemoryStorageDriver())
    const u = await s.uploads.start('r')
    const d = `sha512:${createHash('sha512').update('x').digest('hex')}` as Digest
    await s.uploads.finish('r', u.id, d, of('x'))
    assert.equal((await s.blobs.stat('r', d)).size, 1)
  })

  it('purges sessions idle past the age, keeps fresh ones, and a dry run deletes nothing', async () => {
    for (const driver of ['memory', 'fs'] as const) {
      const d = driver === 'memory' ? new MemoryStorageDriver() : new FsStorageDriver(await tempDir())
      const s = new RegistryStorage(d)
      const old = await s.uploads.start('a/b')
      await s.uploads.append('a/b', old.id, of('half'))
      const hour = 3600_000
      // Ten hours from now the session is stale; a session made then is fresh.
      const later = Date.now() + 10 * hour
      const dry = await s.purgeUploads({ maxAgeMs: hour, dryRun: true, now: later })
      assert.deepEqual(dry, [{ name: 'a/b', id: old.id }])
      assert.equal((await s.uploads.get('a/b', old.id)).size, 4)
      assert.deepEqual(await s.purgeUploads({ maxAgeMs: 20 * hour, now: later }), [])
      const fresh = await s.uploads.start('c')
      const purged = await s.purgeUploads({ maxAgeMs: hour, now: later })
      assert.deepEqual(purged, [
        { name: 'a/b', id: old.id },
        { name: 'c', id: fresh.id },
      ])
      await assert.rejects(s.uploads.get('a/b', old.id), BlobUploadUnknownError)
      // With the real clock the new session is young and stays; committed blobs are untouched.
      const live = await s.uploads.start('c')
      await s.uploads.finish('c', (await s.uploads.start('c')).id, sha('kept'), of('kept'))
      assert.deepEqual(await s.purgeUploads({ maxAgeMs: hour }), [])
      assert.equal((await s.uploads.get('c', live.id)).size, 0)
      assert.equal((await s.blobs.stat('c', sha('kept'))).size, 4)
    }
  })

  it('purging, gc and a finishing upload running together leave a consistent store', async () => {
    for (let round = 0; round < 20; round++) {
      const s = new RegistryStorage(new FsStorageDriver(await tempDir()))
      const data = `payload-${round}`
      const u = await s.uploads.start('race')
      await s.uploads.append('race', u.id, of(data.slice(0, 4)))
      const [finish] = await Promise.allSettled([
        s.uploads.finish('race', u.id, sha(data), of(data.slice(4))),
        s.purgeUploads({ maxAgeMs: 0, now: Date.now() + 1000 }),
        s.collectGarbage(),
      ])
      // Either the upload won (its blob is committed, linked and survives gc) or purging won
      // (the session is gone and no blob bytes exist): never a link without bytes.
      if (finish.status === 'fulfilled') {
        assert.equal((await s.blobs.stat('race', sha(data))).size, data.length)
      } else {
        assert.ok(finish.reason instanceof BlobUploadUnknownError, String(finish.reason))
        assert.equal(await s.blobs.statGlobal(sha(data)), undefined)
      }
      await s.collectGarbage()
      if (finish.status === 'fulfilled') assert.ok(await s.blobs.statGlobal(sha(data)))
    }
  })
})
