// Conformance, the spec's remaining MUSTs section by section (the workflows are in
// conformance.test.ts and conformance-blobs.test.ts): Location and Docker-Content-Digest on
// every 201, Content-Length on HEAD, 416 for a closing PUT out of order, 404s for unknown
// repositories and sessions, DELETE answers, n=0 tag lists, referrers for unknown subjects.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { digestOf, errorCode, makeImage, pushBlob, putManifest, startTestRegistry } from './testing.ts'

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json'
let reg: Awaited<ReturnType<typeof startTestRegistry>>
let base: string
before(async () => {
  reg = await startTestRegistry()
  base = reg.url
})
after(() => reg.close())

describe('spec MUSTs not covered by the workflows', () => {
  it('pulling: manifest GET and HEAD carry Content-Type without parameters, digest and length', async () => {
    const img = await makeImage(base, 'h/pull', 'p')
    await putManifest(base, 'h/pull', 'v1', img.manifest)
    for (const method of ['GET', 'HEAD']) {
      const res = await fetch(`${base}/v2/h/pull/manifests/v1`, { method, headers: { Accept: OCI_MANIFEST } })
      assert.equal(res.status, 200)
      assert.equal(res.headers.get('content-type'), OCI_MANIFEST)
      assert.equal(res.headers.get('docker-content-digest'), img.digest)
      assert.equal(res.headers.get('content-length'), String(img.manifest.length))
    }
    const blob = await fetch(`${base}/v2/h/pull/blobs/${img.layer.digest}`, { method: 'HEAD' })
    assert.equal(blob.headers.get('content-length'), String(img.layer.size))
    assert.equal(blob.headers.get('docker-content-digest'), img.layer.digest)
    const none = await fetch(`${base}/v2/h/absent/manifests/v1`)
    assert.equal(none.status, 404)
  })

  it('pushing: every 201 has a pullable Location (POST+PUT, single POST, mount, manifest)', async () => {
    const data = 'located'
    const start = await fetch(`${base}/v2/h/push/blobs/uploads/`, { method: 'POST' })
    assert.equal(start.status, 202)
    assert.match(start.headers.get('location') ?? '', /[0-9a-f-]{36}/)
    const put = new URL(start.headers.get('location')!, base)
    put.searchParams.set('digest', digestOf(data))
    const done = await fetch(put, { method: 'PUT', body: data })
    assert.equal(done.status, 201)
    const loc = done.headers.get('location')!
    assert.equal((await fetch(new URL(loc, base))).status, 200)
    const single = await fetch(`${base}/v2/h/push/blobs/uploads/?digest=${digestOf('single')}`, {
      method: 'POST',
      body: 'single',
    })
    assert.equal(single.status, 201)
    assert.equal((await fetch(new URL(single.headers.get('location')!, base))).status, 200)
    const mount = await fetch(`${base}/v2/h/other/blobs/uploads/?mount=${digestOf(data)}&from=h/push`, {
      method: 'POST',
    })
    assert.equal(mount.status, 201)
    assert.equal(mount.headers.get('docker-content-digest'), digestOf(data))
    assert.equal((await fetch(new URL(mount.headers.get('location')!, base))).status, 200)
    const img = await makeImage(base, 'h/push', 'm')
    const m = await putManifest(base, 'h/push', 'v1', img.manifest)
    assert.equal(m.status, 201)
    assert.equal(m.headers.get('docker-content-digest'), img.digest)
    const pulled = await fetch(new URL(m.headers.get('location')!, base), {
      headers: { Accept: OCI_MANIFEST },
    })
    assert.deepEqual(Buffer.from(await pulled.arrayBuffer()), img.manifest)
  })

  it('chunks: a closing PUT whose chunk is out of order is 416, and the session survives', async () => {
    const start = await fetch(`${base}/v2/h/chunks/blobs/uploads/`, { method: 'POST' })
    const loc = new URL(start.headers.get('location')!, base)
    const first = await fetch(loc, { method: 'PATCH', body: 'abc', headers: { 'Content-Range': '0-2' } })
    assert.equal(first.status, 202)
    assert.equal(first.headers.get('range'), '0-2')
    const next = new URL(first.headers.get('location')!, base)
    next.searchParams.set('digest', digestOf('abcdef'))
    const bad = await fetch(next, { method: 'PUT', body: 'def', headers: { 'Content-Range': '5-7' } })
    assert.equal(bad.status, 416)
    const status = await fetch(new URL(first.headers.get('location')!, base))
    assert.equal(status.status, 204)
    assert.equal(status.headers.get('range'), '0-2')
    const ok = await fetch(next, { method: 'PUT', body: 'def', headers: { 'Content-Range': '3-5' } })
    assert.equal(ok.status, 201)
  })

  it('unknown upload sessions are 404 BLOB_UPLOAD_UNKNOWN for PATCH, PUT, GET and DELETE', async () => {
    const url = `${base}/v2/h/chunks/blobs/uploads/00000000-0000-4000-8000-000000000000`
    for (const method of ['PATCH', 'PUT', 'GET', 'DELETE']) {
      const res = await fetch(`${url}${method === 'PUT' ? `?digest=${digestOf('x')}` : ''}`, {
        method,
        ...(method === 'PATCH' || method === 'PUT' ? { body: 'x' } : {}),
      })
      assert.equal(res.status, 404, method)
      assert.equal(await errorCode(res), 'BLOB_UPLOAD_UNKNOWN')
    }
  })

  it('discovery: n=0 lists nothing without a Link; referrers of an unknown subject are an empty index', async () => {
    const img = await makeImage(base, 'h/tags', 't')
    await putManifest(base, 'h/tags', 'a', img.manifest)
    const zero = await fetch(`${base}/v2/h/tags/tags/list?n=0`)
    assert.equal(zero.status, 200)
    assert.deepEqual(((await zero.json()) as { tags: string[] }).tags, [])
    assert.equal(zero.headers.get('link'), null)
    const refs = await fetch(`${base}/v2/h/tags/referrers/${digestOf('nothing refers to me')}`)
    assert.equal(refs.status, 200)
    assert.equal(refs.headers.get('content-type'), 'application/vnd.oci.image.index.v1+json')
    assert.deepEqual(((await refs.json()) as { manifests: unknown[] }).manifests, [])
    const invalid = await fetch(`${base}/v2/h/tags/referrers/sha256:nothex`)
    assert.equal(invalid.status, 400)
  })

  it('management: DELETE answers 202, then 404; a missing repository is 404', async () => {
    const img = await makeImage(base, 'h/del', 'd')
    await putManifest(base, 'h/del', 'gone', img.manifest)
    assert.equal((await fetch(`${base}/v2/h/del/manifests/gone`, { method: 'DELETE' })).status, 202)
    assert.equal((await fetch(`${base}/v2/h/del/manifests/gone`)).status, 404)
    assert.equal((await fetch(`${base}/v2/h/del/manifests/${img.digest}`, { method: 'DELETE' })).status, 202)
    assert.equal((await fetch(`${base}/v2/h/del/manifests/${img.digest}`)).status, 404)
    const missing = await fetch(`${base}/v2/h/never/manifests/${img.digest}`, { method: 'DELETE' })
    assert.equal(missing.status, 404)
    const d = await pushBlob(base, 'h/del', 'blob')
    assert.equal((await fetch(`${base}/v2/h/del/blobs/${d}`, { method: 'DELETE' })).status, 202)
    assert.equal((await fetch(`${base}/v2/h/del/blobs/${d}`)).status, 404)
  })
})
