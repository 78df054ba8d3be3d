import assert from 'node:assert/strict'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { run } from '../lib/exec.ts'
import { readTar } from '../lib/tar/index.ts'
import { packUpperDir } from './commit.ts'

const skip = process.getuid?.() === 0 ? false : 'needs root (mknod, trusted.* xattrs)'

describe('packUpperDir', { skip }, () => {
  let upper: string
  before(async () => {
    upper = await mkdtemp(join(tmpdir(), 'berth-upper-'))
    await mkdir(join(upper, 'etc'))
    await mkdir(join(upper, 'opt'))
    await writeFile(join(upper, 'etc/passwd'), 'root\n')
    await writeFile(join(upper, 'etc/hosts'), '')
    await run('mknod', [join(upper, 'etc/group'), 'c', '0', '0'])
    await writeFile(join(upper, 'opt/b'), 'b')
    await run('setfattr', ['-n', 'trusted.overlay.opaque', '-v', 'y', join(upper, 'opt')])
  })
  after(async () => {
    if (upper) await rm(upper, { recursive: true, force: true })
  })

  it('writes overlay whiteouts as OCI whiteouts and leaves out excluded paths', async () => {
    const names: string[] = []
    for await (const e of readTar(packUpperDir(upper, ['/etc/hosts']))) {
      names.push(`${e.header.type}:${e.header.name}`)
      assert.deepEqual(Object.keys(e.header.xattrs), [], `${e.header.name} must carry no overlay xattr`)
    }
    assert.deepEqual(names, [
      'directory:etc/',
      'file:etc/.wh.group',
      'file:etc/passwd',
      'directory:opt/',
      'file:opt/.wh..wh..opq',
      'file:opt/b',
    ])
  })
})
