import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { mkdtemp, readFile, readlink, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { describe, it } from 'node:test'
import { gzipSync } from 'node:zlib'
import { tarOf } from '../../../test/support/build-tar.ts'
import { BuildContext } from './build-context.ts'

async function* chunked(buf: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let o = 0; o < buf.length; o += size) yield buf.subarray(o, o + size)
}

async function receive(
  buf: Buffer,
  opts: { chunk?: number; budget?: number; stream?: boolean; rawName?: string } = {},
) {
  const dir = await mkdtemp(join(tmpdir(), 'berth-ctx-test-'))
  const src = chunked(buf, opts.chunk ?? 7)
  try {
    const ctx = await BuildContext.receive(opts.stream ? Readable.from(src) : src, {
      spillDir: join(dir, 'spill'),
      memoryBudget: opts.budget,
      rawName: opts.rawName,
    })
    return { ctx, dir }
  } catch (err) {
    // A rejected archive: nothing of the test may stay behind in /tmp.
    await rm(dir, { recursive: true, force: true })
    throw err
  }
}

describe('BuildContext', () => {
  const files = {
    Dockerfile: 'FROM busybox\n',
    'a/b/c.txt': 'deep\n',
    'a/link': { symlink: 'b' },
    abs: { symlink: '/a/b/c.txt' },
    up: { symlink: '../../../etc/passwd' },
    'exe.sh': { content: '#!/bin/sh\n', mode: 0o755 },
    [`${'d'.repeat(120)}/${'f'.repeat(110)}.txt`]: 'long name (pax)\n',
  }

  it('reads entries split across tiny chunks, with implicit parents and content digests', async () => {
    const { ctx, dir } = await receive(tarOf(files))
    try {
      const long = `${'d'.repeat(120)}/${'f'.repeat(110)}.txt`
      assert.deepEqual(ctx.paths(), [
        'Dockerfile',
        'a',
        'a/b',
        'a/b/c.txt',
        'a/link',
        'abs',
        'd'.repeat(120),
        long,
        'exe.sh',
        'up',
      ])
      assert.equal((await ctx.read(ctx.get(long)!)).toString(), 'long name (pax)\n')
      const f = ctx.get('a/b/c.txt')!
      assert.equal(f.digest, createHash('sha256').update('deep\n').digest('hex'))
      assert.equal((await ctx.read(f)).toString(), 'deep\n')
      assert.equal(ctx.get('exe.sh')!.mode, 0o755)
      assert.equal(ctx.get('a')!.type, 'directory')
      assert.deepEqual(ctx.children('a'), ['b', 'link'])
    } finally {
      await ctx.dispose()
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('resolves symlinks inside the context only', async () => {
    const { ctx, dir } = await receive(tarOf(files))
    try {
      assert.equal(ctx.resolve('a/link/c.txt'), 'a/b/c.txt')
      assert.equal(ctx.resolve('abs'), 'a/b/c.txt')
      assert.equal(ctx.resolve('up'), 'etc/passwd')
      assert.equal(ctx.get(ctx.resolve('up')), undefined)
      assert.equal(ctx.resolve('a/link', { followLast: false }), 'a/link')
    } finally {
      await ctx.dispose()
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('rejects entries escaping the context and truncated archives', async () => {
    await assert.rejects(receive(tarOf({ '../evil': 'x' })), /escapes/)
    const t = tarOf({ f: 'x'.repeat(2000) })
    await assert.rejects(receive(t.subarray(0, 1200)), /unexpected end/)
    // A tar cut right after the last file's data (docker's `-f -` rewrite) is accepted.
    const cut = await receive(t.subarray(0, 512 + 2000))
    assert.equal(cut.ctx.get('f')?.size, 2000)
    await cut.ctx.dispose()
    await rm(cut.dir, { recursive: true, force: true })
    await assert.rejects(receive(t.subarray(0, 1200), { stream: true }), /unexpected end/)
    await assert.rejects(receive(gzipSync(t).subarray(0, 30), { stream: true }), /gzip|unexpected end/)
  })

  it('accepts gzip, spills past the memory budget, removes subtrees and materialises', async () => {
    const { ctx, dir } = await receive(gzipSync(tarOf(files)), { chunk: 5, budget: 0, stream: true })
    try {
      assert.equal((await ctx.read(ctx.get('a/b/c.txt')!)).toString(), 'deep\n')
      assert.ok(ctx.get('a/b/c.txt')!.spill)
      const root = await ctx.materialize()
      assert.equal(await readFile(join(root, 'a/b/c.txt'), 'utf8'), 'deep\n')
      assert.equal(await readlink(join(root, 'up')), '../../../etc/passwd')
      ctx.remove('a')
      assert.deepEqual(
        ctx.paths().filter((p) => !p.startsWith('ddd')),
        ['Dockerfile', 'abs', 'exe.sh', 'up'],
      )
    } finally {
      await ctx.dispose()
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('takes a body that is not a tar as the Dockerfile itself (small or large)', async () => {
    for (const text of ['FROM busybox\nRUN true\n', `FROM busybox\n${'RUN echo padding\n'.repeat(100)}`]) {
      const { ctx, dir } = await receive(Buffer.from(text), { rawName: 'Dockerfile', stream: true })
      try {
        assert.deepEqual(ctx.paths(), ['Dockerfile'])
        assert.equal((await ctx.read(ctx.get('Dockerfile')!)).toString(), text)
      } finally {
        await ctx.dispose()
        await rm(dir, { recursive: true, force: true })
      }
    }
    await assert.rejects(receive(Buffer.from('FROM busybox\n'.repeat(100))), /checksum|invalid/)
  })
})
