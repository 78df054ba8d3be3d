import assert from 'node:assert/strict'
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { after, before, describe, it } from 'node:test'
import { nullPublisher } from '../events/index.ts'
import { nullLogger } from '../lib/log.ts'
import { packDirectory } from '../lib/tar/index.ts'
import { ImageService } from './image-service.ts'
import { collect, tempRoot } from './testing.ts'

describe('commitLayer (builder images without containers)', () => {
  let root: string
  let images: ImageService
  before(async () => {
    root = await tempRoot('berth-build-commit-')
    images = new ImageService({ root, publisher: nullPublisher, log: nullLogger })
    await images.init()
  })
  after(async () => {
    if (root) await rm(root, { recursive: true, force: true })
  })

  async function layerDir(name: string, files: Record<string, string>): Promise<string> {
    const dir = join(root, 'staging', name)
    for (const [p, data] of Object.entries(files)) {
      await mkdir(join(dir, p, '..'), { recursive: true })
      await writeFile(join(dir, p), data)
    }
    return dir
  }

  it('builds a scratch base, a metadata step and a layer step with Docker history', async () => {
    const base = await images.commitLayer({ config: {}, platform: { os: 'linux', architecture: 'arm64' } })
    assert.deepEqual(base.history, [])
    assert.equal(base.architecture, 'arm64')
    const meta = await images.commitLayer({
      parentId: base.id,
      config: { Env: ['A=1'] },
      history: { created_by: '/bin/sh -c #(nop)  ENV A=1' },
      author: 'me',
    })
    assert.equal(meta.parent, base.id)
    assert.equal(meta.author, 'me')
    assert.deepEqual(meta.rootfs.diffIds, [])
    assert.equal(meta.history[0]?.empty_layer, true)
    const dir = await layerDir('one', { 'app/a.txt': 'A' })
    const tar = await collect(packDirectory(dir))
    const withLayer = await images.commitLayer({
      parentId: meta.id,
      config: { Env: ['A=1'] },
      layer: Readable.from([tar]),
      layerDir: dir,
      history: { created_by: 'COPY a.txt /app/' },
    })
    assert.equal(withLayer.rootfs.diffIds.length, 1)
    assert.equal(withLayer.history.length, 2)
    assert.equal(withLayer.history[1]?.empty_layer, undefined)
    // The directory became the layer (moved, not unpacked again) and the image mounts from it.
    await assert.rejects(stat(dir))
    const [top] = images.layerDirs(withLayer.id)
    assert.equal(await readFile(join(top!, 'app/a.txt'), 'utf8'), 'A')
    assert.equal(withLayer.size, 1)
  })

  it('shares an identical layer instead of adopting the directory twice', async () => {
    const base = await images.commitLayer({ config: {} })
    const make = async (name: string) => {
      const dir = await layerDir(name, { 'same.txt': 'same' })
      const tar = await collect(packDirectory(dir))
      const img = await images.commitLayer({
        parentId: base.id,
        config: {},
        layer: Readable.from([tar]),
        layerDir: dir,
        history: { created_by: name },
      })
      return { img, dir }
    }
    const one = await make('x')
    const two = await make('y')
    assert.deepEqual(one.img.rootfs.diffIds, two.img.rootfs.diffIds)
    assert.deepEqual(images.layerDirs(one.img.id), images.layerDirs(two.img.id))
    // The second directory was left alone (the caller removes it).
    assert.ok((await stat(two.dir)).isDirectory())
  })
})
