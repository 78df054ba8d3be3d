// Conformance-style tests: a real server on 127.0.0.1:0 walked through the OCI distribution
// spec's workflows (pull, push, content discovery, content management) over HTTP.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { digestOf, errorCode, makeImage, pushBlob, putManifest, startTestRegistry } from './testing.ts'

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json'
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json'
const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json'
const DOCKER_LIST = 'application/vnd.docker.distribution.manifest.list.v2+json'

let reg: Awaited<ReturnType<typeof startTestRegistry>>
let base: string
const logs: { status: number; path: string }[] = []

before(async () => {
  reg = await startTestRegistry({}, (e) => logs.push(e))
  base = reg.url
})
after(async () => {
  await reg.close()
})

describe('determining support', () => {
  it('GET /v2/ answers 200 with the API version header', async () => {
    const res = await fetch(`${base}/v2/`)
    assert.equal(res.status, 200)
    assert.equal(res.headers.get('docker-distribution-api-version'), 'registry/2.0')
    assert.equal((await fetch(`${base}/health`)).status, 200)
  })
  it('logs one JSON entry per request', () => {
    assert.ok(logs.some((l) => l.path === '/v2/' && l.status === 200))
  })
})

describe('push and pull manifests', () => {
  it('pushes an OCI manifest by tag and pulls it by tag and digest', async () => {
    const img = await makeImage(base, 'man/oci', 'a')
    const put = await putManifest(base, 'man/oci', 'v1', img.manifest)
    assert.equal(put.status, 201)
    assert.equal(put.headers.get('docker-content-digest'), img.digest)
    assert.equal(put.headers.get('location'), `/v2/man/oci/manifests/${img.digest}`)
    for (const ref of ['v1', img.digest]) {
      const get = await fetch(`${base}/v2/man/oci/manifests/${ref}`, { headers: { Accept: OCI_MANIFEST } })
      assert.equal(get.status, 200)
      assert.equal(get.headers.get('content-type'), OCI_MANIFEST)
      assert.equal(get.headers.get('docker-content-digest'), img.digest)
      assert.deepEqual(Buffer.from(await get.arrayBuffer()), img.manifest, 'exact bytes')
    }
    const head = await fetch(`${base}/v2/man/oci/manifests/v1`, { method: 'HEAD' })
    assert.equal(head.headers.get('content-length'), String(img.manifest.length))
  })

  it('pushes an index by digest with ?tag= and answers OCI-Tag', async () => {
    const a = await makeImage(base, 'man/index', 'amd64')
    const b = await makeImage(base, 'man/index', 'arm64')
    await putManifest(base, 'man/index', a.digest, a.manifest)
    await putManifest(base, 'man/index', b.digest, b.manifest)
    const index = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: OCI_INDEX,
        manifests: [
          {
            mediaType: OCI_MANIFEST,
            digest: a.digest,
            size: a.manifest.length,
            platform: { os: 'linux', architecture: 'amd64' },
          },
          {
            mediaType: OCI_MANIFEST,
            digest: b.digest,
            size: b.manifest.length,
            platform: { os: 'linux', architecture: 'arm64' },
          },
        ],
      }),
    )
    const d = digestOf(index)
    const res = await putManifest(base, 'man/index', `${d}?tag=1.0&tag=latest`, index, OCI_INDEX)
    assert.equal(res.status, 201)
    assert.equal(res.headers.get('oci-tag'), '1.0, latest')
    const get = await fetch(`${base}/v2/man/index/manifests/latest`)
    assert.equal(get.headers.get('content-type'), OCI_INDEX)
  })

  it('accepts Docker schema 2 manifests and manifest lists', async () => {
    const img = await makeImage(base, 'man/docker', 'd')
    const m = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: DOCKER_MANIFEST,
        config: { ...img.config, mediaType: 'application/vnd.docker.container.image.v1+json' },
        layers: [{ ...img.layer, mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip' }],
      }),
    )
    assert.equal((await putManifest(base, 'man/docker', 'v2', m, DOCKER_MANIFEST)).status, 201)
    const list = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: DOCKER_LIST,
        manifests: [
          {
            mediaType: DOCKER_MANIFEST,
            digest: digestOf(m),
            size: m.length,
            platform: { os: 'linux', architecture: 'amd64' },
          },
        ],
      }),
    )
    assert.equal((await putManifest(base, 'man/docker', 'list', list, DOCKER_LIST)).status, 201)
    const get = await fetch(`${base}/v2/man/docker/manifests/list`)
    assert.equal(get.headers.get('content-type'), DOCKER_LIST)
  })

  it('accepts missing non-distributable layers but not missing ordinary ones', async () => {
    const img = await makeImage(base, 'man/foreign', 'f')
    const foreign = {
      mediaType: 'application/vnd.oci.image.layer.nondistributable.v1.tar+gzip',
      digest: digestOf('elsewhere'),
      size: 9,
      urls: ['https://example.com/l'],
    }
    const ok = JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: img.config,
      layers: [foreign, img.layer],
    })
    assert.equal((await putManifest(base, 'man/foreign', 'ok', ok)).status, 201)
    const missing = { ...img.layer, digest: digestOf('never pushed') }
    const bad = JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: img.config,
      layers: [missing],
    })
    const res = await putManifest(base, 'man/foreign', 'bad', bad)
    assert.equal(res.status, 400)
    assert.equal(await errorCode(res), 'MANIFEST_BLOB_UNKNOWN')
  })

  it('rejects invalid manifests, digest mismatches and bad references', async () => {
    const img = await makeImage(base, 'man/bad', 'b')
    const notJson = await putManifest(base, 'man/bad', 'x', '{nope')
    assert.equal(await errorCode(notJson), 'MANIFEST_INVALID')
    const mismatch = await putManifest(base, 'man/bad', digestOf('other'), img.manifest)
    assert.equal(mismatch.status, 400)
    assert.equal(await errorCode(mismatch), 'DIGEST_INVALID')
    const typeClash = await putManifest(base, 'man/bad', 'y', img.manifest, OCI_INDEX)
    assert.equal(await errorCode(typeClash), 'MANIFEST_INVALID')
    const unknown = await fetch(`${base}/v2/man/bad/manifests/nosuchtag`)
    assert.equal(unknown.status, 404)
    assert.equal(await errorCode(unknown), 'MANIFEST_UNKNOWN')
    const big = await putManifest(base, 'man/bad', 'big', Buffer.alloc(5 * 1024 * 1024, 32))
    assert.equal(big.status, 413)
  })

  it('answers OCI-Subject and lists referrers with artifactType filtering', async () => {
    const img = await makeImage(base, 'ref/repo', 'subject')
    await putManifest(base, 'ref/repo', 'v1', img.manifest)
    const empty = await pushBlob(base, 'ref/repo', '{}')
    const artifact = (type: string, note: string) =>
      JSON.stringify({
        schemaVersion: 2,
        mediaType: OCI_MANIFEST,
        artifactType: type,
        config: { mediaType: 'application/vnd.oci.empty.v1+json', digest: empty, size: 2 },
        layers: [],
        subject: { mediaType: OCI_MANIFEST, digest: img.digest, size: img.manifest.length },
        annotations: { note },
      })
    const sbom = artifact('application/vnd.example.sbom', 'one')
    const sig = artifact('application/vnd.example.sig', 'two')
    const r1 = await putManifest(base, 'ref/repo', digestOf(sbom), sbom)
    assert.equal(r1.headers.get('oci-subject'), img.digest)
    await putManifest(base, 'ref/repo', digestOf(sig), sig)
    const all = await fetch(`${base}/v2/ref/repo/referrers/${img.digest}`)
    assert.equal(all.status, 200)
    assert.equal(all.headers.get('content-type'), OCI_INDEX)
    const idx = (await all.json()) as {
      manifests: { digest: string; artifactType: string; annotations: object }[]
    }
    assert.equal(idx.manifests.length, 2)
    const sbomDesc = idx.manifests.find((m) => m.digest === digestOf(sbom))
    assert.deepEqual(sbomDesc?.annotations, { note: 'one' })
    const filtered = await fetch(
      `${base}/v2/ref/repo/referrers/${img.digest}?artifactType=application/vnd.example.sig`,
    )
    assert.equal(filtered.headers.get('oci-filters-applied'), 'artifactType')
    const f = (await filtered.json()) as { manifests: { digest: string }[] }
    assert.deepEqual(
      f.manifests.map((m) => m.digest),
      [digestOf(sig)],
    )
    const none = await fetch(`${base}/v2/ref/repo/referrers/${digestOf('no subject')}`)
    assert.equal(none.status, 200)
    assert.deepEqual(((await none.json()) as { manifests: unknown[] }).manifests, [])
    assert.equal((await fetch(`${base}/v2/ref/repo/referrers/sha256:zz`)).status, 400)
    // Deleting a referrer removes it from the list.
    await fetch(`${base}/v2/ref/repo/manifests/${digestOf(sig)}`, { method: 'DELETE' })
    const after = (await (await fetch(`${base}/v2/ref/repo/referrers/${img.digest}`)).json()) as {
      manifests: unknown[]
    }
    assert.equal(after.manifests.length, 1)
  })

  it('accepts a subject that does not exist yet', async () => {
    const empty = await pushBlob(base, 'ref/early', '{}')
    const m = JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: { mediaType: 'application/vnd.oci.empty.v1+json', digest: empty, size: 2 },
      layers: [],
      subject: { mediaType: OCI_MANIFEST, digest: digestOf('future'), size: 10 },
    })
    const res = await putManifest(base, 'ref/early', digestOf(m), m)
    assert.equal(res.status, 201)
    const idx = (await (await fetch(`${base}/v2/ref/early/referrers/${digestOf('future')}`)).json()) as {
      manifests: { artifactType: string }[]
    }
    assert.equal(
      idx.manifests[0]?.artifactType,
      'application/vnd.oci.empty.v1+json',
      'config media type stands in',
    )
  })
})

describe('content discovery', () => {
  it('lists tags in order with n/last pagination and a Link header', async () => {
    const img = await makeImage(base, 'disc/tags', 't')
    for (const t of ['b', 'a', 'C', 'd', 'e']) await putManifest(base, 'disc/tags', t, img.manifest)
    const all = (await (await fetch(`${base}/v2/disc/tags/tags/list`)).json()) as {
      name: string
      tags: string[]
    }
    assert.deepEqual(all, { name: 'disc/tags', tags: ['C', 'a', 'b', 'd', 'e'] })
    const p1 = await fetch(`${base}/v2/disc/tags/tags/list?n=2`)
    assert.deepEqual(((await p1.json()) as { tags: string[] }).tags, ['C', 'a'])
    const link = p1.headers.get('link')
    assert.equal(link, '</v2/disc/tags/tags/list?n=2&last=a>; rel="next"')
    const next = link!.slice(1, link!.indexOf('>'))
    const p2 = await fetch(`${base}${next}`)
    assert.deepEqual(((await p2.json()) as { tags: string[] }).tags, ['b', 'd'])
    const p3 = await fetch(`${base}/v2/disc/tags/tags/list?n=2&last=d`)
    assert.deepEqual(((await p3.json()) as { tags: string[] }).tags, ['e'])
    assert.equal(p3.headers.get('link'), null)
    const zero = await fetch(`${base}/v2/disc/tags/tags/list?n=0`)
    assert.deepEqual(((await zero.json()) as { tags: string[] }).tags, [])
    assert.equal(zero.headers.get('link'), null)
    const lastOnly = await fetch(`${base}/v2/disc/tags/tags/list?last=b`)
    assert.deepEqual(((await lastOnly.json()) as { tags: string[] }).tags, ['d', 'e'])
  })

  it('answers NAME_UNKNOWN for the tags of a missing repository', async () => {
    const res = await fetch(`${base}/v2/no/such/repo/tags/list`)
    assert.equal(res.status, 404)
    assert.equal(await errorCode(res), 'NAME_UNKNOWN')
  })

  it('lists the catalog with pagination', async () => {
    const all = (await (await fetch(`${base}/v2/_catalog`)).json()) as { repositories: string[] }
    assert.ok(all.repositories.includes('disc/tags'))
    assert.ok(all.repositories.includes('man/oci'))
    assert.deepEqual(all.repositories, [...all.repositories].sort())
    const p = await fetch(`${base}/v2/_catalog?n=1`)
    assert.equal(((await p.json()) as { repositories: string[] }).repositories.length, 1)
    assert.match(p.headers.get('link') ?? '', /^<\/v2\/_catalog\?n=1&last=.+>; rel="next"$/)
  })

  it('rejects invalid repository names with NAME_INVALID', async () => {
    const res = await fetch(`${base}/v2/Upper/Case/tags/list`)
    assert.equal(res.status, 400)
    assert.equal(await errorCode(res), 'NAME_INVALID')
  })
})

describe('content management', () => {
  it('deletes a tag, then the manifest, then a blob', async () => {
    const img = await makeImage(base, 'mgmt/repo', 'm')
    await putManifest(base, 'mgmt/repo', 'keep', img.manifest)
    await putManifest(base, 'mgmt/repo', 'drop', img.manifest)
    assert.equal((await fetch(`${base}/v2/mgmt/repo/manifests/drop`, { method: 'DELETE' })).status, 202)
    assert.equal((await fetch(`${base}/v2/mgmt/repo/manifests/drop`)).status, 404)
    assert.equal((await fetch(`${base}/v2/mgmt/repo/manifests/keep`)).status, 200)
    assert.equal(
      (await fetch(`${base}/v2/mgmt/repo/manifests/${img.digest}`, { method: 'DELETE' })).status,
      202,
    )
    assert.equal((await fetch(`${base}/v2/mgmt/repo/manifests/${img.digest}`)).status, 404)
    assert.equal(
      (await fetch(`${base}/v2/mgmt/repo/manifests/keep`)).status,
      404,
      'tags of a deleted manifest go',
    )
    const del = await fetch(`${base}/v2/mgmt/repo/blobs/${img.layer.digest}`, { method: 'DELETE' })
    assert.equal(del.status, 202)
    assert.equal((await fetch(`${base}/v2/mgmt/repo/blobs/${img.layer.digest}`)).status, 404)
    const again = await fetch(`${base}/v2/mgmt/repo/blobs/${img.layer.digest}`, { method: 'DELETE' })
    assert.equal(again.status, 404)
    assert.equal(
      (await fetch(`${base}/v2/mgmt/repo/manifests/${img.digest}`, { method: 'DELETE' })).status,
      404,
    )
  })

  it('garbage-collects unreferenced blobs, with a dry run first', async () => {
    const orphan = await pushBlob(base, 'gc/repo', 'orphan bytes')
    await fetch(`${base}/v2/gc/repo/blobs/${orphan}`, { method: 'DELETE' })
    const dry = await reg.storage.collectGarbage({ dryRun: true })
    assert.ok(dry.deleted.includes(orphan as never))
    const wet = await reg.storage.collectGarbage()
    assert.ok(wet.deleted.includes(orphan as never))
    const img = await makeImage(base, 'gc/kept', 'k')
    await putManifest(base, 'gc/kept', 'v1', img.manifest)
    const after = await reg.storage.collectGarbage({ dryRun: true })
    assert.ok(!after.deleted.includes(img.layer.digest as never))
  })
})

describe('durability', () => {
  it('keeps committed data and open uploads across a restart', async () => {
    const first = await startTestRegistry()
    const img = await makeImage(first.url, 'restart/repo', 'r')
    await putManifest(first.url, 'restart/repo', 'v1', img.manifest)
    const start = await fetch(`${first.url}/v2/restart/repo/blobs/uploads/`, { method: 'POST' })
    const loc = start.headers.get('location')!
    await fetch(new URL(loc, first.url), {
      method: 'PATCH',
      headers: { 'Content-Range': '0-2' },
      body: 'abc',
    })
    await first.close()
    const second = await startTestRegistry({ root: first.root })
    try {
      const get = await fetch(`${second.url}/v2/restart/repo/manifests/v1`)
      assert.deepEqual(Buffer.from(await get.arrayBuffer()), img.manifest)
      const p = await fetch(new URL(loc, second.url), {
        method: 'PATCH',
        headers: { 'Content-Range': '3-5' },
        body: 'def',
      })
      assert.equal(p.headers.get('range'), '0-5')
      const put = new URL(loc, second.url)
      put.searchParams.set('digest', digestOf('abcdef'))
      assert.equal((await fetch(put, { method: 'PUT' })).status, 201, 'hash rebuilt from the stored chunk')
    } finally {
      await second.close()
    }
  })

  it('answers 405 UNSUPPORTED when deletion is disabled', async () => {
    const ro = await startTestRegistry({ deleteEnabled: false })
    try {
      const digest = await pushBlob(ro.url, 'ro/repo', 'x')
      const res = await fetch(`${ro.url}/v2/ro/repo/blobs/${digest}`, { method: 'DELETE' })
      assert.equal(res.status, 405)
      assert.equal(await errorCode(res), 'UNSUPPORTED')
    } finally {
      await ro.close()
    }
  })
})
