import assert from 'node:assert/strict'
import { createSocket } from 'node:dgram'
import { once } from 'node:events'
import { connect, createServer } from 'node:net'
import { describe, it } from 'node:test'
import { LoopbackProxy, needsProxy } from './loopback-proxy.ts'
import { canBind, PortAllocatedError } from './ports.ts'

const free = async (proto: 'tcp' | 'udp'): Promise<number> => {
  for (;;) {
    const p = 30000 + Math.floor(Math.random() * 30000)
    if (await canBind(proto, '::1', p)) return p
  }
}

describe('loopback proxy', () => {
  it('takes only TCP/UDP ports on IPv6 loopback', () => {
    assert.equal(needsProxy({ proto: 'tcp', hostIp: '::1' }), true)
    assert.equal(needsProxy({ proto: 'udp', hostIp: '0:0:0:0:0:0:0:1' }), true)
    assert.equal(needsProxy({ proto: 'tcp', hostIp: '127.0.0.1' }), false)
    assert.equal(needsProxy({ proto: 'tcp', hostIp: '::' }), false)
    assert.equal(needsProxy({ proto: 'sctp', hostIp: '::1' }), false)
  })

  it('relays TCP both ways with half-close, refuses a taken port, and closes', async () => {
    const server = createServer({ allowHalfOpen: true }, (s) => {
      const chunks: Buffer[] = []
      s.on('data', (c: Buffer) => chunks.push(c))
      s.on('end', () => s.end(Buffer.concat(chunks).toString().toUpperCase()))
    })
    server.listen(0, '127.0.0.1')
    await once(server, 'listening')
    const target = (server.address() as { port: number }).port
    const hostPort = await free('tcp')
    const port = {
      proto: 'tcp' as const,
      hostIp: '::1',
      hostPort,
      containerPort: target,
      containerIp: '127.0.0.1',
    }
    const proxy = new LoopbackProxy()
    try {
      await proxy.add([port])
      const c = connect({ host: '::1', port: hostPort, allowHalfOpen: true })
      c.end('hello')
      const parts: Buffer[] = []
      c.on('data', (b: Buffer) => parts.push(b))
      await once(c, 'end')
      assert.equal(Buffer.concat(parts).toString(), 'HELLO')
      await assert.rejects(new LoopbackProxy().add([port]), PortAllocatedError)
    } finally {
      proxy.remove([port])
      server.close()
    }
    await new Promise((r) => setTimeout(r, 50))
    assert.equal(await canBind('tcp', '::1', hostPort), true)
  })

  it('relays UDP datagrams and their replies', async () => {
    const echo = createSocket('udp4')
    echo.bind(0, '127.0.0.1')
    await once(echo, 'listening')
    echo.on('message', (m, r) => echo.send(String(m).toUpperCase(), r.port, r.address))
    const hostPort = await free('udp')
    const port = {
      proto: 'udp' as const,
      hostIp: '::1',
      hostPort,
      containerPort: echo.address().port,
      containerIp: '127.0.0.1',
    }
    const proxy = new LoopbackProxy()
    const client = createSocket('udp6')
    try {
      await proxy.add([port])
      client.send('ping', hostPort, '::1')
      const [reply] = await once(client, 'message')
      assert.equal(String(reply), 'PING')
    } finally {
      client.close()
      proxy.closeAll()
      echo.close()
    }
  })
})
