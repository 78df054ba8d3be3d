// Pull and push through ImageService against the in-memory fake registry on 127.0.0.1:
// round trip, digests, auth (Basic and Bearer), manifest lists, zstd/uncompressed layers,
// chunked upload, mounts, and failures that must leave nothing behind.
import assert from 'node:assert/strict'
import { readdir, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { after, before, describe, it } from 'node:test'
import { gzipSync, zstdCompressSync } from 'node:zlib'
import { FakeRegistry } from '../../../test/support/fake-registry.ts'
import { nullPublisher } from '../../events/index.ts'
import { ForbiddenError, NotFoundError, UnauthorizedError } from '../../lib/errors.ts'
import { nullLogger } from '../../lib/log.ts'
import { MediaType, sha256Of } from '../../oci/index.ts'
import { ImageService } from '../image-service.ts'
import type { ProgressMessage } from '../image-service-contract.ts'
import { busyboxRootfsTar, haveBusybox, tempRoot } from '../testing.ts'

const skip = !haveBusybox() ? 'needs /usr/bin/busybox (busybox-static)' : false

async function collectAll(it: AsyncIterable<ProgressMessage>): Promise<ProgressMessage[]> {
  const out: ProgressMessage[] = []
  for await (const m of it) out.push(m)
  return out
}

async function service(opts: { chunkSize?: number } = {}): Promise<{ svc: ImageService; root: string }> {
  const root = await tempRoot('berth-pull-')
  const svc = new ImageService({
    root,
    publisher: nullPublisher,
    log: nullLogger,
    registry: { chunkSize: opts.chunkSize },
  })
  await svc.init()
  return { svc, root }
}

describe('pull and push', { skip }, () => {
  const roots: string[] = []
  const registries: FakeRegistry[] = []
  let rootfs: Buffer
  before(async () => {
    rootfs = await busyboxRootfsTar()
  })
  after(async () => {
    for (const r of registries) await r.stop()
    for (const r of roots) await rm(r, { recursive: true, force: true })
  })
  const fresh = async (opts: { chunkSize?: number } = {}) => {
    const s = await service(opts)
    roots.push(s.root)
    return s.svc
  }
  const registry = async (auth?: ConstructorParameters<typeof FakeRegistry>[0]) => {
    const r = await FakeRegistry.start(auth)
    registries.push(r)
    return r
  }

  it('pushes an imported image and pulls it back by tag and by digest', async () => {
    const reg = await registry()
    const a = await fresh({ chunkSize: 64 * 1024 })
    const img = await a.importRootfs(Readable.from([rootfs]), { reference: `${reg.host}/busybox:1` })
    const pushed = await collectAll(a.push(`${reg.host}/busybox`, { tag: '1' }))
    assert.equal(pushed[0]?.status, `The push refers to repository [${reg.host}/busybox]`)
    assert.ok(pushed.some((m) => m.status === 'Pushed'))
    const aux = pushed.at(-1)?.aux as { Tag: string; Digest: string; Size: number }
    assert.equal(aux.Tag, '1')
    assert.match(pushed.at(-2)?.status ?? '', new RegExp(`^1: digest: ${aux.Digest} size: ${aux.Size}$`))
    assert.ok(
      reg.requests.some((r) => r.startsWith('PATCH ')),
      'a layer bigger than chunkSize is chunked',
    )
    assert.deepEqual((await a.resolve(img.id)).repoDigests, [`${reg.host}/busybox@${aux.Digest}`])

    const again = await collectAll(a.push(`${reg.host}/busybox`, { tag: '1' }))
    assert.ok(again.some((m) => m.status === 'Layer already exists'))
    assert.equal((again.at(-1)!.aux as { Digest: string }).Digest, aux.Digest, 'same digest on re-push')

    const b = await fresh()
    const pulled = await collectAll(b.pull(`${reg.host}/busybox:1`, {}))
    assert.deepEqual(pulled[0], { status: 'Pulling from busybox', id: '1' })
    assert.ok(pulled.some((m) => m.status === 'Pull complete'))
    assert.equal(pulled.at(-2)?.status, `Digest: ${aux.Digest}`)
    assert.equal(pulled.at(-1)?.status, `Status: Downloaded newer image for ${reg.host}/busybox:1`)
    const got = await b.resolve(`${reg.host}/busybox:1`)
    assert.equal(got.id, img.id)
    assert.deepEqual(got.repoDigests, [`${reg.host}/busybox@${aux.Digest}`])

    const second = await collectAll(b.pull(`${reg.host}/busybox:1`, {}))
    assert.ok(second.some((m) => m.status === 'Already exists'))
    assert.equal(second.at(-1)?.status, `Status: Image is up to date for ${reg.host}/busybox:1`)

    const c = await fresh()
    const byDigest = await collectAll(c.pull(`${reg.host}/busybox@${aux.Digest}`, {}))
    assert.equal(
      byDigest.at(-1)?.status,
      `Status: Downloaded newer image for ${reg.host}/busybox@${aux.Digest}`,
    )
    assert.equal((await c.resolve(`${reg.host}/busybox@${aux.Digest}`)).id, img.id)

    // Mount: the same layer pushed to another repository of the registry is not uploaded.
    await a.tag(img.id, `${reg.host}/other:x`)
    const mounted = await collectAll(a.push(`${reg.host}/other`, { tag: 'x' }))
    assert.ok(
      mounted.some((m) => m.status === 'Mounted from busybox'),
      JSON.stringify(mounted),
    )
  })

  it('fails a missing tag before streaming and keeps nothing', async () => {
    const reg = await registry()
    reg.putBlob('x', Buffer.from('{}'))
    const s = await fresh()
    const it = s.pull(`${reg.host}/x:nope`, {})[Symbol.asyncIterator]()
    await assert.rejects(
      it.next(),
      (e: unknown) =>
        e instanceof NotFoundError &&
        e.message === `manifest for ${reg.host}/x:nope not found: manifest unknown: manifest unknown`,
    )
    assert.deepEqual(await s.list(), [])
  })

  it('rejects a corrupted layer and commits nothing', async () => {
    const reg = await registry()
    const layer = gzipSync(rootfs)
    const digest = publish(reg, 'bad', 'latest', [
      { bytes: layer, mediaType: MediaType.dockerLayerGzip, diffId: sha256Of(rootfs) },
    ])
    reg.corrupted.add(sha256Of(layer))
    const s = await fresh()
    await assert.rejects(
      collectAll(s.pull(`${reg.host}/bad:latest`, {})),
      /filesystem layer verification failed for digest sha256:/,
    )
    assert.deepEqual(await s.list(), [])
    assert.ok(digest)
    const root = roots.at(-1)!
    assert.deepEqual(await readdir(join(root, 'image/content/blobs/sha256')), [])
    assert.deepEqual(await readdir(join(root, 'image/content/ingest')), [])
    assert.deepEqual(await readdir(join(root, 'overlay/tmp')), [])
    assert.deepEqual(await readdir(join(root, 'overlay/layers')), [])
  })

  it('reports a blob corrupted mid-stream as a verification failure, as docker does', async () => {
    const reg = await registry()
    const layer = gzipSync(rootfs)
    publish(reg, 'midbad', 'latest', [
      { bytes: layer, mediaType: MediaType.dockerLayerGzip, diffId: sha256Of(rootfs) },
    ])
    // Same size, an invalid deflate block right after the gzip header: the decompressor fails
    // long before the end of the blob.
    const bad = Buffer.from(layer)
    bad[10] = 0xff
    reg.blobs.set(sha256Of(layer), bad)
    const s = await fresh()
    await assert.rejects(
      collectAll(s.pull(`${reg.host}/midbad:latest`, {})),
      /filesystem layer verification failed for digest sha256:/,
    )
    const root = roots.at(-1)!
    assert.deepEqual(await readdir(join(root, 'overlay/tmp')), [])
    assert.deepEqual(await readdir(join(root, 'image/content/ingest')), [])
  })

  it('rejects a layer whose content does not match its diff id, leaving no staged unpack', async () => {
    const reg = await registry()
    const extra = await busyboxRootfsTar([{ name: 'etc/extra', data: 'hi\n' }])
    publish(reg, 'wrongdiff', 'latest', [
      { bytes: gzipSync(rootfs), mediaType: MediaType.dockerLayerGzip, diffId: sha256Of(rootfs) },
      { bytes: gzipSync(extra), mediaType: MediaType.dockerLayerGzip, diffId: sha256Of('not this layer') },
    ])
    const s = await fresh()
    await assert.rejects(collectAll(s.pull(`${reg.host}/wrongdiff:latest`, {})), /content digest mismatch/)
    assert.deepEqual(await s.list(), [])
    const root = roots.at(-1)!
    assert.deepEqual(await readdir(join(root, 'image/content/ingest')), [])
    assert.deepEqual(await readdir(join(root, 'overlay/tmp')), [])
    // Only the verified first layer may have been kept (a retry reuses it), never the bad one.
    assert.ok((await readdir(join(root, 'overlay/layers'))).length <= 1)
    assert.deepEqual(
      await readdir(join(root, 'image/content/blobs/sha256')).then((b) =>
        b.filter((x) => x === sha256Of(extra).slice(7)),
      ),
      [],
    )
  })

  it('pulls OCI indexes for the host platform with zstd and plain layers', async () => {
    const reg = await registry()
    const extra = await busyboxRootfsTar([{ name: 'etc/extra', data: 'hi\n' }])
    const layers = [
      { bytes: zstdCompressSync(rootfs), mediaType: MediaType.ociLayerZstd, diffId: sha256Of(rootfs) },
      { bytes: extra, mediaType: MediaType.ociLayer, diffId: sha256Of(extra) },
    ]
    const arch = process.arch === 'x64' ? 'amd64' : process.arch
    const m = publish(reg, 'multi', undefined, layers, MediaType.ociManifest)
    const other = publish(reg, 'multi', undefined, layers.slice(0, 1), MediaType.ociManifest, 'ppc64le')
    const index = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: MediaType.ociIndex,
        manifests: [
          { ...other, platform: { os: 'linux', architecture: 'ppc64le' } },
          { ...m, platform: { os: 'linux', architecture: arch } },
        ],
      }),
    )
    const indexDigest = reg.putManifest('multi', 'latest', index, MediaType.ociIndex)
    const s = await fresh()
    const out = await collectAll(s.pull(`${reg.host}/multi`, {}))
    assert.equal(out.at(-1)?.status, `Status: Downloaded newer image for ${reg.host}/multi`)
    const img = await s.resolve(`${reg.host}/multi:latest`)
    assert.equal(img.architecture, arch)
    assert.equal(img.rootfs.diffIds.length, 2)
    assert.deepEqual(img.repoDigests, [`${reg.host}/multi@${indexDigest}`])
    const ppc = await collectAll(s.pull(`${reg.host}/multi:latest`, { platform: 'linux/ppc64le' }))
    assert.ok(ppc.some((x) => x.status === 'Already exists'))
    await assert.rejects(
      collectAll(s.pull(`${reg.host}/multi:latest`, { platform: 'linux/s390x' })),
      /no matching manifest for linux\/s390x/,
    )
  })

  it('authenticates with Basic and with the Bearer token flow, and reports bad credentials', async () => {
    const basic = await registry({ auth: { kind: 'basic', username: 'u', password: 'p' } })
    const bearer = await registry({ auth: { kind: 'bearer', username: 'u', password: 'p' } })
    const s = await fresh()
    for (const reg of [basic, bearer]) {
      const auth = { username: 'u', password: 'p', serveraddress: reg.host }
      assert.deepEqual(await s.login(auth), { status: 'Login Succeeded' })
      await assert.rejects(s.login({ ...auth, password: 'wrong' }), UnauthorizedError)
      await s.importRootfs(Readable.from([rootfs]), { reference: `${reg.host}/sec:1` })
      await assert.rejects(collectAll(s.push(`${reg.host}/sec`, { tag: '1' })), /unauthorized/)
      await collectAll(s.push(`${reg.host}/sec`, { tag: '1', auth }))
      await s.remove(`${reg.host}/sec:1`, { force: true, noprune: false })
      await assert.rejects(
        collectAll(s.pull(`${reg.host}/sec:1`, {})),
        /pull access denied for 127.0.0.1:\d+\/sec/,
      )
      await assert.rejects(
        collectAll(s.pull(`${reg.host}/sec:1`, { auth: { ...auth, password: 'no' } })),
        ForbiddenError,
      )
      await collectAll(s.pull(`${reg.host}/sec:1`, { auth }))
    }
    const before = bearer.tokenRequests
    await collectAll(s.pull(`${bearer.host}/sec:1`, { auth: { username: 'u', password: 'p' } }))
    assert.equal(bearer.tokenRequests, before, 'tokens are cached per scope')
  })

  it('reports an unreachable registry', async () => {
    const s = await fresh()
    await assert.rejects(
      collectAll(s.pull('127.0.0.1:1/x:1', {})),
      /Get "http:\/\/127.0.0.1:1\/v2\/x\/manifests\/1": /,
    )
  })
})

/** Stores layers, a config and a manifest in the fake registry; returns the manifest descriptor. */
function publish(
  reg: FakeRegistry,
  repo: string,
  tag: string | undefined,
  layers: Array<{ bytes: Buffer; mediaType: string; diffId: string }>,
  mediaType: string = MediaType.dockerManifest,
  architecture = process.arch === 'x64' ? 'amd64' : process.arch,
): { mediaType: string; digest: string; size: number } {
  const config = Buffer.from(
    JSON.stringify({
      architecture,
      os: 'linux',
      config: { Cmd: ['sh'] },
      rootfs: { type: 'layers', diff_ids: layers.map((l) => l.diffId) },
    }),
  )
  const configDigest = reg.putBlob(repo, config)
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType,
      config: {
        mediaType: mediaType === MediaType.ociManifest ? MediaType.ociConfig : MediaType.dockerConfig,
        digest: configDigest,
        size: config.length,
      },
      layers: layers.map((l) => ({
        mediaType: l.mediaType,
        digest: reg.putBlob(repo, l.bytes),
        size: l.bytes.length,
      })),
    }),
  )
  const digest = reg.putManifest(repo, tag, manifest, mediaType)
  return { mediaType, digest, size: manifest.length }
}
