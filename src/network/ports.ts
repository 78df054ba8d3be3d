// Published ports: HostConfig.PortBindings (-p) and, with PublishAllPorts (-P), the image's
// ExposedPorts become PortMappings; host ports are checked by binding a socket (Docker's
// "port is already allocated"), ephemeral ones come from the kernel (bind to port 0).
import { createSocket } from 'node:dgram'
import { createServer, isIPv6 } from 'node:net'
import { InternalError, InvalidArgumentError } from '../lib/errors.ts'
import type { PortMapping } from './types.ts'

export interface PortRequest {
  proto: 'tcp' | 'udp' | 'sctp'
  containerPort: number
  hostIp: string
  /** Inclusive range; [0, 0] = any ephemeral port. */
  hostPorts: [number, number]
}

export class PortAllocatedError extends InternalError {}

/** "80/tcp" → { port: 80, proto: 'tcp' }. @throws InvalidArgumentError. */
export function parsePortKey(key: string): { port: number; proto: PortRequest['proto'] } {
  const [p = '', proto = 'tcp'] = key.split('/')
  const port = Number(p)
  if (!/^\d+$/.test(p) || port < 1 || port > 65535)
    throw new InvalidArgumentError(`invalid port specification: "${key}"`)
  if (proto !== 'tcp' && proto !== 'udp' && proto !== 'sctp')
    throw new InvalidArgumentError(`invalid proto: ${proto}`)
  return { port, proto }
}

function parseHostPort(s: string | undefined): [number, number] {
  if (!s) return [0, 0]
  const [a = '', b = a] = s.split('-')
  const lo = Number(a)
  const hi = Number(b)
  if (!/^\d+$/.test(a) || !/^\d+$/.test(b) || lo > hi || hi > 65535)
    throw new InvalidArgumentError(`invalid hostPort: ${s}`)
  return [lo, hi]
}

/** The port requests of a container: its bindings, plus every exposed port with publishAll. */
export function portRequests(
  bindings: Record<string, Array<{ HostIp?: string; HostPort?: string }> | null> | undefined,
  exposed: Record<string, unknown> | undefined,
  opts: { publishAll: boolean; defaultHostIp: string },
): PortRequest[] {
  const out: PortRequest[] = []
  for (const [key, list] of Object.entries(bindings ?? {})) {
    const { port, proto } = parsePortKey(key)
    for (const b of list ?? [{}]) {
      out.push({
        proto,
        containerPort: port,
        hostIp: b.HostIp || opts.defaultHostIp,
        hostPorts: parseHostPort(b.HostPort),
      })
    }
  }
  if (opts.publishAll) {
    for (const key of Object.keys(exposed ?? {})) {
      const { port, proto } = parsePortKey(key)
      if (out.some((r) => r.containerPort === port && r.proto === proto)) continue
      out.push({ proto, containerPort: port, hostIp: opts.defaultHostIp, hostPorts: [0, 0] })
    }
  }
  return out
}

/** Allocates host ports for `reqs`, skipping those in `inUse` ("proto/ip/port" keys of berth's
 *  own mappings) and those another process holds.
 *  @throws PortAllocatedError (nothing is allocated then). */
export async function allocatePorts(reqs: PortRequest[], inUse: Set<string>): Promise<PortMapping[]> {
  const out: PortMapping[] = []
  const taken = new Set(inUse)
  for (const r of reqs) {
    const hostIp = r.hostIp || '0.0.0.0'
    let hostPort = 0
    if (r.hostPorts[0] === 0) {
      hostPort = await ephemeralPort(r.proto, hostIp, taken)
    } else {
      for (let p = r.hostPorts[0]; p <= r.hostPorts[1] && hostPort === 0; p++) {
        if (!isTaken(taken, r.proto, hostIp, p) && (await canBind(r.proto, hostIp, p))) hostPort = p
      }
      if (hostPort === 0) {
        const shown =
          r.hostPorts[0] === r.hostPorts[1] ? `${r.hostPorts[0]}` : `${r.hostPorts[0]}-${r.hostPorts[1]}`
        throw new PortAllocatedError(`Bind for ${hostIp}:${shown} failed: port is already allocated`)
      }
    }
    taken.add(portKey(r.proto, hostIp, hostPort))
    out.push({ proto: r.proto, hostIp, hostPort, containerPort: r.containerPort })
  }
  return out
}

export function portKey(proto: string, hostIp: string, port: number): string {
  return `${proto}/${hostIp || '0.0.0.0'}/${port}`
}

function isTaken(taken: Set<string>, proto: string, ip: string, port: number): boolean {
  // A wildcard binding conflicts with every address, and every address with the wildcard.
  if (taken.has(portKey(proto, ip, port)) || taken.has(portKey(proto, '0.0.0.0', port))) return true
  if (ip !== '0.0.0.0') return false
  const suffix = `/${port}`
  return [...taken].some((k) => k.startsWith(`${proto}/`) && k.endsWith(suffix))
}

async function ephemeralPort(proto: PortRequest['proto'], ip: string, taken: Set<string>): Promise<number> {
  for (let i = 0; i < 20; i++) {
    const p = await bindAny(proto, ip)
    if (!isTaken(taken, proto, ip, p)) return p
  }
  throw new PortAllocatedError(`no free ephemeral port for ${ip}`)
}

function bindAny(proto: PortRequest['proto'], ip: string): Promise<number> {
  return new Promise((resolve, reject) => {
    if (proto === 'udp') {
      const s = createSocket(isIPv6(ip) ? 'udp6' : 'udp4')
      s.once('error', reject)
      s.bind(0, ip, () => {
        const port = s.address().port
        s.close(() => resolve(port))
      })
      return
    }
    const srv = createServer()
    srv.once('error', reject)
    srv.listen({ port: 0, host: ip, exclusive: true }, () => {
      const a = srv.address()
      srv.close(() => resolve(typeof a === 'object' && a ? a.port : 0))
    })
  })
}

/** True when nothing on the host holds ip:port for this protocol. */
export function canBind(proto: PortRequest['proto'], ip: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    if (proto === 'udp') {
      const s = createSocket(isIPv6(ip) ? 'udp6' : 'udp4')
      s.once('error', () => resolve(false))
      s.bind(port, ip, () => s.close(() => resolve(true)))
      return
    }
    const srv = createServer()
    srv.once('error', () => resolve(false))
    srv.listen({ port, host: ip, exclusive: true }, () => srv.close(() => resolve(true)))
  })
}
