import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { mergeEnv, mergeImageConfig, processArgs, processEnv } from './config-merge.ts'
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

describe('processEnv', () => {
  it('leaves out entries without "=" and lets them remove a default', () => {
    const env = processEnv(['A=1', 'UNSET', 'PATH', 'B=x=y'], { hostname: 'h', tty: false })
    assert.deepEqual(env, ['HOSTNAME=h', 'A=1', 'B=x=y'])
  })

  it('puts PATH, HOSTNAME and (with a tty) TERM first, replaced in place by the container', () => {
    const env = processEnv(['PATH=/bin', 'HOSTNAME=mine', 'X=1'], { hostname: 'h', tty: true })
    assert.deepEqual(env, ['PATH=/bin', 'HOSTNAME=mine', 'TERM=xterm', 'X=1'])
  })

  it("drops an image variable a bare container entry overrides (merge keeps 'VAR' in Config.Env)", () => {
    const c = mergeImageConfig(req({ Env: ['VAR'], Cmd: ['sh'] }), { Env: ['PATH=/bin', 'VAR=x'] })
    assert.ok(c.Env.includes('VAR'))
    assert.ok(!c.Env.includes('VAR=x'))
    assert.deepEqual(processEnv(c.Env, { hostname: 'h', tty: false }), ['PATH=/bin', 'HOSTNAME=h'])
  })
})
