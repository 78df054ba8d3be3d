import assert from 'node:assert/strict'
import { createHash, randomBytes } from 'node:crypto'
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { gunzipSync } from 'node:zlib'
import { Compressor, type GzipTool } from './compress.ts'

const SEGMENT = 1 << 20

const installed = async (path: string) =>
  await stat(path).then(
    () => true,
    () => false,
  )
const TOOLS: Array<{ tool: GzipTool; skip: string | false }> = [
  { tool: 'zlib', skip: false },
  {
    tool: 'libdeflate-gzip',
    skip: (await installed('/usr/bin/libdeflate-gzip')) ? false : 'libdeflate-tools is not installed',
  },
  { tool: 'igzip', skip: (await installed('/usr/bin/igzip')) ? false : 'isal is not installed' },
]

describe('Compressor', () => {
  let dir: string
  let src: string
  let data: Buffer
  let big: string
  let bigData: Buffer
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'berth-compress-'))
    src = join(dir, 'layer.tar')
    // Two and a half pieces, half of them compressible.
    const half = Math.floor(SEGMENT * 1.25)
    data = Buffer.concat([randomBytes(half), Buffer.alloc(half, 'abc')])
    await writeFile(src, data)
    // Past the size igzip compresses whole: cut into pieces like the other tools.
    big = join(dir, 'big.tar')
    bigData = Buffer.concat([data, data, randomBytes(SEGMENT / 2)])
    await writeFile(big, bigData)
  })
  after(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  for (const { tool, skip } of TOOLS) {
    test(`${tool}: gzip members that read back as the file, deterministically`, { skip }, async () => {
      const c = await Compressor.create({ tool, limit: 2, segment: SEGMENT })
      const a = await c.gzipFile(src, join(dir, `a-${tool}.gz`))
      const b = await c.gzipFile(src, join(dir, `b-${tool}.gz`))
      assert.equal(a.digest, b.digest)
      const gz = await readFile(join(dir, `a-${tool}.gz`))
      assert.equal(a.size, gz.length)
      assert.equal(a.digest, `sha256:${createHash('sha256').update(gz).digest('hex')}`)
      assert.ok(gunzipSync(gz).equals(data))
    })

    test(`${tool}: a layer of many pieces reads back as the file, deterministically`, { skip }, async () => {
      const c = await Compressor.create({ tool, limit: 2, segment: SEGMENT })
      const a = await c.gzipFile(big, join(dir, `big-a-${tool}.gz`))
      const b = await c.gzipFile(big, join(dir, `big-b-${tool}.gz`))
      assert.equal(a.digest, b.digest)
      const gz = await readFile(join(dir, `big-a-${tool}.gz`))
      assert.equal(a.digest, `sha256:${createHash('sha256').update(gz).digest('hex')}`)
      assert.ok(gunzipSync(gz).equals(bigData))
    })

    test(`${tool}: an empty layer is a valid empty gzip stream`, { skip }, async () => {
      const empty = join(dir, `empty-${tool}.tar`)
      await writeFile(empty, '')
      const c = await Compressor.create({ tool, segment: SEGMENT })
      const r = await c.gzipFile(empty, join(dir, `empty-${tool}.gz`))
      assert.ok(r.size > 0)
      assert.equal(gunzipSync(await readFile(join(dir, `empty-${tool}.gz`))).length, 0)
    })
  }

  test('a failure leaves no output file', async () => {
    const c = await Compressor.create({ tool: 'zlib' })
    await assert.rejects(c.gzipFile(join(dir, 'missing.tar'), join(dir, 'x.gz')))
    await assert.rejects(stat(join(dir, 'x.gz')), { code: 'ENOENT' })
    // dest exists already: refused, and the existing file is not the compressor's to remove.
    await writeFile(join(dir, 'taken.gz'), 'x')
    await assert.rejects(c.gzipFile(src, join(dir, 'taken.gz')), { code: 'EEXIST' })
    assert.equal(await readFile(join(dir, 'taken.gz'), 'utf8'), 'x')
  })
})
