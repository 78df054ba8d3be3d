// BuildService without containers: metadata-only Dockerfiles over a real ImageService on a
// temporary data root (no root needed: nothing is mounted). RUN/COPY are covered end to end in
// test/e2e/build-engine.test.ts.
import assert from 'node:assert/strict'
import { rm } from 'node:fs/promises'
import { Readable } from 'node:stream'
import { after, before, describe, it } from 'node:test'
import { tarOf } from '../../test/support/build-tar.ts'
import type { ContainerIoService, ContainerService } from '../container/index.ts'
import { nullPublisher } from '../events/index.ts'
import { ImageService } from '../image/index.ts'
import { tempRoot } from '../image/testing.ts'
import { nullLogger } from '../lib/log.ts'
import { BuildService } from './build-service.ts'
import type { BuildMessage, BuildOptions } from './build-service-contract.ts'

const base: BuildOptions = {
  dockerfile: 'Dockerfile',
  tags: [],
  buildArgs: {},
  noCache: false,
  pull: false,
  rm: true,
  forceRm: false,
  labels: {},
  quiet: false,
  extraHosts: [],
}

describe('BuildService (metadata-only builds)', () => {
  let root: string
  let images: ImageService
  let builder: BuildService
  before(async () => {
    root = await tempRoot('berth-build-test-')
    images = new ImageService({ root, publisher: nullPublisher, log: nullLogger })
    await images.init()
    await images.importRootfs(Readable.from([tarOf({ 'etc/os-release': 'test\n' })]), { reference: 'base:1' })
    builder = newBuilder()
    await builder.init()
  })
  after(async () => {
    if (root) await rm(root, { recursive: true, force: true })
  })

  function newBuilder(): BuildService {
    // Metadata-only steps never create containers: the container services are not reached.
    const unused = {} as ContainerService & ContainerIoService
    return new BuildService({ dataRoot: root, images, containers: unused, io: unused, log: nullLogger })
  }

  async function build(dockerfile: string, opts: Partial<BuildOptions> = {}, b = builder) {
    const messages: BuildMessage[] = []
    const run = b.build(Readable.from([tarOf({ Dockerfile: dockerfile })]), { ...base, ...opts }, (m) =>
      messages.push(m),
    )
    const id = await run.catch((err: Error) => err)
    return { id, messages, text: messages.map((m) => m.stream ?? '').join('') }
  }

  it('streams Docker legacy steps, the aux id and the tags', async () => {
    const r = await build('FROM base:1\nENV A=1\nLABEL x=y\nCMD ["sh"]\n', { tags: ['out:1', 'out'] })
    assert.equal(typeof r.id, 'string')
    const id = r.id as string
    assert.equal(
      r.text.replace(/[0-9a-f]{12}/g, 'ID'),
      'Step 1/4 : FROM base:1\n ---> ID\nStep 2/4 : ENV A=1\n ---> ID\nStep 3/4 : LABEL x=y\n ---> ID\n' +
        'Step 4/4 : CMD ["sh"]\n ---> ID\nSuccessfully built ID\nSuccessfully tagged out:1\nSuccessfully tagged out:latest\n',
    )
    const auxAt = r.messages.findIndex((m) => m.aux?.ID === id)
    const builtAt = r.messages.findIndex((m) => m.stream?.startsWith('Successfully built'))
    assert.ok(auxAt !== -1 && auxAt < builtAt)
    const img = await images.resolve('out:1')
    assert.equal(img.id, id)
    assert.deepEqual(img.config.Labels, { x: 'y' })
    assert.equal(img.history.filter((h) => h.empty_layer).length, 3)
  })

  it('numbers the global ARGs as the first steps, as the legacy builder does', async () => {
    const r = await build('ARG TAG=1\nARG X\nFROM base:$TAG\nENV GA=1\n')
    assert.equal(typeof r.id, 'string')
    assert.equal(
      r.text.replace(/[0-9a-f]{12}/g, 'ID'),
      'Step 1/4 : ARG TAG=1\nStep 2/4 : ARG X\nStep 3/4 : FROM base:$TAG\n ---> ID\n' +
        'Step 4/4 : ENV GA=1\n ---> ID\nSuccessfully built ID\n',
    )
  })

  it('hits the cache on a rebuild, also from a new service instance (restart)', async () => {
    const df = 'FROM base:1\nENV B=2\n'
    const one = await build(df)
    const restarted = newBuilder()
    await restarted.init()
    const two = await build(df, {}, restarted)
    assert.equal(two.id, one.id)
    assert.match(two.text, / ---> Using cache\n/)
    const none = await build(df, { noCache: true })
    assert.doesNotMatch(none.text, /Using cache/)
  })

  it('is quiet with q, warns about unused build args and reports errors in the stream', async () => {
    const q = await build('FROM base:1\nENV C=3\n', { quiet: true })
    assert.deepEqual(
      q.messages.map((m) => Object.keys(m)[0]),
      ['aux', 'stream'],
    )
    assert.equal(q.messages[1]?.stream, `${q.id}\n`)
    const unused = await build('FROM base:1\nARG USED\nENV D=$USED\n', {
      buildArgs: { USED: 'u', EXTRA: 'e' },
    })
    assert.match(unused.text, /\[Warning\] One or more build-args \[EXTRA\] were not consumed\n/)
    assert.ok((await images.resolve(unused.id as string)).config.Env?.includes('D=u'))
    const bad = await build('FROM base:1\nBOGUS x\n')
    assert.ok(bad.id instanceof Error)
    assert.match(
      bad.messages.at(-1)?.error ?? '',
      /dockerfile parse error on line 2: unknown instruction: BOGUS/,
    )
    const missing = await build('FROM nothing-here:1\n')
    assert.ok(missing.id instanceof Error)
    const target = await build('FROM base:1 AS a\nFROM base:1\n', { target: 'zzz' })
    assert.match(target.messages.at(-1)?.error ?? '', /failed to reach build target zzz in Dockerfile/)
  })

  it('removes worktrees a crash left open when it starts', async () => {
    const { readdir, writeFile } = await import('node:fs/promises')
    await writeFile(`${root}/build/worktrees/build-leftover`, '')
    const restarted = newBuilder()
    await restarted.init()
    assert.deepEqual(await readdir(`${root}/build/worktrees`), [])
  })

  it('misses (and drops) cache entries whose image was removed, as after docker image prune', async () => {
    const first = await build('FROM base:1\nENV PRUNED=1\n')
    assert.equal(typeof first.id, 'string')
    await images.remove(first.id as string, { force: true, noprune: false })
    const usage = await builder.usage()
    assert.ok(usage.every((r) => r.Description !== 'ENV PRUNED=1'))
    const again = await build('FROM base:1\nENV PRUNED=1\n')
    assert.equal(typeof again.id, 'string', String(again.id))
    assert.doesNotMatch(again.text, /Using cache/)
  })

  it('pulls a FROM image that is not in the store (the pull fails here: nothing listens)', async () => {
    const r = await build('FROM 127.0.0.1:1/missing:1\n')
    assert.ok(r.id instanceof Error)
    assert.doesNotMatch(r.id.message, /No such image/)
    assert.match(r.id.message, /127\.0\.0\.1:1/)
  })

  it('lists and prunes cache records', async () => {
    const usage = await builder.usage()
    assert.ok(usage.length > 0)
    assert.ok(usage.every((r) => r.Type === 'regular' && r.ID.length === 25))
    const pruned = await builder.prune({ all: true, filters: {} })
    assert.equal(pruned.CachesDeleted.length, usage.length)
    assert.deepEqual(await builder.usage(), [])
    await assert.rejects(builder.prune({ all: true, filters: { bogus: ['1'] } }), /invalid filter 'bogus'/)
  })
})
