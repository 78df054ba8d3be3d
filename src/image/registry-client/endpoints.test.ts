import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { isInsecure, registryEndpoint } from './endpoints.ts'

describe('registryEndpoint', () => {
  it('maps Docker Hub to its API host over HTTPS', () => {
    assert.equal(registryEndpoint('docker.io').base, 'https://registry-1.docker.io')
  })
  it('uses HTTP for loopback and insecure registries only', () => {
    assert.equal(registryEndpoint('127.0.0.1:5000').base, 'http://127.0.0.1:5000')
    assert.equal(registryEndpoint('localhost:5000').base, 'http://localhost:5000')
    assert.equal(registryEndpoint('[::1]:5000').base, 'http://[::1]:5000')
    assert.equal(registryEndpoint('reg.example.com').base, 'https://reg.example.com')
    assert.equal(
      registryEndpoint('reg.example.com:5000', ['reg.example.com:5000']).base,
      'http://reg.example.com:5000',
    )
  })
  it('matches CIDR entries', () => {
    assert.ok(isInsecure('10.1.2.3:5000', ['10.0.0.0/8']))
    assert.ok(!isInsecure('11.1.2.3:5000', ['10.0.0.0/8']))
  })
})
