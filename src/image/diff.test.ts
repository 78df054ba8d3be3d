import assert from 'node:assert/strict'
import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { run } from '../lib/exec.ts'
import { type Change, lowerStat, rootfsChanges } from './diff.ts'

// Overlay whiteouts are 0/0 character devices and opaque directories carry a trusted.* xattr:
// making either needs CAP_MKNOD / CAP_SYS_ADMIN.
const skip = process.getuid?.() === 0 ? false : 'needs root (mknod, trusted.* xattrs)'

async function whiteout(p: string): Promise<void> {
  await run('mknod', [p, 'c', '0', '0'])
}

describe('rootfsChanges', { skip }, () => {
  let dir: string
  let lower1: string
  let lower2: string
  let upper: string
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'berth-diff-'))
    ;[lower1, lower2, upper] = ['l1', 'l2', 'upper'].map((n) => join(dir, n)) as [string, string, string]
    // lower1 (bottom): /etc/{passwd,group}, /opt/a, /var/old; lower2 (top) whites out /var/old.
    for (const d of [join(lower1, 'etc'), join(lower1, 'opt'), join(lower1, 'var'), join(lower2, 'var')])
      await mkdir(d, { recursive: true })
    await writeFile(join(lower1, 'etc/passwd'), 'root\n')
    await writeFile(join(lower1, 'etc/group'), 'root\n')
    await writeFile(join(lower1, 'opt/a'), 'a')
    await writeFile(join(lower1, 'var/old'), 'old')
    await whiteout(join(lower2, 'var/old'))
    // upper: changed passwd, deleted group, added /new, /var/old again (lower copy hidden: added),
    // /opt replaced by an opaque directory holding b, and the /etc/hosts mount stub.
    await mkdir(join(upper, 'etc'), { recursive: true })
    await mkdir(join(upper, 'var'))
    await mkdir(join(upper, 'opt'))
    await writeFile(join(upper, 'etc/passwd'), 'root\nme\n')
    await whiteout(join(upper, 'etc/group'))
    await writeFile(join(upper, 'etc/hosts'), '')
    await writeFile(join(upper, 'new'), 'n')
    await writeFile(join(upper, 'var/old'), 'again')
    await writeFile(join(upper, 'opt/b'), 'b')
    await run('setfattr', ['-n', 'trusted.overlay.opaque', '-v', 'y', join(upper, 'opt')])
    // Copied-up /var keeps the lower directory's metadata: not a change by itself.
    for (const d of ['var', 'etc']) {
      const t = new Date('2020-01-01T00:00:00Z')
      await utimes(join(lower1, d), t, t)
      await utimes(join(lower2, 'var'), t, t)
      await utimes(join(upper, d), t, t)
    }
  })
  after(async () => {
    if (dir) await rm(dir, { recursive: true, force: true })
  })

  it('honours whiteouts in the lower layers', async () => {
    assert.ok(await lowerStat([lower2, lower1], 'etc/passwd'))
    assert.equal(await lowerStat([lower2, lower1], 'var/old'), undefined)
    assert.equal(await lowerStat([lower2, lower1], 'etc/passwd/x'), undefined)
  })

  it('classifies added, modified and deleted paths, with parents as modified', async () => {
    const changes = await rootfsChanges(upper, [lower2, lower1], { exclude: ['/etc/hosts'] })
    const want: Change[] = [
      { path: '/etc', kind: 0 },
      { path: '/etc/group', kind: 2 },
      { path: '/etc/passwd', kind: 0 },
      { path: '/new', kind: 1 },
      { path: '/opt', kind: 0 },
      { path: '/opt/b', kind: 1 },
      { path: '/opt/a', kind: 2 },
      { path: '/var', kind: 0 },
      { path: '/var/old', kind: 1 },
    ]
    assert.deepEqual(changes, want)
  })

  it('reports the excluded mount stub when not excluded', async () => {
    const changes = await rootfsChanges(upper, [lower2, lower1])
    assert.ok(changes.some((c) => c.path === '/etc/hosts' && c.kind === 1))
  })
})
