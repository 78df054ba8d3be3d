import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { lstat, mkdir, mkdtemp, readFile, readlink, rm, stat, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { after, before, describe, it } from 'node:test'
import { gzipSync } from 'node:zlib'
import tar from 'tar-stream'
import { InvalidArgumentError } from '../errors.ts'
import { decompress } from './decompress.ts'
import { extractTar } from './extract.ts'
import { encodeHeader, padding, type TarHeader } from './format.ts'

type Spec = Partial<tar.Header> & { name: string; data?: string }

/** Builds a tar with tar-stream (an independent writer). */
async function buildTar(specs: Spec[]): Promise<Buffer> {
  const p = tar.pack()
  for (const s of specs) {
    const { data, ...h } = s
    p.entry(Object.assign({ mode: 0o644, mtime: new Date(1_700_000_000_000) }, h) as tar.Header, data ?? '')
  }
  p.finalize()
  const chunks: Buffer[] = []
  for await (const c of p) chunks.push(c as Buffer)
  return Buffer.concat(chunks)
}

/** Builds a tar with berth's own header encoder (binary xattrs). */
function ownTar(entries: Array<Partial<TarHeader> & { name: string; data?: Buffer }>): Buffer {
  const parts: Buffer[] = []
  for (const e of entries) {
    const data = e.data ?? Buffer.alloc(0)
    const h: TarHeader = {
      type: 'file',
      mode: 0o644,
      uid: 0,
      gid: 0,
      size: data.length,
      mtime: 1_700_000_000,
      linkname: '',
      devmajor: 0,
      devminor: 0,
      xattrs: {},
      ...e,
    }
    parts.push(encodeHeader(h), data, Buffer.alloc(padding(data.length)))
  }
  parts.push(Buffer.alloc(1024))
  return Buffer.concat(parts)
}

const isRoot = process.getuid?.() === 0
let base: string
let n = 0
async function fresh(): Promise<{ dest: string; outside: string }> {
  const root = join(base, String(n++))
  const dest = join(root, 'dest')
  const outside = join(root, 'outside')
  await mkdir(dest, { recursive: true })
  await mkdir(outside)
  return { dest, outside }
}
const extract = (buf: Buffer, dest: string, opts = {}) => extractTar(Readable.from([buf]), dest, opts)

before(async () => {
  base = await mkdtemp(join(tmpdir(), 'berth-tar-'))
})
after(async () => {
  await rm(base, { recursive: true, force: true })
})

describe('extractTar', () => {
  it('extracts files, dirs, symlinks, hardlinks with modes and mtimes', async () => {
    const { dest } = await fresh()
    const buf = await buildTar([
      { name: 'bin/', type: 'directory', mode: 0o755 },
      { name: 'bin/busybox', mode: 0o4755, data: 'ELF' },
      { name: 'bin/sh', type: 'symlink', linkname: 'busybox' },
      { name: 'bin/ash', type: 'link', linkname: 'bin/busybox' },
      { name: 'etc/deep/file', data: 'x'.repeat(10_000) },
      { name: 'ro/', type: 'directory', mode: 0o555 },
      { name: 'ro/f', data: 'in read-only dir' },
    ])
    const res = await extract(buf, dest)
    assert.equal(res.size, 3 + 10_000 + 16)
    assert.equal(await readFile(join(dest, 'bin/busybox'), 'utf8'), 'ELF')
    assert.equal((await stat(join(dest, 'bin/busybox'))).mode & 0o7777, 0o4755)
    assert.equal(await readlink(join(dest, 'bin/sh')), 'busybox')
    assert.equal((await stat(join(dest, 'bin/ash'))).ino, (await stat(join(dest, 'bin/busybox'))).ino)
    assert.equal((await stat(join(dest, 'etc/deep/file'))).size, 10_000)
    const ro = await stat(join(dest, 'ro'))
    assert.equal(ro.mode & 0o777, 0o555)
    assert.equal(Math.floor(ro.mtimeMs / 1000), 1_700_000_000)
  })

  it('rejects ../ entries and writes nothing outside', async () => {
    const { dest, outside } = await fresh()
    const buf = await buildTar([{ name: '../outside/evil', data: 'x' }])
    await assert.rejects(extract(buf, dest), InvalidArgumentError)
    assert.equal(existsSync(join(outside, 'evil')), false)
    const buf2 = await buildTar([{ name: 'a/../../outside/evil2', data: 'x' }])
    await assert.rejects(extract(buf2, dest), /escapes/)
    assert.equal(existsSync(join(outside, 'evil2')), false)
  })

  it('treats absolute entry names as relative to the target', async () => {
    const { dest, outside } = await fresh()
    const buf = await buildTar([{ name: `${outside}/abs`, data: 'x' }])
    await extract(buf, dest)
    assert.equal(existsSync(join(outside, 'abs')), false)
    assert.equal(await readFile(join(dest, outside, 'abs'), 'utf8'), 'x')
  })

  it('refuses to write through a symlink in the archive', async () => {
    const { dest, outside } = await fresh()
    const buf = await buildTar([
      { name: 'link', type: 'symlink', linkname: outside },
      { name: 'link/evil', data: 'x' },
    ])
    await assert.rejects(extract(buf, dest), /not a directory/)
    assert.equal(existsSync(join(outside, 'evil')), false)
  })

  it('refuses to write through an absolute symlink or a pre-existing one', async () => {
    const { dest, outside } = await fresh()
    await symlink(outside, join(dest, 'pre'))
    await assert.rejects(extract(await buildTar([{ name: 'pre/evil', data: 'x' }]), dest), /not a directory/)
    const buf = await buildTar([
      { name: 'abs', type: 'symlink', linkname: '/etc' },
      { name: 'abs/passwd', data: 'x' },
    ])
    await assert.rejects(extract(buf, dest), /not a directory/)
    assert.equal(existsSync(join(outside, 'evil')), false)
  })

  it('replaces a symlink with a file instead of writing through it', async () => {
    const { dest, outside } = await fresh()
    await writeFile(join(outside, 'target'), 'original')
    const buf = await buildTar([
      { name: 'f', type: 'symlink', linkname: join(outside, 'target') },
      { name: 'f', data: 'new' },
    ])
    await extract(buf, dest)
    assert.equal(await readFile(join(outside, 'target'), 'utf8'), 'original')
    assert.equal((await lstat(join(dest, 'f'))).isFile(), true)
  })

  it('keeps absolute symlink targets without following them', async () => {
    const { dest } = await fresh()
    await extract(await buildTar([{ name: 'etc-link', type: 'symlink', linkname: '/etc/passwd' }]), dest)
    assert.equal(await readlink(join(dest, 'etc-link')), '/etc/passwd')
  })

  it('rejects hard links pointing outside', async () => {
    const { dest } = await fresh()
    const buf = await buildTar([{ name: 'h', type: 'link', linkname: '../../../../etc/passwd' }])
    await assert.rejects(extract(buf, dest), /escapes/)
    const buf2 = await buildTar([
      { name: 'l', type: 'symlink', linkname: '/etc' },
      { name: 'h', type: 'link', linkname: 'l/passwd' },
    ])
    await assert.rejects(extract(buf2, dest), /not a directory/)
    assert.equal(existsSync(join(dest, 'h')), false)
  })

  it('decompresses gzip transparently', async () => {
    const { dest } = await fresh()
    const { stream, compression } = await decompress(
      Readable.from([gzipSync(await buildTar([{ name: 'z', data: 'gz' }]))]),
    )
    assert.equal(compression, 'gzip')
    await extractTar(stream, dest)
    assert.equal(await readFile(join(dest, 'z'), 'utf8'), 'gz')
  })

  it('rejects a truncated archive', async () => {
    const { dest } = await fresh()
    const buf = await buildTar([{ name: 'big', data: 'y'.repeat(5000) }])
    await assert.rejects(extract(buf.subarray(0, 1500), dest), /unexpected end/)
  })

  it('handles long names via pax', async () => {
    const { dest } = await fresh()
    const long = `${'d'.repeat(120)}/${'f'.repeat(150)}`
    await extract(ownTar([{ name: long, data: Buffer.from('long') }]), dest)
    assert.equal(await readFile(join(dest, long), 'utf8'), 'long')
  })

  it('converts whiteouts and applies xattrs and device nodes', {
    skip: !isRoot && 'needs root for mknod and trusted.* xattrs',
  }, async () => {
    const { dest } = await fresh()
    // security.capability v2 for cap_setuid (bit 7): bytes ≥ 0x80 must survive.
    const cap = Buffer.from('0100000280000000000000000000000000000000', 'hex')
    const buf = ownTar([
      { name: 'dir/', type: 'directory', mode: 0o755 },
      { name: 'dir/.wh..wh..opq' },
      { name: 'dir/.wh.gone' },
      { name: '.wh.top' },
      { name: 'ping', mode: 0o755, data: Buffer.from('x'), xattrs: { 'security.capability': cap } },
      { name: 'dev/null', type: 'char', mode: 0o666, devmajor: 1, devminor: 3, uid: 5, gid: 6 },
      { name: 'dev/fifo', type: 'fifo', mode: 0o600 },
    ])
    await extract(buf, dest, { whiteouts: 'overlay' })
    const gone = await lstat(join(dest, 'dir/gone'))
    assert.ok(gone.isCharacterDevice())
    assert.equal(gone.rdev, 0)
    assert.ok((await lstat(join(dest, 'top'))).isCharacterDevice())
    assert.equal(existsSync(join(dest, 'dir/.wh..wh..opq')), false)
    const opq = execFileSync('getfattr', [
      '-h',
      '--absolute-names',
      '--only-values',
      '-n',
      'trusted.overlay.opaque',
      join(dest, 'dir'),
    ]).toString()
    assert.equal(opq, 'y')
    const got = execFileSync('getfattr', [
      '-h',
      '--absolute-names',
      '--only-values',
      '-n',
      'security.capability',
      join(dest, 'ping'),
    ])
    assert.deepEqual(got, cap)
    const dn = await lstat(join(dest, 'dev/null'))
    assert.ok(dn.isCharacterDevice())
    assert.equal(dn.rdev, (1 << 8) | 3)
    assert.equal(dn.uid, 5)
    assert.equal(dn.mode & 0o777, 0o666)
    assert.ok((await lstat(join(dest, 'dev/fifo'))).isFIFO())
  })

  it('keeps whiteout files as files by default', async () => {
    const { dest } = await fresh()
    await extract(ownTar([{ name: '.wh.x' }]), dest)
    assert.ok((await lstat(join(dest, '.wh.x'))).isFile())
  })
})
