import assert from 'node:assert/strict'
import { createServer } from 'node:net'
import { describe, it } from 'node:test'
import { connectionError, goDialReason } from './errors.ts'

describe('registry connection errors', () => {
  it("words a refused connection as Go's net package does", async () => {
    // A loopback port that was just free: nothing listens there now.
    const srv = createServer()
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r))
    const port = (srv.address() as { port: number }).port
    await new Promise((r) => srv.close(r))
    const url = `http://127.0.0.1:${port}/v2/`
    const err = await fetch(url).then(
      () => undefined,
      (e: unknown) => e,
    )
    assert.equal(
      connectionError('GET', url, err).message,
      `Get "${url}": dial tcp 127.0.0.1:${port}: connect: connection refused`,
    )
  })

  it('words a failed lookup and leaves other errors alone', () => {
    assert.equal(
      goDialReason({ code: 'ENOTFOUND', hostname: 'registry.example' }),
      'dial tcp: lookup registry.example: no such host',
    )
    assert.equal(
      goDialReason({ code: 'ECONNREFUSED', address: '::1', port: 5000 }),
      'dial tcp [::1]:5000: connect: connection refused',
    )
    assert.equal(goDialReason(new Error('other')), undefined)
  })
})
