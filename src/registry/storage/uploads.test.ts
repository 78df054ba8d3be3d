import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { describe, it } from 'node:test'
import type { Digest } from '../../oci/index.ts'
import { BlobUploadUnknownError, DigestInvalidError, RangeNotSatisfiableError } from '../errors.ts'
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
})
