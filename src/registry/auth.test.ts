// Auth over real HTTP: htpasswd Basic (challenge, wrong password) and the token flow
// (challenge → /token → Bearer, scopes, anonymous pull, insufficient scope).
import assert from 'node:assert/strict'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { bcryptHash } from './auth/htpasswd.ts'
import { errorCode, pushBlob, startTestRegistry, tempDir } from './testing.ts'

const basic = (u: string, p: string) => ({
  Authorization: `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`,
})

let htpasswd: string
before(async () => {
  htpasswd = join(await tempDir(), 'htpasswd')
  await writeFile(
    htpasswd,
    `alice:${await bcryptHash('wonderland', 4)}\nbob:${await bcryptHash('builder', 4)}\n`,
  )
})

describe('htpasswd Basic auth', () => {
  let reg: Awaited<ReturnType<typeof startTestRegistry>>
  before(async () => {
    reg = await startTestRegistry({ auth: { kind: 'htpasswd', htpasswd, realm: 'test-realm' } })
  })
  after(() => reg.close())

  it('challenges anonymous requests with 401 and WWW-Authenticate', async () => {
    const res = await fetch(`${reg.url}/v2/`)
    assert.equal(res.status, 401)
    assert.equal(res.headers.get('www-authenticate'), 'Basic realm="test-realm"')
    assert.equal(await errorCode(res), 'UNAUTHORIZED')
  })

  it('refuses a wrong password and an unknown user', async () => {
    assert.equal((await fetch(`${reg.url}/v2/`, { headers: basic('alice', 'nope') })).status, 401)
    assert.equal((await fetch(`${reg.url}/v2/`, { headers: basic('mallory', 'x') })).status, 401)
  })

  it('lets a valid user push and pull', async () => {
    const headers = basic('alice', 'wonderland')
    assert.equal((await fetch(`${reg.url}/v2/`, { headers })).status, 200)
    const digest = await pushBlob(reg.url, 'alice/app', 'data', { headers })
    const get = await fetch(`${reg.url}/v2/alice/app/blobs/${digest}`, { headers })
    assert.equal(await get.text(), 'data')
  })

  it('keeps /health open', async () => {
    assert.equal((await fetch(`${reg.url}/health`)).status, 200)
  })
})

describe('token auth', () => {
  let reg: Awaited<ReturnType<typeof startTestRegistry>>
  before(async () => {
    reg = await startTestRegistry({
      auth: {
        kind: 'token',
        htpasswd,
        service: 'berth-test',
        issuer: 'berth-test',
        ttlSeconds: 60,
        anonymousPull: true,
        acl: [
          { account: 'alice', name: '*', actions: ['*'] },
          { account: 'bob', name: 'bob/*', actions: ['pull', 'push'] },
          { account: '*', name: '*', actions: ['pull'] },
        ],
      },
    })
  })
  after(() => reg.close())

  async function token(scope: string, headers: Record<string, string> = {}): Promise<string> {
    const res = await fetch(`${reg.url}/token?service=berth-test&scope=${encodeURIComponent(scope)}`, {
      headers,
    })
    assert.equal(res.status, 200)
    const body = (await res.json()) as { token: string; access_token: string; expires_in: number }
    assert.equal(body.token, body.access_token)
    assert.equal(body.expires_in, 60)
    return body.token
  }

  it('challenges with a Bearer realm, service and scope', async () => {
    const res = await fetch(`${reg.url}/v2/some/repo/tags/list`)
    assert.equal(res.status, 401)
    assert.equal(
      res.headers.get('www-authenticate'),
      `Bearer realm="${reg.url}/token",service="berth-test",scope="repository:some/repo:pull"`,
    )
  })

  it('runs the whole flow: challenge, token with Basic credentials, authorized push', async () => {
    const t = await token('repository:alice/app:pull,push', basic('alice', 'wonderland'))
    const headers = { Authorization: `Bearer ${t}` }
    const digest = await pushBlob(reg.url, 'alice/app', 'tokened', { headers })
    assert.equal((await fetch(`${reg.url}/v2/alice/app/blobs/${digest}`, { headers })).status, 200)
    // The token is scoped to alice/app only.
    const other = await fetch(`${reg.url}/v2/alice/other/blobs/uploads/`, { method: 'POST', headers })
    assert.equal(other.status, 401)
    assert.match(other.headers.get('www-authenticate') ?? '', /error="insufficient_scope"/)
  })

  it('refuses a wrong password at the token endpoint', async () => {
    const res = await fetch(`${reg.url}/token?service=berth-test&scope=repository:x:pull`, {
      headers: basic('alice', 'wrong'),
    })
    assert.equal(res.status, 401)
    assert.equal(await errorCode(res), 'UNAUTHORIZED')
  })

  it('grants anonymous pull but not push', async () => {
    const t = await token('repository:alice/app:pull,push')
    const headers = { Authorization: `Bearer ${t}` }
    assert.equal((await fetch(`${reg.url}/v2/alice/app/tags/list`, { headers })).status, 200)
    const push = await fetch(`${reg.url}/v2/alice/app/blobs/uploads/`, { method: 'POST', headers })
    assert.equal(push.status, 401)
  })

  it('applies the ACL: bob may push only under bob/ and never delete', async () => {
    const t = await token(
      'repository:bob/x:pull,push,delete repository:alice/app:push',
      basic('bob', 'builder'),
    )
    const headers = { Authorization: `Bearer ${t}` }
    const digest = await pushBlob(reg.url, 'bob/x', 'bob data', { headers })
    assert.equal(
      (await fetch(`${reg.url}/v2/bob/x/blobs/${digest}`, { method: 'DELETE', headers })).status,
      401,
    )
    assert.equal(
      (await fetch(`${reg.url}/v2/alice/app/blobs/uploads/`, { method: 'POST', headers })).status,
      401,
    )
  })

  it('rejects forged and foreign tokens', async () => {
    const t = await token('repository:alice/app:pull', basic('alice', 'wonderland'))
    const [h, body] = t.split('.')
    const forged = `${h}.${body}.AAAA`
    const res = await fetch(`${reg.url}/v2/alice/app/tags/list`, {
      headers: { Authorization: `Bearer ${forged}` },
    })
    assert.equal(res.status, 401)
    assert.match(res.headers.get('www-authenticate') ?? '', /error="invalid_token"/)
  })

  it('issues tokens through the OAuth2 password grant (POST)', async () => {
    const res = await fetch(`${reg.url}/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'password',
        service: 'berth-test',
        client_id: 'test',
        username: 'alice',
        password: 'wonderland',
        scope: 'registry:catalog:*',
      }),
    })
    assert.equal(res.status, 200)
    const { access_token } = (await res.json()) as { access_token: string }
    const cat = await fetch(`${reg.url}/v2/_catalog`, {
      headers: { Authorization: `Bearer ${access_token}` },
    })
    assert.equal(cat.status, 200)
  })
})
