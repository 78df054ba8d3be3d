import assert from 'node:assert/strict'
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { InvalidArgumentError } from '../lib/errors.ts'
import { readInRoot, resolveGroupAdd, resolveUser } from './user.ts'

describe('resolveUser', () => {
  let dir: string
  let root: string
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'berth-user-'))
    root = join(dir, 'rootfs')
    await mkdir(join(root, 'etc'), { recursive: true })
    await writeFile(
      join(root, 'etc', 'passwd'),
      'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\napp:x:1000:1000::/home/app:/bin/sh\n',
    )
    await writeFile(
      join(root, 'etc', 'group'),
      'root:x:0:\nwheel:x:10:root,app\naudio:x:29:app\napp:x:1000:\nstaff:x:50:\n',
    )
  })
  after(() => rm(dir, { recursive: true, force: true }))

  it('resolves --group-add names and numbers', async () => {
    assert.deepEqual(await resolveGroupAdd(root, ['staff', '29', '4242', 'staff']), [50, 29, 4242])
    await assert.rejects(resolveGroupAdd(root, ['nosuch']), (err: unknown) => {
      assert.ok(err instanceof InvalidArgumentError)
      assert.match(err.message, /Unable to find group nosuch/)
      return true
    })
    assert.deepEqual(await resolveGroupAdd(join(dir, 'no-rootfs'), ['7']), [7])
  })
  it('defaults to root with its home', async () => {
    assert.deepEqual(await resolveUser(root, ''), { uid: 0, gid: 0, additionalGids: [10], home: '/root' })
  })
  it('resolves names, with supplementary groups', async () => {
    assert.deepEqual(await resolveUser(root, 'app'), {
      uid: 1000,
      gid: 1000,
      additionalGids: [10, 29],
      home: '/home/app',
    })
  })
  it('resolves name:group and uid:gid without supplementary groups', async () => {
    assert.deepEqual(await resolveUser(root, 'app:staff'), {
      uid: 1000,
      gid: 50,
      additionalGids: [],
      home: '/home/app',
    })
    assert.deepEqual(await resolveUser(root, '1000:7'), {
      uid: 1000,
      gid: 7,
      additionalGids: [],
      home: '/home/app',
    })
  })
  it('accepts unknown numeric uids with gid 0', async () => {
    assert.deepEqual(await resolveUser(root, '4242'), { uid: 4242, gid: 0, additionalGids: [], home: '/' })
  })
  it('rejects unknown names', async () => {
    await assert.rejects(
      resolveUser(root, 'ghost'),
      /unable to find user ghost: no matching entries in passwd file/,
    )
    await assert.rejects(resolveUser(root, 'app:ghosts'), /unable to find group ghosts/)
    await assert.rejects(resolveUser(root, '99999999999'), InvalidArgumentError)
  })
  it('works without /etc files for numeric ids', async () => {
    const empty = join(dir, 'empty')
    await mkdir(empty)
    assert.deepEqual(await resolveUser(empty, '5:6'), { uid: 5, gid: 6, additionalGids: [], home: '/' })
    await assert.rejects(resolveUser(empty, 'app'), InvalidArgumentError)
  })
  it('keeps symlinks inside the rootfs', async () => {
    const evil = join(dir, 'evil')
    await mkdir(join(evil, 'etc'), { recursive: true })
    await writeFile(join(dir, 'host-secret'), 'app:x:0:0::/:/bin/sh\n')
    await symlink('../../host-secret', join(evil, 'etc', 'passwd'))
    assert.equal(await readInRoot(evil, '/etc/passwd'), undefined)
    await rm(join(evil, 'etc', 'passwd'))
    await writeFile(join(evil, 'real'), 'x')
    await symlink('/../../../real', join(evil, 'etc', 'passwd'))
    assert.equal(await readInRoot(evil, '/etc/passwd'), 'x')
  })
})
