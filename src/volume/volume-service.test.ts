import assert from 'node:assert/strict'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, it } from 'node:test'
import { nullLogger } from '../lib/log.ts'
import { ANONYMOUS_LABEL, VolumeService } from './index.ts'

describe('VolumeService', () => {
  let root: string
  let events: string[]
  let users: Record<string, string[]>
  const make = async () => {
    const v = new VolumeService({
      root,
      publisher: { publish: (_t, action, id) => events.push(`${action} ${id}`) },
      log: nullLogger,
    })
    await v.init()
    v.setUsageProbe((name) => users[name] ?? [])
    return v
  }
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'berth-vol-'))
    events = []
    users = {}
  })
  afterEach(async () => {
    await rm(root, { recursive: true, force: true })
  })

  it('creates named volumes idempotently and keeps them across restarts', async () => {
    const v = await make()
    const a = await v.create({ name: 'data', labels: { a: 'b' } })
    assert.equal(a.mountpoint, join(root, 'volumes/data/_data'))
    assert.match(a.createdAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/)
    await writeFile(join(a.mountpoint, 'f'), 'x')
    const again = await v.create({ name: 'data' })
    assert.deepEqual(again.labels, { a: 'b' })
    assert.deepEqual(events, ['create data'])
    const reloaded = await make()
    assert.deepEqual(reloaded.get('data').labels, { a: 'b' })
    assert.equal(await readFile(join(reloaded.get('data').mountpoint, 'f'), 'utf8'), 'x')
  })

  it('names anonymous volumes with 64 hex digits and labels them', async () => {
    const v = await make()
    const anon = await v.create({})
    assert.match(anon.name, /^[0-9a-f]{64}$/)
    assert.deepEqual(anon.labels, { [ANONYMOUS_LABEL]: '' })
  })

  it('rejects bad names and driver options with Docker wording', async () => {
    const v = await make()
    await assert.rejects(v.create({ name: 'a/b' }), /includes invalid characters for a local volume name/)
    await assert.rejects(v.create({ name: 'x1', options: { foo: 'bar' } }), /invalid option: "foo"/)
    await assert.rejects(
      v.create({ name: 'x2', options: { type: 'tmpfs' } }),
      /missing required option: "device"/,
    )
    await assert.rejects(v.create({ name: 'x3', driver: 'nfs' }), /plugin "nfs" not found/)
  })

  it('refuses to remove a volume in use, removes nothing, and force ignores only missing ones', async () => {
    const v = await make()
    const vol = await v.create({ name: 'busy' })
    await writeFile(join(vol.mountpoint, 'keep'), 'data')
    users.busy = ['c1']
    await assert.rejects(v.remove('busy', { force: true }), (e: Error & { kind?: string }) => {
      assert.equal(e.kind, 'conflict')
      assert.equal(e.message, 'remove busy: volume is in use - [c1]')
      return true
    })
    assert.equal(await readFile(join(vol.mountpoint, 'keep'), 'utf8'), 'data')
    await assert.rejects(v.remove('nope'), /get nope: no such volume/)
    await v.remove('nope', { force: true })
    users.busy = []
    await v.remove('busy')
    assert.throws(() => v.get('busy'), /no such volume/)
  })

  it('lists with filters and prunes anonymous volumes unless all', async () => {
    const v = await make()
    await v.create({ name: 'named1', labels: { team: 'a' } })
    const anon = await v.create({})
    const used = await v.create({})
    users[used.name] = ['c']
    assert.deepEqual(
      v.list({ filters: { label: ['team=a'] } }).map((x) => x.name),
      ['named1'],
    )
    assert.deepEqual(
      v.list({ filters: { dangling: ['false'] } }).map((x) => x.name),
      [used.name],
    )
    assert.throws(() => v.list({ filters: { bogus: ['x'] } }), /invalid filter 'bogus'/)
    await writeFile(join(anon.mountpoint, 'f'), '12345')
    const r = await v.prune()
    assert.deepEqual(r, { deleted: [anon.name], spaceReclaimed: 5 })
    const all = await v.prune({ filters: { all: ['true'] } })
    assert.deepEqual(all.deleted, ['named1'])
  })
})
