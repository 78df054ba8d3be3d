// Pull-through cache mode over real HTTP: a second berth-registry on 127.0.0.1 is the upstream
// (with htpasswd or token auth). The cache serves what upstream has, stores it, keeps serving
// it when upstream is down, follows moved tags, refuses pushes; and upload purging in a server.
import assert from 'node:assert/strict'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { bcryptHash } from './auth/htpasswd.ts'
import { buildConfig } from './config.ts'
import { digestOf, errorCode, makeImage, putManifest, startTestRegistry, tempDir } from './testing.ts'

const basic = (u: string, p: string) => ({
  Authorization: `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`,
})
const OCI = 'application/vnd.oci.image.manifest.v1+json'

describe('pull-through cache', () => {
  let htpasswd: string
  let upstream: Awaited<ReturnType<typeof startTestRegistry>>
  let tokenUpstream: Awaited<ReturnType<typeof startTestRegistry>>
  let cache: Awaited<ReturnType<typeof startTestRegistry>>
  let img: Awaited<ReturnType<typeof makeImage>>
  let upstreamClosed = false
  before(async () => {
    htpasswd = join(await tempDir(), 'htpasswd')
    await writeFile(htpasswd, `up:${await bcryptHash('stream', 4)}\n`)
    upstream = await startTestRegistry({ auth: { kind: 'htpasswd', htpasswd, realm: 'up' } })
    const auth = { headers: basic('up', 'stream') }
    img = await makeImage(upstream.url, 'lib/app', 'one', auth)
    assert.equal((await putManifest(upstream.url, 'lib/app', 'v1', img.manifest, OCI, auth)).status, 201)
    cache = await startTestRegistry({
      proxy: { remoteUrl: upstream.url, username: 'up', password: 'stream' },
    })
  })
  after(async () => {
    await cache?.close()
    if (!upstreamClosed) await upstream?.close()
    await tokenUpstream?.close()
  })

  it('serves a tag, its config and layer from upstream, and stores them', async () => {
    const m = await fetch(`${cache.url}/v2/lib/app/manifests/v1`, { headers: { Accept: OCI } })
    assert.equal(m.status, 200)
    assert.equal(m.headers.get('docker-content-digest'), img.digest)
    assert.deepEqual(Buffer.from(await m.arrayBuffer()), img.manifest)
    for (const b of [img.config, img.layer]) {
      const r = await fetch(`${cache.url}/v2/lib/app/blobs/${b.digest}`)
      assert.equal(r.status, 200)
      assert.equal(digestOf(Buffer.from(await r.arrayBuffer())), b.digest)
    }
    const stored = cache.storage
    assert.equal((await stored.manifests.resolve('lib/app', { tag: 'v1' })).digest, img.digest)
    assert.equal((await stored.blobs.stat('lib/app', img.layer.digest as never)).size, img.layer.size)
  })

  it('answers MANIFEST_UNKNOWN and BLOB_UNKNOWN for what upstream lacks', async () => {
    const m = await fetch(`${cache.url}/v2/lib/app/manifests/nope`)
    assert.equal(m.status, 404)
    assert.equal(await errorCode(m), 'MANIFEST_UNKNOWN')
    // No valid tag names nothing: 404 as from a plain berth-registry, not 400.
    const invalid = await fetch(`${cache.url}/v2/lib/app/manifests/.INVALID_MANIFEST_NAME`)
    assert.equal(invalid.status, 404)
    assert.equal(await errorCode(invalid), 'MANIFEST_UNKNOWN')
    const b = await fetch(`${cache.url}/v2/lib/app/blobs/${digestOf('absent')}`)
    assert.equal(b.status, 404)
    assert.equal(await errorCode(b), 'BLOB_UNKNOWN')
  })

  it("lists upstream's tags, paginated", async () => {
    const auth = { headers: basic('up', 'stream') }
    assert.equal((await putManifest(upstream.url, 'lib/app', 'v0', img.manifest, OCI, auth)).status, 201)
    const all = await fetch(`${cache.url}/v2/lib/app/tags/list`)
    assert.deepEqual(await all.json(), { name: 'lib/app', tags: ['v0', 'v1'] })
    const first = await fetch(`${cache.url}/v2/lib/app/tags/list?n=1`)
    assert.deepEqual(((await first.json()) as { tags: string[] }).tags, ['v0'])
    assert.match(first.headers.get('link') ?? '', /last=v0/)
  })

  it('refuses pushes and deletes with UNSUPPORTED', async () => {
    const post = await fetch(`${cache.url}/v2/lib/app/blobs/uploads/`, { method: 'POST' })
    assert.equal(post.status, 405)
    assert.equal(await errorCode(post), 'UNSUPPORTED')
    const put = await putManifest(cache.url, 'lib/app', 'v2', img.manifest)
    assert.equal(put.status, 405)
    const del = await fetch(`${cache.url}/v2/lib/app/manifests/${img.digest}`, { method: 'DELETE' })
    assert.equal(del.status, 405)
  })

  it('follows a tag moved upstream', async () => {
    const auth = { headers: basic('up', 'stream') }
    const two = await makeImage(upstream.url, 'lib/app', 'two', auth)
    assert.equal((await putManifest(upstream.url, 'lib/app', 'v1', two.manifest, OCI, auth)).status, 201)
    const m = await fetch(`${cache.url}/v2/lib/app/manifests/v1`, { method: 'HEAD' })
    assert.equal(m.headers.get('docker-content-digest'), two.digest)
    // The earlier manifest stays reachable by digest.
    const old = await fetch(`${cache.url}/v2/lib/app/manifests/${img.digest}`, { method: 'HEAD' })
    assert.equal(old.status, 200)
  })

  it('uses a token-auth upstream through its Bearer flow', async () => {
    tokenUpstream = await startTestRegistry({
      auth: {
        kind: 'token',
        htpasswd,
        service: 'up',
        issuer: 'up',
        ttlSeconds: 60,
        anonymousPull: false,
        acl: [{ account: 'up', name: '*', actions: ['pull', 'push'] }],
      },
    })
    const tok = await fetch(`${tokenUpstream.url}/token?service=up&scope=repository:t/app:pull,push`, {
      headers: basic('up', 'stream'),
    })
    const { token } = (await tok.json()) as { token: string }
    const auth = { headers: { Authorization: `Bearer ${token}` } }
    const timg = await makeImage(tokenUpstream.url, 't/app', 'tok', auth)
    assert.equal((await putManifest(tokenUpstream.url, 't/app', 'v1', timg.manifest, OCI, auth)).status, 201)
    const c = await startTestRegistry({
      proxy: { remoteUrl: tokenUpstream.url, username: 'up', password: 'stream' },
    })
    try {
      const m = await fetch(`${c.url}/v2/t/app/manifests/v1`)
      assert.equal(m.status, 200, await m.clone().text())
      assert.equal(m.headers.get('docker-content-digest'), timg.digest)
      const b = await fetch(`${c.url}/v2/t/app/blobs/${timg.layer.digest}`)
      assert.equal(b.status, 200)
    } finally {
      await c.close()
    }
  })

  it('keeps serving what it stored once upstream is down', async () => {
    await upstream.close()
    upstreamClosed = true
    const m = await fetch(`${cache.url}/v2/lib/app/manifests/${img.digest}`)
    assert.equal(m.status, 200)
    const t = await fetch(`${cache.url}/v2/lib/app/manifests/v1`, { method: 'HEAD' })
    assert.equal(t.status, 200)
    const b = await fetch(`${cache.url}/v2/lib/app/blobs/${img.layer.digest}`)
    assert.equal(b.status, 200)
    // Something never fetched cannot be served: the upstream failure is reported.
    const missing = await fetch(`${cache.url}/v2/lib/other/manifests/v1`)
    assert.equal(missing.status, 503)
  })
})

describe('proxy and purging config', () => {
  it('reads proxy and uploadpurging from YAML, and flags win', () => {
    const c = buildConfig(
      {
        proxy: { remoteurl: 'https://up.example', username: 'u', password: 'p' },
        uploadpurging: { age: '2h30m', interval: '10m' },
      },
      new Map([['--upload-max-age', '90s']]),
    )
    assert.deepEqual(c.proxy, { remoteUrl: 'https://up.example', username: 'u', password: 'p' })
    assert.deepEqual(c.uploadPurging, { enabled: true, ageSeconds: 90, intervalSeconds: 600 })
    assert.equal(buildConfig({}, new Map()).uploadPurging.ageSeconds, 168 * 3600)
    assert.throws(() => buildConfig({ proxy: { remoteurl: 'ftp://x' } }, new Map()), /proxy.remoteurl/)
    assert.throws(() => buildConfig({ uploadpurging: { age: 'soon' } }, new Map()), /uploadpurging.age/)
  })

  it('a running server purges stale uploads on its interval', async () => {
    const reg = await startTestRegistry({
      uploadPurging: { enabled: true, ageSeconds: 0.2, intervalSeconds: 0.1 },
    })
    try {
      const start = await fetch(`${reg.url}/v2/purge/me/blobs/uploads/`, { method: 'POST' })
      assert.equal(start.status, 202)
      const loc = new URL(start.headers.get('location')!, reg.url)
      assert.equal((await fetch(loc)).status, 204)
      await new Promise((r) => setTimeout(r, 600))
      const gone = await fetch(loc)
      assert.equal(gone.status, 404)
      assert.equal(await errorCode(gone), 'BLOB_UPLOAD_UNKNOWN')
    } finally {
      await reg.close()
    }
  })
})
