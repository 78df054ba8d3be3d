import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { mergeEnv, mergeImageConfig, processArgs } from './config-merge.ts'
import type { ContainerConfig } from './types.ts'

const req = (over: Partial<ContainerConfig>): ContainerConfig =>
  ({
    Image: 'x',
    Env: [],
    Cmd: null,
    Entrypoint: null,
    Labels: {},
    Volumes: null,
    WorkingDir: '',
    User: '',
    ...over,
  }) as ContainerConfig

describe('mergeImageConfig', () => {
  it('takes the image command when none is given', () => {
    const c = mergeImageConfig(req({}), { Cmd: ['sh'], Env: ['A=1'] })
    assert.deepEqual(c.Cmd, ['sh'])
    assert.deepEqual(processArgs(c), { path: 'sh', args: [] })
  })

  it("drops the image's Cmd when the request sets an Entrypoint", () => {
    const c = mergeImageConfig(req({ Entrypoint: ['/bin/echo'] }), { Cmd: ['sh'], Entrypoint: ['/init'] })
    assert.deepEqual(c.Entrypoint, ['/bin/echo'])
    assert.equal(c.Cmd, null)
  })

  it('lets request env override the image env and keeps PATH', () => {
    assert.deepEqual(mergeEnv(['A=1', 'PATH=/bin'], ['A=2', 'B=3']), ['PATH=/bin', 'A=2', 'B=3'])
    assert.ok(mergeEnv([], ['X=1'])[0]!.startsWith('PATH='))
  })

  it('refuses a container with no command at all', () => {
    assert.throws(() => mergeImageConfig(req({}), {}), /no command specified/)
  })
})
