// Conformance-style tests, blob half: pulling blobs (Range) and every way of pushing them
// (monolithic, single POST, chunked, streamed, sha512, cancel, mount) over real HTTP.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { digestOf, errorCode, pushBlob, startTestRegistry } from './testing.ts'

let reg: Awaited<ReturnType<typeof startTestRegistry>>
let base: string

before(async () => {
  reg = await startTestRegistry()
  base = reg.url
})
after(async () => {
  await reg.close()
})

describe('push and pull blobs', () => {
  it('POST then PUT, then GET/HEAD with digest and length', async () => {
    const digest = await pushBlob(base, 'pull/one', 'hello blob')
    const head = await fetch(`${base}/v2/pull/one/blobs/${digest}`, { method: 'HEAD' })
    assert.equal(head.status, 200)
    assert.equal(head.headers.get('docker-content-digest'), digest)
    assert.equal(head.headers.get('content-length'), '10')
    const get = await fetch(`${base}/v2/pull/one/blobs/${digest}`)
    assert.equal(await get.text(), 'hello blob')
  })

  it('serves Range requests, and 416 beyond the end', async () => {
    const digest = await pushBlob(base, 'pull/range', '0123456789')
    const r = await fetch(`${base}/v2/pull/range/blobs/${digest}`, { headers: { Range: 'bytes=2-5' } })
    assert.equal(r.status, 206)
    assert.equal(r.headers.get('content-range'), 'bytes 2-5/10')
    assert.equal(await r.text(), '2345')
    const tail = await fetch(`${base}/v2/pull/range/blobs/${digest}`, { headers: { Range: 'bytes=-3' } })
    assert.equal(await tail.text(), '789')
    const bad = await fetch(`${base}/v2/pull/range/blobs/${digest}`, { headers: { Range: 'bytes=20-' } })
    assert.equal(bad.status, 416)
    assert.equal(bad.headers.get('content-range'), 'bytes */10')
  })

  it('single POST monolithic upload answers 201 with Location', async () => {
    const data = Buffer.from('single post')
    const digest = digestOf(data)
    const res = await fetch(`${base}/v2/push/single/blobs/uploads/?digest=${digest}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/octet-stream' },
      body: data,
    })
    assert.equal(res.status, 201)
    assert.equal(res.headers.get('location'), `/v2/push/single/blobs/${digest}`)
    assert.equal((await fetch(`${base}/v2/push/single/blobs/${digest}`, { method: 'HEAD' })).status, 200)
  })

  it('rejects a wrong digest with DIGEST_INVALID and an unknown algorithm with 400', async () => {
    const wrong = digestOf('other')
    const res = await fetch(`${base}/v2/push/bad/blobs/uploads/?digest=${wrong}`, {
      method: 'POST',
      body: 'data',
    })
    assert.equal(res.status, 400)
    assert.equal(await errorCode(res), 'DIGEST_INVALID')
    const md5 = await fetch(`${base}/v2/push/bad/blobs/uploads/?digest=md5:abcdef`, {
      method: 'POST',
      body: 'x',
    })
    assert.equal(md5.status, 400)
  })

  it('chunked upload: PATCH in order, status GET, 416 out of order, PUT to close', async () => {
    const start = await fetch(`${base}/v2/push/chunked/blobs/uploads/`, {
      method: 'POST',
      headers: { 'Content-Length': '0' },
    })
    assert.equal(start.status, 202)
    const uuid = start.headers.get('docker-upload-uuid')
    assert.ok(uuid)
    let loc = new URL(start.headers.get('location')!, base)
    const p1 = await fetch(loc, {
      method: 'PATCH',
      headers: { 'Content-Range': '0-4', 'Content-Type': 'application/octet-stream' },
      body: 'abcde',
    })
    assert.equal(p1.status, 202)
    assert.equal(p1.headers.get('range'), '0-4')
    loc = new URL(p1.headers.get('location')!, base)
    const outOfOrder = await fetch(loc, {
      method: 'PATCH',
      headers: { 'Content-Range': '10-12' },
      body: 'xyz',
    })
    assert.equal(outOfOrder.status, 416)
    const overlap = await fetch(loc, { method: 'PATCH', headers: { 'Content-Range': '3-5' }, body: 'xyz' })
    assert.equal(overlap.status, 416)
    const status = await fetch(loc)
    assert.equal(status.status, 204)
    assert.equal(status.headers.get('range'), '0-4')
    assert.equal(status.headers.get('docker-upload-uuid'), uuid)
    const p2 = await fetch(loc, { method: 'PATCH', headers: { 'Content-Range': '5-7' }, body: 'fgh' })
    assert.equal(p2.headers.get('range'), '0-7')
    const digest = digestOf('abcdefghij')
    const put = new URL(p2.headers.get('location')!, base)
    put.searchParams.set('digest', digest)
    const fin = await fetch(put, { method: 'PUT', headers: { 'Content-Range': '8-9' }, body: 'ij' })
    assert.equal(fin.status, 201)
    assert.equal(fin.headers.get('docker-content-digest'), digest)
    const got = await fetch(`${base}/v2/push/chunked/blobs/${digest}`)
    assert.equal(await got.text(), 'abcdefghij')
    assert.equal((await fetch(loc)).status, 404, 'a finished session is gone')
  })

  it('streams a PATCH without Content-Range (docker style)', async () => {
    const start = await fetch(`${base}/v2/push/stream/blobs/uploads/`, { method: 'POST' })
    const loc = new URL(start.headers.get('location')!, base)
    const data = Buffer.alloc(3 * 1024 * 1024, 7)
    const p = await fetch(loc, { method: 'PATCH', body: data })
    assert.equal(p.headers.get('range'), `0-${data.length - 1}`)
    const put = new URL(p.headers.get('location')!, base)
    put.searchParams.set('digest', digestOf(data))
    assert.equal((await fetch(put, { method: 'PUT' })).status, 201)
  })

  it('sha512 uploads, by digest-algorithm and by digest', async () => {
    const data = 'sha512 content'
    const d512 = digestOf(data, 'sha512')
    const start = await fetch(`${base}/v2/push/sha512/blobs/uploads/?digest-algorithm=sha512`, {
      method: 'POST',
    })
    assert.equal(start.status, 202)
    const put = new URL(start.headers.get('location')!, base)
    put.searchParams.set('digest', d512)
    assert.equal((await fetch(put, { method: 'PUT', body: data })).status, 201)
    const get = await fetch(`${base}/v2/push/sha512/blobs/${d512}`)
    assert.equal(get.headers.get('docker-content-digest'), d512)
    assert.equal(await get.text(), data)
  })

  it('cancels an upload with DELETE; unknown sessions are BLOB_UPLOAD_UNKNOWN', async () => {
    const start = await fetch(`${base}/v2/push/cancel/blobs/uploads/`, { method: 'POST' })
    const loc = new URL(start.headers.get('location')!, base)
    assert.equal((await fetch(loc, { method: 'DELETE' })).status, 204)
    const again = await fetch(loc)
    assert.equal(again.status, 404)
    assert.equal(await errorCode(again), 'BLOB_UPLOAD_UNKNOWN')
    const bogus = await fetch(`${base}/v2/push/cancel/blobs/uploads/not-a-uuid`, {
      method: 'PATCH',
      body: 'x',
    })
    assert.equal(bogus.status, 404)
  })

  it('mounts across repositories, including the anonymous form', async () => {
    const digest = await pushBlob(base, 'mount/src', 'mount me')
    const m = await fetch(`${base}/v2/mount/dst/blobs/uploads/?mount=${digest}&from=mount/src`, {
      method: 'POST',
    })
    assert.equal(m.status, 201)
    assert.equal(m.headers.get('location'), `/v2/mount/dst/blobs/${digest}`)
    assert.equal((await fetch(`${base}/v2/mount/dst/blobs/${digest}`, { method: 'HEAD' })).status, 200)
    const anon = await fetch(`${base}/v2/mount/anon/blobs/uploads/?mount=${digest}`, { method: 'POST' })
    assert.equal(anon.status, 201)
    const missing = await fetch(
      `${base}/v2/mount/dst2/blobs/uploads/?mount=${digestOf('nope')}&from=mount/src`,
      {
        method: 'POST',
      },
    )
    assert.equal(missing.status, 202, 'an unmountable blob starts a normal upload')
    assert.ok(missing.headers.get('location')?.includes('/blobs/uploads/'))
  })

  it('answers 404 BLOB_UNKNOWN for missing blobs and blobs of other repositories', async () => {
    const digest = await pushBlob(base, 'iso/a', 'isolated')
    const res = await fetch(`${base}/v2/iso/b/blobs/${digest}`)
    assert.equal(res.status, 404)
    assert.equal(await errorCode(res), 'BLOB_UNKNOWN')
  })
})
