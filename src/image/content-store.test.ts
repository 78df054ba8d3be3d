import assert from 'node:assert/strict'
import { write } from 'node:fs'
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { sha256Of } from '../oci/index.ts'
import { ContentStore } from './content-store.ts'
import type { StorePaths } from './paths.ts'

describe('ContentStore.fileWriter', () => {
  let root: string
  let store: ContentStore
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'berth-content-'))
    await mkdir(join(root, 'ingest'))
    await mkdir(join(root, 'blobs'))
    const paths = {
      ingestDir: join(root, 'ingest'),
      blob: (d: string) => join(root, 'blobs', d.replace(':', '-')),
    } as unknown as StorePaths
    store = new ContentStore(paths)
  })
  after(async () => {
    await rm(root, { recursive: true, force: true })
  })

  // 2.5 MiB of distinct bytes: the read-back wraps around its ring of 1 MiB buffers.
  const data = Buffer.alloc(5 * (1 << 19))
  for (let i = 0; i < data.length; i += 4) data.writeUInt32LE(i, i)

  const fill = async (fd: number) => {
    await new Promise<void>((resolve, reject) =>
      write(fd, data, 0, data.length, 0, (err) => (err ? reject(err) : resolve())),
    )
  }

  it('commits what was written through the descriptor once its digest matches', async () => {
    const w = await store.fileWriter()
    await fill(w.fd)
    w.written()
    const read: Buffer[] = []
    for await (const c of w.chunks()) read.push(Buffer.from(c))
    assert.ok(Buffer.concat(read).equals(data))
    assert.deepEqual(await w.commit(sha256Of(data)), { digest: sha256Of(data), size: data.length })
    assert.ok((await readFile(store.path(sha256Of(data)))).equals(data))
    assert.deepEqual(await readdir(join(root, 'ingest')), [])
  })

  it('hashes what the reader left unread, and keeps nothing on a mismatch', async () => {
    const w = await store.fileWriter()
    await fill(w.fd)
    for await (const _ of w.chunks()) break // a tar's end marker before the end of the file
    await assert.rejects(w.commit(sha256Of('other')), /content digest mismatch: expected .*, got sha256:/)
    assert.deepEqual(await readdir(join(root, 'ingest')), [])
    const a = await store.fileWriter()
    await a.abort()
    assert.deepEqual(await readdir(join(root, 'ingest')), [])
  })
})
