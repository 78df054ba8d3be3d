// Faults at the registry over real HTTP on the filesystem driver: corrupted blob bytes on disk
// (detected before serving, or mid-stream when they rot after verification; never served
// whole, healed by the next push), an upload whose client dies halfway (resumable from the
// reported offset), and many clients pushing the same blob at once.
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { readFile, stat, utimes, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import type { AccessLogEntry } from './app.ts'
import { paths } from './storage/paths.ts'
import { digestOf, errorCode, pushBlob, startTestRegistry } from './testing.ts'

describe('registry faults', () => {
  let reg: Awaited<ReturnType<typeof startTestRegistry>>
  const logs: AccessLogEntry[] = []
  before(async () => {
    reg = await startTestRegistry({}, (e) => logs.push(e))
  })
  after(() => reg.close())
  const dataFile = (digest: string) => join(reg.root, paths.blobData(digest as never))

  it('detects a corrupted blob on disk, never serves it, and heals on the next push', async () => {
    const data = randomBytes(256 * 1024)
    const digest = await pushBlob(reg.url, 'fault/corrupt', data)
    const bad = Buffer.from(data)
    bad[1000] = bad[1000]! ^ 0xff
    await writeFile(dataFile(digest), bad)
    const head = await fetch(`${reg.url}/v2/fault/corrupt/blobs/${digest}`, { method: 'HEAD' })
    assert.equal(head.status, 404)
    const get = await fetch(`${reg.url}/v2/fault/corrupt/blobs/${digest}`)
    assert.equal(get.status, 404)
    assert.equal(await errorCode(get), 'BLOB_UNKNOWN')
    await assert.rejects(stat(dataFile(digest)), { code: 'ENOENT' })
    assert.ok(logs.some((e) => e.level === 'warn' && /corrupted/.test(e.error ?? '')))
    // The client, told the blob is unknown, pushes it again: stored and served whole.
    assert.equal(await pushBlob(reg.url, 'fault/corrupt', data), digest)
    const again = await fetch(`${reg.url}/v2/fault/corrupt/blobs/${digest}`)
    assert.equal(digestOf(Buffer.from(await again.arrayBuffer())), digest)
  })

  it('breaks the transfer of bytes that rot after verification (same size and mtime)', async () => {
    const data = randomBytes(512 * 1024)
    const digest = await pushBlob(reg.url, 'fault/rot', data)
    const ok = await fetch(`${reg.url}/v2/fault/rot/blobs/${digest}`)
    assert.equal(digestOf(Buffer.from(await ok.arrayBuffer())), digest)
    const file = dataFile(digest)
    const before = await stat(file)
    const bad = Buffer.from(await readFile(file))
    bad[bad.length - 1] = bad[bad.length - 1]! ^ 0x01
    await writeFile(file, bad)
    await utimes(file, before.atime, before.mtime)
    const res = await fetch(`${reg.url}/v2/fault/rot/blobs/${digest}`)
    // Headers went out before the last byte was read; the body must not complete.
    await assert.rejects(res.arrayBuffer())
    const next = await fetch(`${reg.url}/v2/fault/rot/blobs/${digest}`)
    assert.equal(next.status, 404)
    assert.equal(await errorCode(next), 'BLOB_UNKNOWN')
  })

  it('keeps what arrived of an upload whose client died halfway, and resumes from there', async () => {
    const data = randomBytes(2 * 1024 * 1024)
    const digest = digestOf(data)
    const start = await fetch(`${reg.url}/v2/fault/killed/blobs/uploads/`, { method: 'POST' })
    const loc = new URL(start.headers.get('location')!, reg.url)
    const ctrl = new AbortController()
    const half = data.length / 2
    let sent = 0
    const body = new ReadableStream<Uint8Array>({
      async pull(c) {
        if (sent >= half) {
          // The client dies with half the chunk sent.
          await new Promise((r) => setTimeout(r, 100))
          ctrl.abort()
          return
        }
        const piece = data.subarray(sent, sent + 64 * 1024)
        sent += piece.length
        c.enqueue(piece)
      },
    })
    await assert.rejects(
      fetch(loc, {
        method: 'PATCH',
        body,
        duplex: 'half',
        signal: ctrl.signal,
        headers: { 'Content-Type': 'application/octet-stream' },
      } as RequestInit),
    )
    // The registry still answers, and reports how much it kept.
    let status: Response | undefined
    for (let i = 0; i < 50; i++) {
      status = await fetch(loc)
      if (status.status === 204 && status.headers.get('range') === `0-${half - 1}`) break
      await new Promise((r) => setTimeout(r, 50))
    }
    assert.equal(status?.status, 204)
    const range = status!.headers.get('range')!
    const kept = Number(range.split('-')[1]) + 1
    assert.ok(kept > 0 && kept <= half, range)
    const rest = await fetch(loc, {
      method: 'PATCH',
      body: data.subarray(kept),
      headers: { 'Content-Range': `${kept}-${data.length - 1}`, 'Content-Type': 'application/octet-stream' },
    })
    assert.equal(rest.status, 202)
    const fin = new URL(rest.headers.get('location')!, reg.url)
    fin.searchParams.set('digest', digest)
    assert.equal((await fetch(fin, { method: 'PUT' })).status, 201)
    const got = await fetch(`${reg.url}/v2/fault/killed/blobs/${digest}`)
    assert.equal(digestOf(Buffer.from(await got.arrayBuffer())), digest)
  })

  it('stores one copy when many clients push the same blob at once', async () => {
    const data = randomBytes(4 * 1024 * 1024)
    const digests = await Promise.all(
      Array.from({ length: 8 }, (_, i) => pushBlob(reg.url, `fault/same${i % 2}`, data)),
    )
    assert.equal(new Set(digests).size, 1)
    for (const name of ['fault/same0', 'fault/same1']) {
      const got = await fetch(`${reg.url}/v2/${name}/blobs/${digests[0]}`)
      assert.equal(digestOf(Buffer.from(await got.arrayBuffer())), digests[0])
    }
  })
})
