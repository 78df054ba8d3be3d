import assert from 'node:assert/strict'
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { nullLogger } from '../lib/log.ts'
import type { VolumeService } from '../volume/index.ts'
import { hostPathOf, resolveInContainer } from './container-paths.ts'
import { mountAll, ociMounts, parseApiMount, parseBind, setMountPoints } from './mounts.ts'
import type { ContainerRecord } from './types.ts'

describe('parseBind', () => {
  it('parses binds and named volumes as Docker shows them', () => {
    assert.deepEqual(parseBind('/h:/c'), {
      type: 'bind',
      source: '/h',
      destination: '/c',
      mode: '',
      rw: true,
      propagation: 'rprivate',
    })
    const v = parseBind('data:/c/:ro,nocopy')
    assert.equal(v.type, 'volume')
    assert.equal(v.name, 'data')
    assert.equal(v.destination, '/c')
    assert.equal(v.mode, 'ro,nocopy')
    assert.equal(v.rw, false)
    assert.equal(v.copyData, false)
    assert.equal(parseBind('data:/c').mode, 'z')
    assert.equal(parseBind('/h:/c:rshared').propagation, 'rshared')
  })
  it('takes a bare destination as an anonymous volume, as moby does (docker-py, Compose)', () => {
    const v = parseBind('/data/')
    assert.equal(v.type, 'volume')
    assert.equal(v.name, undefined)
    assert.equal(v.destination, '/data')
    assert.equal(v.anonymous, true)
    assert.equal(v.rw, true)
    assert.throws(() => parseBind('data'), /invalid volume specification: 'data'.*must be absolute/)
    assert.throws(() => parseBind('/'), /destination can't be '\/'/)
  })
  it('rejects bad specs', () => {
    assert.throws(() => parseBind('/h:c'), /mount path must be absolute/)
    assert.throws(() => parseBind('/h:/c:bogus'), /invalid mode: bogus/)
    assert.throws(() => parseBind('/h:/c:ro,rw'), /invalid mode/)
    assert.throws(() => parseBind('/h:/'), /destination can't be '\/'/)
    assert.throws(() => parseBind('/h:/c:z,Z'), /invalid mode: z,Z/)
    assert.throws(() => parseBind('/h:/c:cached,delegated'), /invalid mode: cached,delegated/)
    assert.throws(() => parseBind('/h:/c:shared,rslave'), /invalid mode/)
  })
  it('accepts and ignores the macOS consistency modes, as Docker on Linux does', () => {
    for (const mode of ['cached', 'delegated', 'consistent']) {
      const b = parseBind(`/h:/c:${mode}`)
      assert.equal(b.rw, true)
      assert.equal(b.mode, mode)
      assert.equal(b.propagation, 'rprivate')
    }
    const ro = parseBind('/h:/c:ro,cached')
    assert.equal(ro.rw, false)
    assert.equal(ro.mode, 'ro,cached')
    const vol = parseBind('data:/c:delegated,nocopy')
    assert.equal(vol.type, 'volume')
    assert.equal(vol.copyData, false)
  })
})

describe('parseApiMount', () => {
  it('rejects a missing bind source as Docker does', async () => {
    await assert.rejects(
      parseApiMount({ Type: 'bind', Source: '/nonexistent-berth-x', Target: '/x' }),
      /invalid mount config for type "bind": bind source path does not exist: \/nonexistent-berth-x/,
    )
    await assert.rejects(
      parseApiMount({ Type: 'tmpfs', Source: '/a', Target: '/x' }),
      /field Source must not be specified/,
    )
  })
  it('maps tmpfs options onto the OCI mount', async () => {
    const mp = await parseApiMount({
      Type: 'tmpfs',
      Target: '/t',
      TmpfsOptions: { SizeBytes: 1024, Mode: 0o1777 },
    })
    assert.deepEqual(ociMounts([mp])[0], {
      destination: '/t',
      type: 'tmpfs',
      source: 'tmpfs',
      options: ['nosuid', 'nodev', 'noexec', 'rw', 'size=1024', 'mode=1777'],
    })
  })

  it('gives a read-only file bind no "rro" (a file has no submounts)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'berth-mounts-'))
    try {
      await writeFile(join(dir, 'f'), 'x')
      const file = await parseApiMount({ Type: 'bind', Source: join(dir, 'f'), Target: '/f', ReadOnly: true })
      const directory = await parseApiMount({ Type: 'bind', Source: dir, Target: '/d', ReadOnly: true })
      const rec = { id: 'c1' } as unknown as ContainerRecord
      setMountPoints(rec, [file, directory])
      await mountAll(rec, dir, { volumes: {} as VolumeService, log: nullLogger })
      const [f, d] = ociMounts([file, directory])
      assert.deepEqual(f?.options, ['rbind', 'ro', 'rprivate'])
      assert.deepEqual(d?.options, ['rbind', 'ro', 'rro', 'rprivate'])
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('maps bind recursion modes and validates them as moby does', async () => {
    const bind = (BindOptions: Record<string, unknown>, ReadOnly = true) =>
      parseApiMount({ Type: 'bind', Source: '/tmp', Target: '/b', ReadOnly, BindOptions })
    const opts = async (o: Record<string, unknown>, ro = true) => ociMounts([await bind(o, ro)])[0]?.options
    assert.deepEqual(await opts({}), ['rbind', 'ro', 'rro', 'rprivate'])
    assert.deepEqual(await opts({}, false), ['rbind', 'rw', 'rprivate'])
    assert.deepEqual(await opts({ ReadOnlyNonRecursive: true }), ['rbind', 'ro', 'rprivate'])
    assert.deepEqual(await opts({ ReadOnlyForceRecursive: true }), ['rbind', 'ro', 'rro', 'rprivate'])
    assert.deepEqual(await opts({ NonRecursive: true }, false), ['bind', 'rw', 'private'])
    await assert.rejects(bind({ ReadOnlyNonRecursive: true }, false), /requires 'ReadOnly'/)
    await assert.rejects(
      bind({ ReadOnlyForceRecursive: true, ReadOnlyNonRecursive: true }),
      /conflicts with 'ReadOnlyNonRecursive'/,
    )
    await assert.rejects(bind({ ReadOnlyForceRecursive: true, Propagation: 'rshared' }), /'rprivate'/)
  })

  it('checks volume subpaths stay inside the volume', async () => {
    const vol = (Subpath: string, Source = 'vol') =>
      parseApiMount({ Type: 'volume', Source, Target: '/m', VolumeOptions: { Subpath } })
    assert.equal((await vol('a/./b')).subpath, 'a/b')
    assert.equal((await vol('a/b')).copyData, false)
    await assert.rejects(vol('/abs'), /relative path within the volume/)
    await assert.rejects(vol('a/../../x'), /relative path within the volume/)
    await assert.rejects(vol('a', ''), /requires a named volume/)
  })
})

describe('resolveInContainer', () => {
  let root: string
  let vol: string
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'berth-root-'))
    vol = await mkdtemp(join(tmpdir(), 'berth-vol-'))
    await mkdir(join(root, 'etc'))
    await symlink('../../../../../etc', join(root, 'up'))
    await symlink('/etc', join(root, 'abs'))
    await symlink('/data/x', join(root, 'intovol'))
    await symlink('loop', join(root, 'loop'))
  })
  after(async () => {
    await rm(root, { recursive: true, force: true })
    await rm(vol, { recursive: true, force: true })
  })

  it('keeps symlinks and .. inside the root, across mounts', async () => {
    const view = { root, mounts: [{ destination: '/data', source: vol }] }
    assert.equal(await resolveInContainer(view, '/up/passwd', { followLast: true }), '/etc/passwd')
    assert.equal(await resolveInContainer(view, '/../../abs/x', { followLast: true }), '/etc/x')
    assert.equal(await resolveInContainer(view, '/abs', { followLast: false }), '/abs')
    assert.equal(await resolveInContainer(view, '/intovol', { followLast: true }), '/data/x')
    assert.equal(hostPathOf(view, '/data/x'), join(vol, 'x'))
    assert.equal(hostPathOf(view, '/etc/passwd'), join(root, 'etc/passwd'))
    await assert.rejects(resolveInContainer(view, '/loop', { followLast: true }), /too many levels/)
  })
})
