import assert from 'node:assert/strict'
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, it } from 'node:test'
import { chooseRuntime } from './runtime-choice.ts'

describe('chooseRuntime', () => {
  let root: string
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'berth-runtime-choice-'))
  })
  afterEach(() => rm(root, { recursive: true, force: true }))

  it('picks crun on a new data root where it is installed, runc otherwise, and records it', async () => {
    assert.equal(await chooseRuntime({ dataRoot: root, configured: '', crunInstalled: true }), 'crun')
    assert.equal(await readFile(join(root, 'runtime'), 'utf8'), 'crun\n')
    const other = join(root, 'other')
    await mkdir(other)
    assert.equal(await chooseRuntime({ dataRoot: other, configured: '', crunInstalled: false }), 'runc')
  })

  it('keeps the recorded runtime, and a configured one wins and is recorded', async () => {
    await chooseRuntime({ dataRoot: root, configured: '', crunInstalled: true })
    assert.equal(await chooseRuntime({ dataRoot: root, configured: '', crunInstalled: false }), 'crun')
    assert.equal(await chooseRuntime({ dataRoot: root, configured: 'runc', crunInstalled: true }), 'runc')
    assert.equal(await chooseRuntime({ dataRoot: root, configured: '', crunInstalled: true }), 'runc')
  })

  it('keeps runc for a data root whose containers predate the record', async () => {
    await mkdir(join(root, 'containers', 'abc'), { recursive: true })
    assert.equal(await chooseRuntime({ dataRoot: root, configured: '', crunInstalled: true }), 'runc')
  })
})
