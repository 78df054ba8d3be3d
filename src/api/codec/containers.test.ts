import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { type ContainerRecord, initialState } from '../../container/index.ts'
import { InvalidArgumentError } from '../../lib/errors.ts'
import { humanDuration, statusText, toCreateSpec } from './containers.ts'

describe('container codec', () => {
  it('fills Docker defaults from a minimal body', () => {
    const spec = toCreateSpec({ Image: 'busybox', Cmd: ['true'] }, 'web')
    assert.equal(spec.name, 'web')
    assert.deepEqual(spec.config.Cmd, ['true'])
    assert.equal(spec.hostConfig.NetworkMode, 'bridge')
    assert.equal(spec.hostConfig.ShmSize, 64 * 1024 * 1024)
    assert.deepEqual(spec.hostConfig.RestartPolicy, { Name: 'no', MaximumRetryCount: 0 })
  })

  it('accepts a string Cmd as docker-py sends it', () => {
    assert.deepEqual(toCreateSpec({ Image: 'busybox', Cmd: 'true' }, undefined).config.Cmd, ['true'])
  })

  it('treats Entrypoint [""] (docker run --entrypoint \'\') as a cleared entrypoint', () => {
    const spec = toCreateSpec({ Image: 'busybox', Entrypoint: [''], Cmd: ['echo', 'hi'] }, undefined)
    assert.deepEqual(spec.config.Entrypoint, [])
    assert.deepEqual(toCreateSpec({ Image: 'b', Entrypoint: ['', 'x'] }, undefined).config.Entrypoint, [
      '',
      'x',
    ])
    assert.equal(toCreateSpec({ Image: 'b' }, undefined).config.Entrypoint, null)
  })

  it("checks json-file log options at create, with dockerd's messages", () => {
    const body = (Config: Record<string, string>) => ({
      Image: 'b',
      HostConfig: { LogConfig: { Type: 'json-file', Config } },
    })
    assert.throws(() => toCreateSpec(body({ 'max-sise': '1m' }), undefined), {
      name: 'InvalidArgumentError',
      message: "unknown log opt 'max-sise' for json-file log driver",
    })
    assert.throws(() => toCreateSpec(body({ 'max-size': 'lots' }), undefined), /invalid size: 'lots'/)
    const ok = toCreateSpec(body({ 'max-size': '10m', 'max-file': '3' }), undefined)
    assert.deepEqual(ok.hostConfig.LogConfig.Config, { 'max-size': '10m', 'max-file': '3' })
  })

  it('refuses a log driver dockerd does not register, with its message', () => {
    const body = (Type: string) => ({ Image: 'b', HostConfig: { LogConfig: { Type, Config: {} } } })
    assert.throws(() => toCreateSpec(body('bogus'), undefined), {
      name: 'InvalidArgumentError',
      message: "logger: no log driver named 'bogus' is registered",
    })
    for (const t of ['json-file', 'local', 'none'])
      assert.equal(toCreateSpec(body(t), undefined).hostConfig.LogConfig.Type, t)
    assert.equal(toCreateSpec(body(''), undefined).hostConfig.LogConfig.Type, 'json-file')
  })

  it('rejects bad bodies with InvalidArgumentError', () => {
    assert.throws(() => toCreateSpec(undefined, undefined), InvalidArgumentError)
    assert.throws(() => toCreateSpec({}, undefined), /config cannot be empty/)
    assert.throws(() => toCreateSpec({ Image: 'b', Cmd: [1] }, undefined), InvalidArgumentError)
    assert.throws(
      () => toCreateSpec({ Image: 'b', HostConfig: { Memory: 'lots' } }, undefined),
      InvalidArgumentError,
    )
    assert.throws(() => toCreateSpec({ Image: 'b', WorkingDir: 'rel' }, undefined), /absolute path/)
  })

  it('renders the status column like docker', () => {
    const rec = { state: initialState() } as ContainerRecord
    assert.equal(statusText(rec), 'Created')
    const now = Date.parse('2026-01-01T00:10:00Z')
    rec.state = { ...rec.state, status: 'running', startedAt: '2026-01-01T00:09:57Z' }
    assert.equal(statusText(rec, now), 'Up 3 seconds')
    rec.state = { ...rec.state, status: 'exited', exitCode: 3, finishedAt: '2026-01-01T00:08:00Z' }
    assert.equal(statusText(rec, now), 'Exited (3) 2 minutes ago')
    rec.state = { ...rec.state, status: 'running', health: { Status: 'starting', FailingStreak: 0, Log: [] } }
    assert.equal(statusText(rec, now), 'Up 3 seconds (health: starting)')
    rec.state.health = { Status: 'healthy', FailingStreak: 0, Log: [] }
    assert.equal(statusText(rec, now), 'Up 3 seconds (healthy)')
    rec.state.health = { Status: 'unhealthy', FailingStreak: 3, Log: [] }
    assert.equal(statusText(rec, now), 'Up 3 seconds (unhealthy)')
    assert.equal(humanDuration(500), 'Less than a second')
    assert.equal(humanDuration(65_000), 'About a minute')
  })
})
