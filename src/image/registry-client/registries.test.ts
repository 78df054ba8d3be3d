import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { Registries } from './registries.ts'

describe('Registries.pullClients', () => {
  const r = new Registries({ registryMirrors: ['http://127.0.0.1:5001/', 'https://mirror.example'] })

  it('tries Docker Hub mirrors in order, then Docker Hub itself', () => {
    const bases = r.pullClients('docker.io', 'library/busybox', {}).map((c) => c.endpoint.base)
    assert.deepEqual(bases, [
      'http://127.0.0.1:5001',
      'https://mirror.example',
      'https://registry-1.docker.io',
    ])
    for (const c of r.pullClients('docker.io', 'library/busybox', {})) {
      assert.equal(c.endpoint.domain, 'docker.io')
      assert.equal(c.repository, 'library/busybox')
    }
  })

  it('never uses mirrors for other registries', () => {
    const bases = r.pullClients('127.0.0.1:5000', 'x/y', {}).map((c) => c.endpoint.base)
    assert.deepEqual(bases, ['http://127.0.0.1:5000'])
  })
})
