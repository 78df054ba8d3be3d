// TTY attach through the raw API, as the docker CLI does it: the daemon ends the session on the
// detach keys (default ctrl-p,ctrl-q, or ?detachKeys=), the container keeps running, and the
// detach and resize events are emitted.
import assert from 'node:assert/strict'
import { connect } from 'node:net'
import { after, before, describe, it } from 'node:test'
import { e2eSkipReason, TestDaemon } from '../support/daemon.ts'

const skip = e2eSkipReason()

/** Upgrades an attach request on the daemon's socket; resolves with the socket after the 101 head. */
function attach(socketPath: string, id: string, query: string): Promise<import('node:net').Socket> {
  return new Promise((resolve, reject) => {
    const sock = connect(socketPath)
    let head = ''
    sock.once('error', reject)
    sock.on('connect', () =>
      sock.write(
        `POST /v1.47/containers/${id}/attach?stream=1&stdin=1&stdout=1&stderr=1${query} HTTP/1.1\r\n` +
          'Host: berth\r\nConnection: Upgrade\r\nUpgrade: tcp\r\nContent-Length: 0\r\n\r\n',
      ),
    )
    const onData = (c: Buffer) => {
      head += c.toString('latin1')
      if (head.includes('\r\n\r\n')) {
        sock.off('data', onData)
        if (!head.startsWith('HTTP/1.1 101')) reject(new Error(head))
        else resolve(sock)
      }
    }
    sock.on('data', onData)
  })
}

describe('TTY attach and detach keys', { skip }, () => {
  let d: TestDaemon
  before(async () => {
    d = await TestDaemon.start()
  })
  after(async () => {
    await d?.stop()
  })

  it('detaches on ctrl-p,ctrl-q and on custom keys; the container runs on; events emitted', async () => {
    const id = (await d.docker(['run', '-d', '-it', 'busybox', 'sh'])).stdout.trim()
    try {
      const since = Math.floor(Date.now() / 1000) - 1
      for (const [query, keys] of [
        ['', '\x10\x11'],
        ['&detachKeys=ctrl-x,y', '\x18y'],
      ] as const) {
        const sock = await attach(d.socket, id, query)
        let out = ''
        sock.on('data', (c: Buffer) => {
          out += c.toString()
        })
        const closed = new Promise<void>((r) => sock.once('close', () => r()))
        sock.write('echo hel""lo\r')
        for (let i = 0; i < 50 && !out.includes('hello'); i++) await new Promise((r) => setTimeout(r, 100))
        assert.match(out, /hello/)
        sock.write(keys)
        await Promise.race([
          closed,
          new Promise((_, rej) => setTimeout(() => rej(new Error('not detached')), 5000)),
        ])
      }
      const state = JSON.parse((await d.docker(['inspect', id])).stdout)[0].State
      assert.equal(state.Running, true)
      assert.equal((await d.api('POST', `/containers/${id}/resize?h=30&w=100`)).status, 200)
      const ev = await d.docker([
        'events',
        '--since',
        String(since),
        '--until',
        String(Math.ceil(Date.now() / 1000) + 1),
        '--filter',
        `container=${id}`,
        '--format',
        '{{.Action}}',
      ])
      const actions = ev.stdout.trim().split('\n')
      assert.equal(actions.filter((a) => a === 'detach').length, 2, ev.stdout)
      assert.ok(actions.includes('resize'), ev.stdout)
    } finally {
      await d.docker(['rm', '-f', id])
    }
  })
})
