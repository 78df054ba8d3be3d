import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { InvalidArgumentError } from '../../lib/errors.ts'
import { decodeRegistryAuth, registryDomainOf } from './auth-config.ts'

describe('X-Registry-Auth', () => {
  it('decodes base64url and standard base64, with or without padding', () => {
    const json = JSON.stringify({ username: 'a', password: 'p?>', serveraddress: 'r:5000' })
    for (const enc of [Buffer.from(json).toString('base64url'), Buffer.from(json).toString('base64')])
      assert.deepEqual(decodeRegistryAuth(enc), { username: 'a', password: 'p?>', serveraddress: 'r:5000' })
  })
  it('splits an `auth` field and treats empty as anonymous', () => {
    const enc = Buffer.from(JSON.stringify({ auth: Buffer.from('u:p:q').toString('base64') })).toString(
      'base64',
    )
    assert.deepEqual(decodeRegistryAuth(enc), { username: 'u', password: 'p:q' })
    assert.deepEqual(decodeRegistryAuth(''), {})
    assert.deepEqual(decodeRegistryAuth(Buffer.from('{}').toString('base64url')), {})
    assert.throws(() => decodeRegistryAuth('!!!'), InvalidArgumentError)
  })
  it('maps server addresses to registry domains', () => {
    assert.equal(registryDomainOf('https://index.docker.io/v1/'), 'docker.io')
    assert.equal(registryDomainOf(undefined), 'docker.io')
    assert.equal(registryDomainOf('http://127.0.0.1:5000/'), '127.0.0.1:5000')
    assert.equal(registryDomainOf('Reg.Example.com'), 'reg.example.com')
  })
})
