import assert from 'node:assert/strict'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import type { CliContext } from '../../context.ts'
import { parseFlags } from '../../flags.ts'
import { detachKeysOf } from './detach-keys.ts'

describe('detachKeysOf', () => {
  let dir: string
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'berth-detach-'))
  })
  after(async () => {
    await rm(dir, { recursive: true, force: true })
  })
  const spec = [{ long: 'detach-keys', type: 'string' as const }]
  const ctx = (env: NodeJS.ProcessEnv) => ({ env }) as unknown as CliContext

  it('takes the flag, else the client config, else nothing (the daemon default)', async () => {
    const none = ctx({ DOCKER_CONFIG: join(dir, 'missing') })
    assert.equal(detachKeysOf(none, parseFlags(spec, [])), undefined)
    await writeFile(join(dir, 'config.json'), JSON.stringify({ detachKeys: 'ctrl-x,x' }))
    const configured = ctx({ DOCKER_CONFIG: dir })
    assert.equal(detachKeysOf(configured, parseFlags(spec, [])), 'ctrl-x,x')
    assert.equal(detachKeysOf(configured, parseFlags(spec, ['--detach-keys', 'ctrl-a'])), 'ctrl-a')
  })
})
