import assert from 'node:assert/strict'
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { after, before, describe, it } from 'node:test'
import { gzipSync } from 'node:zlib'
import { readTar } from '../../../lib/tar/index.ts'
import { StatusError } from '../../context.ts'
import { prepareContext } from './build-context.ts'

interface Entry {
  name: string
  type: string
  uid: number
  gid: number
  linkname: string
  data: string
}

async function entriesOf(body: Readable): Promise<Entry[]> {
  const out: Entry[] = []
  for await (const e of readTar(body)) {
    const chunks: Buffer[] = []
    for await (const c of e.body) chunks.push(c)
    const h = e.header
    out.push({
      name: h.name,
      type: h.type,
      uid: h.uid,
      gid: h.gid,
      linkname: h.linkname,
      data: Buffer.concat(chunks).toString(),
    })
  }
  return out
}

const noStdin = Readable.from([])

describe('build context packing', () => {
  let dir: string
  let ctx: string
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'berth-buildctx-'))
    ctx = join(dir, 'ctx')
    await mkdir(join(ctx, 'src/deep'), { recursive: true })
    await mkdir(join(ctx, 'secret'), { recursive: true })
    await writeFile(join(ctx, 'Dockerfile'), 'FROM busybox\n')
    await writeFile(join(ctx, '.dockerignore'), '*.log\nsecret\n!secret/keep\nDockerfile\n.dockerignore\n')
    await writeFile(join(ctx, 'b.txt'), 'b')
    await writeFile(join(ctx, 'a.txt'), 'a')
    await writeFile(join(ctx, 'debug.log'), 'noise')
    await writeFile(join(ctx, 'src/deep/x.c'), 'int x;')
    await writeFile(join(ctx, 'secret/key'), 'hush')
    await writeFile(join(ctx, 'secret/keep'), 'kept')
    await writeFile(join(dir, 'outside'), 'not in the context')
    await symlink('../outside', join(ctx, 'link-out'))
    await writeFile(join(dir, 'Other.Dockerfile'), 'FROM scratch\n')
  })
  after(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('honours .dockerignore, keeps Dockerfile and .dockerignore, sorted, 0:0, symlinks not followed', async () => {
    const c = await prepareContext({ context: ctx, file: undefined, cwd: dir, stdin: noStdin })
    assert.equal(c.dockerfile, 'Dockerfile')
    const entries = await entriesOf(c.body)
    assert.deepEqual(
      entries.map((e) => e.name),
      [
        '.dockerignore',
        'Dockerfile',
        'a.txt',
        'b.txt',
        'link-out',
        'secret/keep',
        'src/',
        'src/deep/',
        'src/deep/x.c',
      ],
    )
    assert.ok(entries.every((e) => e.uid === 0 && e.gid === 0))
    const link = entries.find((e) => e.name === 'link-out')
    assert.equal(link?.type, 'symlink')
    assert.equal(link?.linkname, '../outside')
    assert.ok(!entries.some((e) => e.data.includes('not in the context')))
  })

  it('is stable: the same tree packs to the same bytes', async () => {
    const pack = async () => {
      const c = await prepareContext({ context: 'ctx', file: undefined, cwd: dir, stdin: noStdin })
      const chunks: Buffer[] = []
      for await (const b of c.body) chunks.push(b as Buffer)
      return Buffer.concat(chunks)
    }
    assert.ok((await pack()).equals(await pack()))
  })

  it('-f - puts the Dockerfile from stdin under a generated name, listed in .dockerignore', async () => {
    const c = await prepareContext({
      context: ctx,
      file: '-',
      cwd: dir,
      stdin: Readable.from([Buffer.from('FROM stdin\n')]),
    })
    assert.match(c.dockerfile, /^\.dockerfile\.[0-9a-f]{20}$/)
    const entries = await entriesOf(c.body)
    assert.equal(entries.find((e) => e.name === c.dockerfile)?.data, 'FROM stdin\n')
    const ignore = entries.filter((e) => e.name === '.dockerignore')
    assert.equal(ignore.length, 1)
    assert.ok(ignore[0]!.data.endsWith(`\n${c.dockerfile}\n`))
    assert.ok(ignore[0]!.data.startsWith('*.log\n'))
  })

  it('-f outside the context is added like -f -; -f inside is a context path', async () => {
    const out = await prepareContext({ context: 'ctx', file: 'Other.Dockerfile', cwd: dir, stdin: noStdin })
    assert.match(out.dockerfile, /^\.dockerfile\./)
    assert.equal((await entriesOf(out.body)).find((e) => e.name === out.dockerfile)?.data, 'FROM scratch\n')
    const inside = await prepareContext({
      context: 'ctx',
      file: 'ctx/src/deep/x.c',
      cwd: dir,
      stdin: noStdin,
    })
    assert.equal(inside.dockerfile, 'src/deep/x.c')
  })

  it('context - : a tar passes through, a plain Dockerfile becomes a one-file context', async () => {
    const tar = gzipSync(Buffer.alloc(1024))
    const t = await prepareContext({ context: '-', file: 'sub/Df', cwd: dir, stdin: Readable.from([tar]) })
    assert.equal(t.dockerfile, 'sub/Df')
    const chunks: Buffer[] = []
    for await (const b of t.body) chunks.push(b as Buffer)
    assert.ok(Buffer.concat(chunks).equals(tar))
    const d = await prepareContext({
      context: '-',
      file: undefined,
      cwd: dir,
      stdin: Readable.from([Buffer.from('FROM busybox\n')]),
    })
    assert.equal(d.dockerfile, 'Dockerfile')
    assert.deepEqual(
      (await entriesOf(d.body)).map((e) => [e.name, e.data]),
      [['Dockerfile', 'FROM busybox\n']],
    )
  })

  it('refuses URL contexts, missing paths, missing Dockerfiles and stdin twice with docker-like errors', async () => {
    const fails = async (context: string, file: string | undefined, re: RegExp) => {
      await assert.rejects(prepareContext({ context, file, cwd: dir, stdin: noStdin }), (err: unknown) => {
        assert.ok(err instanceof StatusError)
        assert.equal(err.status, 1)
        assert.match(err.message, re)
        return true
      })
    }
    await fails('https://example.com/repo.git', undefined, /remote build contexts .* are not supported/)
    await fails('git@example.com:x/y.git', undefined, /not supported/)
    await fails('nope', undefined, /unable to prepare context: path "nope" not found/)
    await fails(
      'ctx/src',
      undefined,
      /unable to prepare context: unable to evaluate symlinks in Dockerfile path: lstat .*Dockerfile: no such file/,
    )
    await fails('-', '-', /can't use stdin for both build context and dockerfile/)
    await fails('outside', undefined, /unable to prepare context: context must be a directory: .*outside/)
  })
})
