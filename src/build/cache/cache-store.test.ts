import assert from 'node:assert/strict'
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { CacheStore } from './cache-store.ts'

describe('CacheStore', () => {
  it('persists entries across instances and clears scratch space at init', async () => {
    const root = await mkdtemp(join(tmpdir(), 'berth-cache-test-'))
    try {
      const a = new CacheStore(root)
      await a.init()
      a.set('k1', { imageId: 'sha256:aa', parent: '', description: 'RUN x' })
      a.touch('k1')
      await a.flush()
      await writeFile(join(a.tmpDir, 'leftover'), 'x')
      const b = new CacheStore(root)
      await b.init()
      const e = b.get('k1')
      assert.equal(e?.imageId, 'sha256:aa')
      assert.equal(e?.usageCount, 1)
      assert.deepEqual(await readdir(b.tmpDir), [])
      b.delete('k1')
      await b.flush()
      const c = new CacheStore(root)
      await c.init()
      assert.equal(c.get('k1'), undefined)
    } finally {
      await rm(root, { recursive: true, force: true })
    }
  })

  it('keeps cache mounts with their use counts', async () => {
    const root = await mkdtemp(join(tmpdir(), 'berth-cache-test-'))
    try {
      const s = new CacheStore(root)
      await s.init()
      const d1 = await s.useMount('/root/.cache', {
        mode: 0o755,
        uid: process.getuid?.() ?? 0,
        gid: process.getgid?.() ?? 0,
      })
      await writeFile(join(d1, 'f'), 'x')
      const d2 = await s.useMount('/root/.cache', {
        mode: 0o755,
        uid: process.getuid?.() ?? 0,
        gid: process.getgid?.() ?? 0,
      })
      assert.equal(d1, d2)
      assert.deepEqual(await readdir(d2), ['f'])
      const [m] = await s.mounts()
      assert.equal(m?.id, '/root/.cache')
      assert.equal(m?.usageCount, 2)
    } finally {
      await rm(root, { recursive: true, force: true })
    }
  })
})
