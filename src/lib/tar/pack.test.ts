import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { link, lstat, mkdir, mkdtemp, readFile, readlink, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { after, before, describe, it } from 'node:test'
import tar from 'tar-stream'
import { extractTar } from './extract.ts'
import { packDirectory } from './pack.ts'

let base: string
before(async () => {
  base = await mkdtemp(join(tmpdir(), 'berth-pack-'))
})
after(async () => {
  await rm(base, { recursive: true, force: true })
})

async function collect(r: AsyncIterable<Buffer>): Promise<Buffer> {
  const out: Buffer[] = []
  for await (const c of r) out.push(c)
  return Buffer.concat(out)
}

describe('packDirectory', () => {
  it('round-trips through extractTar and is readable by tar-stream and GNU tar', async () => {
    const src = join(base, 'src')
    await mkdir(join(src, 'bin'), { recursive: true })
    await writeFile(join(src, 'bin/busybox'), 'binary', { mode: 0o755 })
    await link(join(src, 'bin/busybox'), join(src, 'bin/ash'))
    await symlink('busybox', join(src, 'bin/sh'))
    const long = `${'x'.repeat(90)}/${'y'.repeat(90)}/${'z'.repeat(90)}`
    await mkdir(join(src, long), { recursive: true })
    await writeFile(join(src, long, 'f'), 'deep')
    const buf = await collect(packDirectory(src))

    const names: string[] = []
    const ex = tar.extract()
    const done = (async () => {
      for await (const e of ex) {
        names.push(`${e.header.type}:${e.header.name}`)
        e.resume()
      }
    })()
    ex.end(buf)
    await done
    assert.ok(names.includes('file:bin/ash'))
    assert.ok(names.includes('link:bin/busybox'))
    assert.ok(names.includes('symlink:bin/sh'))
    assert.ok(names.includes(`file:${long}/f`))
    assert.match(execFileSync('tar', ['-tvf', '-'], { input: buf }).toString(), /bin\/sh -> busybox/)

    const dest = join(base, 'dest')
    await mkdir(dest)
    await extractTar(Readable.from([buf]), dest)
    assert.equal(await readFile(join(dest, long, 'f'), 'utf8'), 'deep')
    assert.equal(await readlink(join(dest, 'bin/sh')), 'busybox')
    assert.equal((await lstat(join(dest, 'bin/ash'))).ino, (await lstat(join(dest, 'bin/busybox'))).ino)
    assert.equal((await lstat(join(dest, 'bin/busybox'))).mode & 0o777, 0o755)
  })

  it('writes overlay whiteouts as AUFS entries', {
    skip: process.getuid?.() !== 0 && 'needs root for mknod',
  }, async () => {
    const src = join(base, 'wh')
    await mkdir(join(src, 'opq'), { recursive: true })
    execFileSync('mknod', [join(src, 'gone'), 'c', '0', '0'])
    execFileSync('setfattr', ['-n', 'trusted.overlay.opaque', '-v', 'y', join(src, 'opq')])
    const names: string[] = []
    const ex = tar.extract()
    const done = (async () => {
      for await (const e of ex) {
        names.push(e.header.name)
        e.resume()
      }
    })()
    ex.end(await collect(packDirectory(src, { whiteouts: 'aufs' })))
    await done
    assert.deepEqual(names.sort(), ['.wh.gone', 'opq/', 'opq/.wh..wh..opq'])
  })
})
