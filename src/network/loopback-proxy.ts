// A userland proxy inside berthd for ports published on IPv6 loopback (`-p [::1]:8080:80`):
// IPv6 has no route_localnet, so the kernel cannot DNAT ::1 to a container (Docker uses its
// docker-proxy there too). TCP connections are piped both ways (half-close kept); UDP datagrams
// are relayed through one upstream socket per client, dropped after UDP_IDLE_MS without traffic.
// Listeners start and stop with the ports (LinuxKernel.addPorts/removePorts) and are re-opened at
// daemon start for containers still running, the way the firewall's port map is rebuilt.
import { createSocket, type RemoteInfo, type Socket as UdpSocket } from 'node:dgram'
import { once } from 'node:events'
import { connect, createServer, isIPv6, type Server, type Socket } from 'node:net'
import type { FirewallPort } from './firewall.ts'
import { canonicalIp6 } from './ipnet6.ts'
import { PortAllocatedError } from './ports.ts'

/** Docker's docker-proxy keeps a UDP "connection" this long without traffic. */
const UDP_IDLE_MS = 90_000
const MAX_UDP_CLIENTS = 1024

/** Whether the kernel cannot publish this port and the proxy must: IPv6 loopback, TCP or UDP. */
export function needsProxy(p: { hostIp: string; proto: string }): boolean {
  if (p.proto !== 'tcp' && p.proto !== 'udp') return false
  return p.hostIp.includes(':') && canonicalIp6(p.hostIp.replace(/^\[|\]$/g, '')) === '::1'
}

const keyOf = (p: FirewallPort) => `${p.proto}/${p.hostPort}`

interface Listener {
  close(): void
}

export class LoopbackProxy {
  readonly #listeners = new Map<string, Listener>()

  /** Opens a listener on [::1]:hostPort for each port that needs one (others are ignored);
   *  already open ones are kept. @throws PortAllocatedError when the port is taken (the
   *  listeners this call opened are closed again). */
  async add(ports: FirewallPort[]): Promise<void> {
    const opened: string[] = []
    try {
      for (const p of ports.filter(needsProxy)) {
        const key = keyOf(p)
        if (this.#listeners.has(key)) continue
        const target = { host: p.containerIp6 || p.containerIp, port: p.containerPort }
        this.#listeners.set(
          key,
          p.proto === 'tcp' ? await tcpProxy(p.hostPort, target) : await udpProxy(p.hostPort, target),
        )
        opened.push(key)
      }
    } catch (err) {
      for (const key of opened) this.#close(key)
      throw err
    }
  }

  /** Closes the listeners of these ports (and their connections). Idempotent. */
  remove(ports: FirewallPort[]): void {
    for (const p of ports.filter(needsProxy)) this.#close(keyOf(p))
  }

  closeAll(): void {
    for (const key of [...this.#listeners.keys()]) this.#close(key)
  }

  #close(key: string): void {
    this.#listeners.get(key)?.close()
    this.#listeners.delete(key)
  }
}

type Target = { host: string; port: number }

async function tcpProxy(port: number, target: Target): Promise<Listener> {
  const conns = new Set<Socket>()
  const server: Server = createServer({ allowHalfOpen: true }, (client) => {
    const upstream = connect({ host: target.host, port: target.port, allowHalfOpen: true })
    for (const s of [client, upstream]) {
      conns.add(s)
      s.on('close', () => conns.delete(s))
      // Either side failing ends both (the peer sees a reset, as through docker-proxy).
      s.on('error', () => {
        client.destroy()
        upstream.destroy()
      })
    }
    client.pipe(upstream)
    upstream.pipe(client)
  })
  server.listen({ host: '::1', port, exclusive: true })
  await bound(server, port)
  return {
    close: () => {
      server.close()
      for (const s of conns) s.destroy()
    },
  }
}

async function udpProxy(port: number, target: Target): Promise<Listener> {
  const front = createSocket({ type: 'udp6' })
  front.bind(port, '::1')
  await bound(front, port)
  const clients = new Map<string, { sock: UdpSocket; timer: NodeJS.Timeout }>()
  const drop = (key: string) => {
    const c = clients.get(key)
    if (!c) return
    clearTimeout(c.timer)
    c.sock.close()
    clients.delete(key)
  }
  front.on('error', () => undefined)
  front.on('message', (msg: Buffer, from: RemoteInfo) => {
    const key = `${from.address}/${from.port}`
    let c = clients.get(key)
    if (!c) {
      if (clients.size >= MAX_UDP_CLIENTS) drop(clients.keys().next().value!)
      const sock = createSocket({ type: isIPv6(target.host) ? 'udp6' : 'udp4' })
      sock.on('message', (reply: Buffer) => {
        front.send(reply, from.port, from.address)
        touch(key)
      })
      sock.on('error', () => drop(key))
      c = { sock, timer: setTimeout(() => drop(key), UDP_IDLE_MS) }
      clients.set(key, c)
    }
    c.sock.send(msg, target.port, target.host)
    touch(key)
  })
  const touch = (key: string) => {
    const c = clients.get(key)
    if (c) c.timer.refresh()
  }
  return {
    close: () => {
      for (const key of [...clients.keys()]) drop(key)
      front.close()
    },
  }
}

/** Waits until `s` listens; a bind failure becomes Docker's "port is already allocated". */
async function bound(s: Server | UdpSocket, port: number): Promise<void> {
  try {
    await once(s, 'listening')
  } catch (err) {
    try {
      s.close()
    } catch {
      // A socket that never bound has nothing to release.
    }
    throw new PortAllocatedError(
      `Bind for [::1]:${port} failed: port is already allocated (${(err as Error).message})`,
    )
  }
}
