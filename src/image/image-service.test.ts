import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { access, constants, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { after, before, describe, it } from 'node:test'
import { gzipSync } from 'node:zlib'
import tar from 'tar-stream'
import { type EngineEvent, EventBus } from '../events/index.ts'
import { ConflictError, InvalidArgumentError, NotFoundError } from '../lib/errors.ts'
import { nullLogger } from '../lib/log.ts'
import { ImageService } from './image-service.ts'
import type { ProgressMessage } from './image-service-contract.ts'
import { busyboxRootfsTar, collect, haveBusybox, tempRoot } from './testing.ts'

const isRoot = process.getuid?.() === 0
const skip = !haveBusybox() ? 'needs /usr/bin/busybox (busybox-static)' : false

async function messages(it: AsyncIterable<ProgressMessage>): Promise<ProgressMessage[]> {
  const out: ProgressMessage[] = []
  for await (const m of it) out.push(m)
  return out
}

describe('ImageService', { skip }, () => {
  let root: string
  let svc: ImageService
  let rootfsTar: Buffer
  const events: EngineEvent[] = []

  before(async () => {
    root = await tempRoot()
    const bus = new EventBus()
    bus.subscribe((e) => events.push(e))
    svc = new ImageService({ root, publisher: bus, log: nullLogger })
    await svc.init()
    rootfsTar = await busyboxRootfsTar()
  })
  after(async () => {
    for (const key of ['c1', 'c2']) await svc.removeRootfs(key).catch(() => undefined)
    await rm(root, { recursive: true, force: true })
  })

  it('imports a gzip rootfs with changes and resolves it every way', async () => {
    const img = await svc.importRootfs(Readable.from([gzipSync(rootfsTar)]), {
      reference: 'busybox',
      changes: ['CMD ["sh"]', 'ENV A=b', 'LABEL team=x'],
      message: 'Imported from -',
    })
    assert.match(img.id, /^sha256:[a-f0-9]{64}$/)
    assert.deepEqual(img.repoTags, ['busybox:latest'])
    assert.equal(img.architecture, process.arch === 'x64' ? 'amd64' : process.arch)
    assert.equal(img.os, 'linux')
    assert.deepEqual(img.config.Cmd, ['sh'])
    assert.equal(img.comment, 'Imported from -')
    assert.equal(img.history[0]?.comment, 'Imported from -')
    assert.ok(img.size > 100_000)
    assert.ok(img.lastTagTime)
    for (const ref of [
      'busybox',
      'busybox:latest',
      'docker.io/library/busybox:latest',
      img.id,
      img.id.slice(7),
      img.id.slice(7, 19),
      img.id.slice(0, 12),
    ]) {
      assert.equal((await svc.resolve(ref)).id, img.id, ref)
    }
    await assert.rejects(
      svc.resolve('nope'),
      (e: unknown) => e instanceof NotFoundError && e.message === 'No such image: nope:latest',
    )
    assert.ok(
      events.some((e) => e.Action === 'import') &&
        events.some((e) => e.Action === 'tag' && e.Actor.Attributes.name === 'busybox:latest'),
    )
    const hist = await svc.history('busybox')
    assert.equal(hist.length, 1)
    assert.equal(hist[0]?.id, img.id)
    assert.deepEqual(hist[0]?.tags, ['busybox:latest'])
    assert.equal(hist[0]?.size, img.size)
  })

  it('rejects a bad tarball and bad changes', async () => {
    await assert.rejects(svc.importRootfs(Readable.from([Buffer.alloc(1024, 7)]), {}), InvalidArgumentError)
    await assert.rejects(
      svc.importRootfs(Readable.from([rootfsTar]), { changes: ['RUN x'] }),
      InvalidArgumentError,
    )
    await assert.rejects(
      svc.importRootfs(Readable.from([rootfsTar]), { reference: 'Bad' }),
      /must be lowercase/,
    )
  })

  it('keeps state across restarts and shares layers', async () => {
    const again = await svc.importRootfs(Readable.from([rootfsTar]), {
      reference: 'other:1',
      changes: ['CMD ["ls"]'],
    })
    const layers = await readdir(join(root, 'overlay/layers'))
    assert.equal(layers.length, 1)
    const svc2 = new ImageService({ root, publisher: new EventBus(), log: nullLogger })
    await svc2.init()
    assert.equal((await svc2.resolve('other:1')).id, again.id)
    assert.equal((await svc2.list()).length, 2)
    await svc.remove('other:1', { force: false, noprune: false })
  })

  it('tags and removes with Docker semantics', async () => {
    const id = (await svc.resolve('busybox')).id
    await svc.tag('busybox', 'localhost:5000/x/y:t')
    await svc.tag(id, 'mine')
    assert.deepEqual((await svc.resolve(id)).repoTags.sort(), [
      'busybox:latest',
      'localhost:5000/x/y:t',
      'mine:latest',
    ])
    await assert.rejects(svc.tag('busybox', 'Foo'), /repository name \(library\/Foo\) must be lowercase/)
    await assert.rejects(svc.tag('busybox', `a@sha256:${'0'.repeat(64)}`), InvalidArgumentError)
    await assert.rejects(
      svc.remove(id.slice(7, 19), { force: false, noprune: false }),
      (e: unknown) =>
        e instanceof ConflictError &&
        e.message ===
          `conflict: unable to delete ${id.slice(7, 19)} (must be forced) - image is referenced in multiple repositories`,
    )
    assert.deepEqual(await svc.remove('mine', { force: false, noprune: false }), [
      { Untagged: 'mine:latest' },
    ])
    assert.deepEqual(await svc.remove('localhost:5000/x/y:t', { force: false, noprune: false }), [
      { Untagged: 'localhost:5000/x/y:t' },
    ])
  })

  it('refuses to delete images containers use', async () => {
    const id = (await svc.resolve('busybox')).id
    const short = id.slice(7, 19)
    let running = true
    svc.setUsageProbe((imageId) => (imageId === id ? { containerId: 'c'.repeat(64), running } : undefined))
    try {
      await assert.rejects(
        svc.remove('busybox', { force: false, noprune: false }),
        (e: unknown) =>
          e instanceof ConflictError &&
          e.message ===
            `conflict: unable to remove repository reference "busybox" (must force) - container cccccccccccc is using its referenced image ${short}`,
      )
      await assert.rejects(
        svc.remove(id, { force: true, noprune: false }),
        /\(cannot be forced\) - image is being used by running container cccccccccccc/,
      )
      running = false
      await assert.rejects(svc.remove(id, { force: false, noprune: false }), /must be forced/)
      await svc.tag('busybox', 'keep')
      // Forced untag of the last tag while a container runs leaves the image in place.
      running = true
      assert.deepEqual(await svc.remove('keep', { force: true, noprune: false }), [
        { Untagged: 'keep:latest' },
      ])
    } finally {
      svc.setUsageProbe(() => undefined)
    }
    assert.equal((await svc.resolve(id)).id, id)
  })

  it('mounts a rootfs on top of the image layers', {
    skip: !isRoot && 'needs root to mount overlayfs',
  }, async () => {
    const t0 = performance.now()
    const fs1 = await svc.createRootfs('busybox', 'c1')
    const merged = await svc.mountRootfs('c1')
    const elapsed = performance.now() - t0
    assert.equal(merged, fs1.mergedDir)
    assert.equal(await svc.mountRootfs('c1'), merged) // idempotent
    await access(join(merged, 'bin/busybox'), constants.X_OK)
    assert.equal(execFileSync(join(merged, 'bin/busybox'), ['echo', 'hi']).toString(), 'hi\n')
    await writeFile(join(merged, 'tmp/new'), 'x'.repeat(1000))
    assert.ok(existsSync(join(fs1.upperDir, 'tmp/new')))
    assert.ok((await svc.rootfsUsage('c1')) >= 1000)
    assert.deepEqual(await svc.createRootfs('busybox', 'c1'), fs1)
    assert.ok(elapsed < 200, `create+mount took ${elapsed}ms`)
    await svc.unmountRootfs('c1')
    await svc.unmountRootfs('c1')
    assert.equal(existsSync(join(merged, 'bin')), false)
    await svc.removeRootfs('c1')
    await svc.removeRootfs('c1')
    await assert.rejects(svc.rootfs('c1'), NotFoundError)
  })

  it('saves and loads docker-save and OCI archives', async () => {
    const img = await svc.resolve('busybox')
    const archive = await collect(await svc.save(['busybox']))
    const names: string[] = []
    const files = new Map<string, Buffer>()
    const ex = tar.extract()
    const done = (async () => {
      for await (const e of ex) {
        names.push(e.header.name)
        files.set(e.header.name, await collect(e as unknown as AsyncIterable<Buffer>))
      }
    })()
    ex.end(archive)
    await done
    for (const n of [
      'manifest.json',
      'index.json',
      'oci-layout',
      'repositories',
      `blobs/sha256/${img.id.slice(7)}`,
    ])
      assert.ok(names.includes(n), n)
    const manifest = JSON.parse(files.get('manifest.json')!.toString())
    assert.deepEqual(manifest[0].RepoTags, ['busybox:latest'])
    assert.equal(manifest[0].Config, `blobs/sha256/${img.id.slice(7)}`)

    assert.deepEqual(
      await svc.remove('busybox', { force: false, noprune: false }).then((r) => r.slice(0, 2)),
      [{ Untagged: 'busybox:latest' }, { Deleted: img.id }],
    )
    await assert.rejects(svc.resolve(img.id), NotFoundError)
    const msgs = await messages(svc.load(Readable.from([archive]), { quiet: true }))
    assert.deepEqual(msgs, [{ stream: 'Loaded image: busybox:latest\n' }])
    assert.equal((await svc.resolve('busybox')).id, img.id)

    // The same archive as a pure OCI layout (no manifest.json), gzip-compressed.
    const oci = tar.pack()
    for (const [name, data] of files)
      if (name !== 'manifest.json' && name !== 'repositories' && !name.endsWith('/'))
        oci.entry({ name }, data)
    oci.finalize()
    const ociTar = gzipSync(await collect(oci as unknown as AsyncIterable<Buffer>))
    await svc.tag('busybox', 'busybox:old')
    await svc.remove('busybox:old', { force: false, noprune: false })
    const msgs2 = await messages(svc.load(Readable.from([ociTar])))
    assert.deepEqual(msgs2.at(-1), { stream: 'Loaded image: busybox:latest\n' })
  })

  it('rejects malicious or inconsistent archives', async () => {
    const evil = tar.pack()
    evil.entry({ name: 'manifest.json' }, JSON.stringify([{ Config: '../../etc/passwd', Layers: [] }]))
    evil.finalize()
    await assert.rejects(
      messages(svc.load(Readable.from([await collect(evil as unknown as AsyncIterable<Buffer>)]))),
      InvalidArgumentError,
    )
    const wrong = tar.pack()
    wrong.entry(
      { name: 'c.json' },
      JSON.stringify({
        architecture: 'amd64',
        os: 'linux',
        rootfs: { type: 'layers', diff_ids: [`sha256:${'1'.repeat(64)}`] },
      }),
    )
    wrong.entry({ name: 'l.tar' }, await busyboxRootfsTar([{ name: 'x', data: 'different' }]))
    wrong.entry(
      { name: 'manifest.json' },
      JSON.stringify([{ Config: 'c.json', RepoTags: ['wrong:1'], Layers: ['l.tar'] }]),
    )
    wrong.finalize()
    await assert.rejects(
      messages(svc.load(Readable.from([await collect(wrong as unknown as AsyncIterable<Buffer>)]))),
      /digest mismatch/,
    )
    await assert.rejects(svc.resolve('wrong:1'), NotFoundError)
    assert.deepEqual(await readdir(join(root, 'image/tmp')), [])
  })

  it('lists with filters and prunes dangling images', async () => {
    const dangling = await svc.importRootfs(Readable.from([rootfsTar]), { changes: ['LABEL kind=dangling'] })
    assert.deepEqual(
      (await svc.list({ filters: { dangling: ['true'] } })).map((i) => i.id),
      [dangling.id],
    )
    assert.deepEqual(
      (await svc.list({ filters: { reference: ['busy*'] } })).map((i) => i.repoTags),
      [['busybox:latest']],
    )
    assert.deepEqual(
      (await svc.list({ filters: { label: ['kind=dangling'] } })).map((i) => i.id),
      [dangling.id],
    )
    await assert.rejects(svc.list({ filters: { bogus: ['1'] } }), InvalidArgumentError)
    const res = await svc.prune({ all: false })
    assert.deepEqual(res.ImagesDeleted, [{ Deleted: dangling.id }])
    assert.ok((await svc.resolve('busybox')).id)
    const all = await svc.prune({ all: true })
    assert.ok(all.ImagesDeleted.some((d) => d.Untagged === 'busybox:latest'))
    assert.ok(all.SpaceReclaimed > 100_000)
    assert.deepEqual(await svc.list(), [])
    assert.deepEqual(await readdir(join(root, 'overlay/layers')), [])
    assert.deepEqual(await readdir(join(root, 'overlay/l')), [])
    assert.deepEqual(await readdir(join(root, 'image/content/blobs/sha256')), [])
    assert.deepEqual(await svc.usage(), { images: 0, layersSize: 0, sharedSize: {} })
  })

  it('drops crash leftovers at init', async () => {
    await mkdir(join(root, 'overlay/tmp/half-layer/diff'), { recursive: true })
    await writeFile(join(root, 'image/content/ingest/partial'), 'x')
    // A crash after a layer and its blob were committed but before the image record.
    const orphan = 'f'.repeat(64)
    await writeFile(join(root, 'image/content/blobs/sha256', orphan), 'layer')
    await mkdir(join(root, 'overlay/layers', orphan, 'diff'), { recursive: true })
    await writeFile(
      join(root, 'overlay/layers', orphan, 'layer.json'),
      JSON.stringify({ chainId: `sha256:${orphan}`, diffId: `sha256:${orphan}`, link: 'ORPHAN', size: 5 }),
    )
    const svc3 = new ImageService({ root, publisher: new EventBus(), log: nullLogger })
    await svc3.init()
    assert.deepEqual(await readdir(join(root, 'overlay/tmp')), [])
    assert.deepEqual(await readdir(join(root, 'image/content/ingest')), [])
    assert.deepEqual(await readdir(join(root, 'image/content/blobs/sha256')), [])
    assert.deepEqual(await readdir(join(root, 'overlay/layers')), [])
    assert.deepEqual(await svc3.list(), [])
    assert.equal(
      JSON.parse(await readFile(join(root, 'image/repositories.json'), 'utf8')).refs[
        'docker.io/library/busybox:latest'
      ],
      undefined,
    )
  })
})
