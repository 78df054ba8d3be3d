import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { parseEndpoint, resolveHost } from './endpoint.ts'

describe('parseEndpoint', () => {
  it('parses unix sockets', () => {
    assert.deepEqual(parseEndpoint('unix:///run/berth.sock'), {
      kind: 'unix',
      socketPath: '/run/berth.sock',
      url: 'unix:///run/berth.sock',
    })
  })
  it('parses tcp with docker default ports', () => {
    const e = parseEndpoint('tcp://10.0.0.1')
    assert.equal(e.kind === 'tcp' && e.port, 2375)
    assert.equal(parseEndpoint('tcp://h:1234').url, 'tcp://h:1234')
    assert.equal(parseEndpoint('tcp://[::1]:99').url, 'tcp://[::1]:99')
  })
  it('rejects unknown schemes', () => {
    assert.throws(() => parseEndpoint('ftp://x'), /invalid bind address format/)
  })
})

describe('resolveHost', () => {
  it('prefers -H, then BERTH_HOST, then DOCKER_HOST, then the default', () => {
    assert.equal(resolveHost(['unix:///a'], { BERTH_HOST: 'unix:///b' }), 'unix:///a')
    assert.equal(resolveHost([], { BERTH_HOST: 'unix:///b', DOCKER_HOST: 'unix:///c' }), 'unix:///b')
    assert.equal(resolveHost([], { DOCKER_HOST: 'unix:///c' }), 'unix:///c')
    assert.equal(resolveHost([], {}), 'unix:///run/berth.sock')
  })
})
