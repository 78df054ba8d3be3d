import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { ConflictError, NotFoundError } from '../lib/errors.ts'
import { nullLogger } from '../lib/log.ts'
import { createApiApp } from './app.ts'
import { del, get, json, post } from './router.ts'

const app = createApiApp(
  [
    get('/things/json', async () => json([])),
    get('/images/:name*/json', async (req) => json({ name: req.params.name })),
    post('/things/:id/start', async (req) => {
      if (req.params.id === 'busy') throw new ConflictError('thing is busy')
      throw new NotFoundError(`No such thing: ${req.params.id}`)
    }),
    post('/echo', async (req) => json(await req.json())),
    del('/boom', async () => {
      throw new Error('unexpected')
    }),
    get('/new-only', async () => json({}), { minVersion: '1.44' }),
  ],
  nullLogger,
)

describe('API app', () => {
  it('accepts unversioned and versioned paths', async () => {
    assert.equal((await app.inject({ method: 'GET', url: '/things/json' })).status, 200)
    assert.equal((await app.inject({ method: 'GET', url: '/v1.24/things/json' })).status, 200)
    assert.equal((await app.inject({ method: 'GET', url: '/v1.47/things/json' })).status, 200)
  })

  it("rejects versions outside the supported range with Docker's message", async () => {
    const tooNew = await app.inject({ method: 'GET', url: '/v1.48/things/json' })
    assert.equal(tooNew.status, 400)
    assert.match(
      (tooNew.json() as { message: string }).message,
      /client version 1.48 is too new. Maximum supported API version is 1.47/,
    )
    const tooOld = await app.inject({ method: 'GET', url: '/v1.12/things/json' })
    assert.equal(tooOld.status, 400)
    assert.match((tooOld.json() as { message: string }).message, /too old/)
    assert.equal((await app.inject({ method: 'GET', url: '/v1.40/new-only' })).status, 400)
  })

  it('collapses empty path segments as dockerd does (/containers//name)', async () => {
    const res = await app.inject({ method: 'POST', url: '/v1.47/things//x/start' })
    assert.equal(res.status, 404)
    assert.equal((res.json() as { message: string }).message, 'No such thing: x')
  })

  it('matches greedy parameters with slashes', async () => {
    const res = await app.inject({ method: 'GET', url: '/images/localhost:5000/a/b:tag/json' })
    assert.deepEqual(res.json(), { name: 'localhost:5000/a/b:tag' })
  })

  it('maps error kinds to statuses with {"message"} bodies', async () => {
    const nf = await app.inject({ method: 'POST', url: '/things/x/start' })
    assert.equal(nf.status, 404)
    assert.deepEqual(nf.json(), { message: 'No such thing: x' })
    assert.equal((await app.inject({ method: 'POST', url: '/things/busy/start' })).status, 409)
    assert.equal((await app.inject({ method: 'DELETE', url: '/boom' })).status, 500)
    const missing = await app.inject({ method: 'GET', url: '/nope' })
    assert.equal(missing.status, 404)
    assert.deepEqual(missing.json(), { message: 'page not found' })
  })

  it('rejects malformed JSON with 400', async () => {
    const res = await app.inject({ method: 'POST', url: '/echo', body: '{"a":' })
    assert.equal(res.status, 400)
    assert.match((res.json() as { message: string }).message, /invalid JSON/)
    assert.deepEqual((await app.inject({ method: 'POST', url: '/echo', body: { a: 1 } })).json(), { a: 1 })
  })
})
