import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { tarOf } from '../../../test/support/build-tar.ts'
import { BuildContext } from '../context/build-context.ts'
import { contextItems, excluded, hashItems, matchPath, selectContext } from './copy-sources.ts'

describe('copy sources', () => {
  it('matches like Go filepath.Match, one segment per *', () => {
    assert.ok(matchPath('*.txt', 'a.txt'))
    assert.ok(!matchPath('*.txt', 'd/a.txt'))
    assert.ok(matchPath('d/?.t[xy]t', 'd/a.tyt'))
    assert.ok(matchPath('[!a]*', 'b'))
    assert.ok(!matchPath('[!a]*', 'a'))
  })

  it('excludes a path when it or a parent matches; ** spans directories', () => {
    assert.ok(excluded(['*.log'], 'x.log'))
    assert.ok(excluded(['build'], 'build/out/a'))
    assert.ok(excluded(['**/*.tmp'], 'a/b/c.tmp'))
    assert.ok(!excluded(['*.log'], 'keep.txt'))
  })

  it('selects context paths, follows a named symlink in scope, and hashes content not times', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'berth-copy-test-'))
    try {
      const mk = (content: string, mtime: number) =>
        BuildContext.receive(
          (async function* () {
            const t = tarOf({ 'src/a.txt': content, 'src/b.log': 'log', link: { symlink: 'src' } })
            // Rewrite the mtime field of every header: the hash must not change.
            for (let o = 0; o + 512 <= t.length; o += 512) {
              if (t.toString('latin1', o + 257, o + 262) !== 'ustar') continue
              t.write(`${mtime.toString(8).padStart(11, '0')}\0`, o + 136, 12, 'latin1')
              let sum = 0
              t.fill(0x20, o + 148, o + 156)
              for (let i = 0; i < 512; i++) sum += t[o + i]!
              t.write(`${sum.toString(8).padStart(6, '0')}\0 `, o + 148, 8, 'latin1')
            }
            yield t
          })(),
          { spillDir: join(dir, String(mtime)) },
        )
      const one = await mk('A', 1)
      const two = await mk('A', 2)
      const three = await mk('B', 1)
      assert.deepEqual(selectContext(one, 'src/*.txt'), ['src/a.txt'])
      assert.deepEqual(selectContext(one, 'link'), ['src'])
      const items = (c: BuildContext) => contextItems(c, 'src', '', { exclude: ['*.log'] })
      assert.deepEqual(
        items(one).map((i) => i.target),
        ['', 'a.txt'],
      )
      assert.equal(hashItems(items(one), []), hashItems(items(two), []))
      assert.notEqual(hashItems(items(one), []), hashItems(items(three), []))
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})
