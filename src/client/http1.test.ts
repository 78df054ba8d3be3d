import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer, type RequestListener } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { describe, it } from 'node:test'
import { http1Request } from './http1.ts'

async function withServer(
  handler: RequestListener,
  fn: (socketPath: string) => Promise<void>,
): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'berth-http1-'))
  const socketPath = join(dir, 's.sock')
  const server = createServer(handler)
  await new Promise<void>((r) => server.listen(socketPath, r))
  try {
    await fn(socketPath)
  } finally {
    server.closeAllConnections()
    await new Promise((r) => server.close(r))
    await rm(dir, { recursive: true, force: true })
  }
}

async function text(res: AsyncIterable<Buffer>): Promise<string> {
  const chunks: Buffer[] = []
  for await (const c of res) chunks.push(c)
  return Buffer.concat(chunks).toString()
}

describe('http1 client', () => {
  it('streams a large chunked body intact (backpressure on every chunk)', async () => {
    await withServer(
      (req, res) => {
        let n = 0
        req.on('data', (c: Buffer) => {
          n += c.length
        })
        req.on('end', () => res.end(String(n)))
      },
      async (socketPath) => {
        const parts = Array.from({ length: 200 }, (_, i) => Buffer.alloc(32 * 1024, i))
        const { res } = await http1Request(
          { socketPath },
          { method: 'POST', path: '/upload', headers: {}, body: Readable.from(parts) },
        )
        assert.equal(res.statusCode, 200)
        assert.equal(await text(res), String(200 * 32 * 1024))
      },
    )
  })

  it('reads content-length, chunked and empty responses', async () => {
    await withServer(
      (req, res) => {
        if (req.url === '/chunked') {
          res.write('a')
          setTimeout(() => res.end('bc'), 10)
        } else if (req.url === '/none') {
          res.writeHead(204).end()
        } else res.end('fixed')
      },
      async (socketPath) => {
        const get = async (path: string) =>
          (await http1Request({ socketPath }, { method: 'GET', path, headers: {} })).res
        assert.equal(await text(await get('/fixed')), 'fixed')
        assert.equal(await text(await get('/chunked')), 'abc')
        const none = await get('/none')
        assert.equal(none.statusCode, 204)
        assert.equal(await text(none), '')
      },
    )
  })

  it('hands over the upgraded socket with the bytes that followed the headers', async () => {
    const server = createServer()
    server.on('upgrade', (_req, sock) => {
      sock.write('HTTP/1.1 101 UPGRADED\r\nContent-Type: application/vnd.docker.raw-stream\r\n\r\nhello')
      sock.end()
    })
    const dir = await mkdtemp(join(tmpdir(), 'berth-http1-'))
    const socketPath = join(dir, 's.sock')
    await new Promise<void>((r) => server.listen(socketPath, r))
    try {
      const { res, upgraded } = await http1Request(
        { socketPath },
        { method: 'POST', path: '/attach', headers: { Connection: 'Upgrade', Upgrade: 'tcp' } },
      )
      assert.equal(res.statusCode, 101)
      assert.ok(upgraded)
      assert.equal(await text(upgraded), 'hello')
    } finally {
      await new Promise((r) => server.close(r))
      await rm(dir, { recursive: true, force: true })
    }
  })
})
