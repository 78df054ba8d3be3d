import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { InvalidArgumentError } from '../../lib/errors.ts'
import { bearerChallenge, covers, parseScopes } from './access.ts'
import { bcryptHash, Htpasswd } from './htpasswd.ts'
import { TokenSigner } from './token.ts'
import { grant } from './token-policy.ts'

describe('scopes', () => {
  it('parses scopes with names holding colons-free paths and several actions', () => {
    assert.deepEqual(parseScopes('repository:a/b:pull,push registry:catalog:*'), [
      { type: 'repository', name: 'a/b', actions: ['pull', 'push'] },
      { type: 'registry', name: 'catalog', actions: ['*'] },
    ])
    assert.deepEqual(parseScopes('garbage repository:x'), [])
  })
  it('checks coverage action by action', () => {
    const g = parseScopes('repository:a:pull,push')
    assert.ok(covers(g, parseScopes('repository:a:pull')))
    assert.ok(!covers(g, parseScopes('repository:a:delete')))
    assert.ok(!covers(g, parseScopes('repository:b:pull')))
    assert.ok(covers(g, []))
  })
  it('writes the challenge', () => {
    assert.equal(
      bearerChallenge('https://r/token', 'svc', parseScopes('repository:a:pull')),
      'Bearer realm="https://r/token",service="svc",scope="repository:a:pull"',
    )
  })
})

describe('token policy', () => {
  const req = parseScopes('repository:team/app:pull,push,delete')
  it('gives anonymous clients pull only when enabled', () => {
    assert.deepEqual(grant({ anonymousPull: false }, undefined, req), [])
    assert.deepEqual(grant({ anonymousPull: true }, undefined, req)[0]?.actions, ['pull'])
  })
  it('gives accounts everything without an ACL, and what the ACL says with one', () => {
    assert.deepEqual(grant({ anonymousPull: false }, 'u', req)[0]?.actions, ['pull', 'push', 'delete'])
    const acl = [{ account: 'u', name: 'team/*', actions: ['pull', 'push'] }]
    assert.deepEqual(grant({ anonymousPull: false, acl }, 'u', req)[0]?.actions, ['pull', 'push'])
    assert.deepEqual(grant({ anonymousPull: false, acl }, 'v', req), [])
  })
})

describe('TokenSigner', () => {
  const access = parseScopes('repository:a:pull')
  it('verifies its own tokens for the right audience while valid', () => {
    const s = new TokenSigner({ issuer: 'iss', secret: 'k' })
    const t = s.sign({ subject: 'u', audience: 'svc', access, ttlSeconds: 60 })
    assert.deepEqual(s.verify(t, 'svc')?.access, access)
    assert.equal(s.verify(t, 'other'), undefined)
    assert.equal(s.verify(t, 'svc', Date.now() + 61_000), undefined, 'expired')
    assert.equal(new TokenSigner({ issuer: 'iss', secret: 'other' }).verify(t, 'svc'), undefined)
    assert.equal(s.verify('a.b', 'svc'), undefined)
  })
  it('refuses a token whose claims were edited', () => {
    const s = new TokenSigner({ issuer: 'iss' })
    const [h, , sig] = s.sign({ subject: 'u', audience: 'svc', access, ttlSeconds: 60 }).split('.')
    const body = Buffer.from(JSON.stringify({ access: parseScopes('repository:a:*') })).toString('base64url')
    assert.equal(s.verify(`${h}.${body}.${sig}`, 'svc'), undefined)
  })
})

describe('Htpasswd', () => {
  it('verifies bcrypt ($2y$ too) and {SHA} entries', async () => {
    const hash = (await bcryptHash('pw', 4)).replace(/^\$2b\$/, '$2y$')
    const h = Htpasswd.parse(`# comment\nalice:${hash}\nold:{SHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g=\n`)
    assert.equal(await h.verify('alice', 'pw'), true)
    assert.equal(await h.verify('alice', 'PW'), false)
    assert.equal(await h.verify('old', 'password'), true)
    assert.equal(await h.verify('nobody', 'pw'), false)
  })
  it('refuses plain-text and MD5 entries', () => {
    assert.throws(() => Htpasswd.parse('u:plaintext'), InvalidArgumentError)
    assert.throws(() => Htpasswd.parse('u:$apr1$abc$def'), InvalidArgumentError)
    assert.throws(() => Htpasswd.parse('nocolon'), InvalidArgumentError)
  })
})
