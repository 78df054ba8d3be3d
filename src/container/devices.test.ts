import assert from 'node:assert/strict'
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { InvalidArgumentError } from '../lib/errors.ts'
import { devicesOf, splitDev } from './devices.ts'

describe('devicesOf', () => {
  let dir: string
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'berth-devices-'))
    await mkdir(join(dir, 'sub', 'deeper'), { recursive: true })
    await writeFile(join(dir, 'plain'), 'x')
    await symlink('/dev/null', join(dir, 'null-link'))
  })
  after(() => rm(dir, { recursive: true, force: true }))

  it('maps a host device node to the container path with its ids and mode', async () => {
    assert.deepEqual(await devicesOf([{ PathOnHost: '/dev/null', PathInContainer: '/dev/mynull' }]), [
      {
        path: '/dev/mynull',
        type: 'c',
        major: 1,
        minor: 3,
        fileMode: 0o666,
        uid: 0,
        gid: 0,
        permissions: 'rwm',
      },
    ])
  })

  it('resolves a symlink and keeps the permissions given', async () => {
    const [d] = await devicesOf([{ PathOnHost: join(dir, 'null-link'), CgroupPermissions: 'r' }])
    assert.equal(d?.path, join(dir, 'null-link'))
    assert.equal(d?.major, 1)
    assert.equal(d?.minor, 3)
    assert.equal(d?.permissions, 'r')
  })

  it('rejects a missing path, a plain file, an empty directory and bad permissions', async () => {
    for (const m of [
      { PathOnHost: join(dir, 'missing') },
      { PathOnHost: join(dir, 'plain') },
      { PathOnHost: join(dir, 'sub') },
      { PathOnHost: '/dev/null', CgroupPermissions: 'rx' },
      { PathOnHost: '/dev/null', PathInContainer: 'dev/x' },
    ])
      await assert.rejects(devicesOf([m]), InvalidArgumentError)
    await assert.rejects(devicesOf([{ PathOnHost: join(dir, 'missing') }]), /adding custom device/)
  })

  it('splits dev_t numbers like glibc', () => {
    assert.deepEqual(splitDev(0x0103n), { major: 1, minor: 3 })
    // major 259, minor 0x12345: the high minor bits live above bit 20.
    assert.deepEqual(splitDev((0x12300n << 12n) | (0x103n << 8n) | 0x45n), { major: 259, minor: 0x12345 })
  })
})
