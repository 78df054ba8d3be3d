// Endpoints: a container's place on a network. attach() reserves an address (IPAM), MAC,
// interface names and host ports, persisted in the network record; plumb() does the kernel
// work once the container's namespace exists; detach() undoes both. Also the names the
// embedded DNS answers (records()).
import type { Publisher } from '../events/index.ts'
import { ForbiddenError } from '../lib/errors.ts'
import { newId, shortId } from '../lib/ids.ts'
import type { Logger } from '../lib/log.ts'
import type { DnsRecordSource } from './dns/index.ts'
import { ActiveEndpointsError } from './errors.ts'
import type { FirewallPort } from './firewall.ts'
import { allocateIpv4, allocateIpv6, macForIp, subnet6 } from './ipam.ts'
import { canonicalIp6 } from './ipnet6.ts'
import type { NetworkKernel } from './kernel.ts'
import { allocatePorts, type PortRequest, portKey } from './ports.ts'
import type {
  ContainerEndpoint,
  EndpointRecord,
  EndpointRequest,
  NetworkRecord,
  PortMapping,
} from './types.ts'

export interface EndpointsDeps {
  kernel: NetworkKernel
  publisher: Publisher
  log: Logger
  save(net: NetworkRecord): Promise<void>
  all(): NetworkRecord[]
}

export class Endpoints {
  readonly #d: EndpointsDeps
  /** Serialises host-port allocation (it awaits socket binds). */
  #portLock: Promise<unknown> = Promise.resolve()
  readonly #saving = new Map<string, Promise<void>>()

  constructor(deps: EndpointsDeps) {
    this.#d = deps
  }

  /** Reserves an endpoint for a container: address (static or from IPAM), MAC, veth names and
   *  host ports. Persisted before it returns. Nothing is kept when it throws.
   *  @throws InvalidArgumentError/ConflictError (static address), PortAllocatedError,
   *  ForbiddenError (container already on the network). */
  async attach(
    net: NetworkRecord,
    ctr: { id: string; name: string },
    req: EndpointRequest,
    opts: { ifname: string; ports: PortRequest[] },
  ): Promise<EndpointRecord> {
    if (net.endpoints[ctr.id])
      throw new ForbiddenError(`endpoint with name ${ctr.name} already exists in network ${net.name}`)
    const endpointId = newId()
    const addr = net.driver === 'bridge' ? allocateIpv4(net, req.ipv4Address) : undefined
    const addr6 = net.driver === 'bridge' ? allocateIpv6(net, req.ipv6Address) : undefined
    const ep: EndpointRecord = {
      containerId: ctr.id,
      name: ctr.name,
      endpointId,
      ipv4: addr?.ip ?? '',
      ...(addr6 ? { ipv6: addr6.ip } : {}),
      macAddress: addr ? req.macAddress || macForIp(addr.ip) : '',
      ifname: opts.ifname,
      hostVeth: `veth${endpointId.slice(0, 11)}`,
      aliases: req.aliases ?? [],
      ports: [],
    }
    net.endpoints[ctr.id] = ep // reserves the address before any await
    try {
      if (opts.ports.length > 0) ep.ports = await this.#allocatePorts(opts.ports)
      await this.#save(net)
    } catch (err) {
      delete net.endpoints[ctr.id]
      throw err
    }
    this.#d.publisher.publish('network', 'connect', net.id, {
      container: ctr.id,
      name: net.name,
      type: net.driver,
    })
    return ep
  }

  #allocatePorts(reqs: PortRequest[]): Promise<EndpointRecord['ports']> {
    const next = this.#portLock.then(() => allocatePorts(reqs, this.portsInUse()))
    this.#portLock = next.catch(() => undefined)
    return next
  }

  /** "proto/ip/port" of every host port berth has published. */
  portsInUse(): Set<string> {
    const out = new Set<string>()
    for (const n of this.#d.all())
      for (const e of Object.values(n.endpoints))
        for (const p of e.ports) out.add(portKey(p.proto, p.hostIp, p.hostPort))
    return out
  }

  /** Creates the veth pair in the namespace of `pid` and publishes the endpoint's ports. With
   *  `dns`, 127.0.0.11 in that namespace also leads to this network's embedded DNS (the
   *  namespace has route_localnet on: internal-dns.ts). */
  async plumb(
    net: NetworkRecord,
    containerId: string,
    pid: number,
    opts: { defaultRoute: boolean; dns?: boolean },
  ): Promise<void> {
    const ep = net.endpoints[containerId]
    if (!ep || net.driver !== 'bridge') return
    const sub = net.subnets[0]!
    const sub6 = ep.ipv6 ? subnet6(net) : undefined
    const route = opts.defaultRoute && !net.internal
    await Promise.all([
      this.#d.kernel.addVeth({
        pid,
        bridge: net.bridge!,
        hostVeth: ep.hostVeth,
        ifname: ep.ifname,
        mac: ep.macAddress,
        address: `${ep.ipv4}/${sub.subnet.split('/')[1]}`,
        mtu: net.mtu,
        gateway: route ? sub.gateway : undefined,
        ...(opts.dns ? { resolver: { server: sub.gateway, source: ep.ipv4 } } : {}),
        ...(sub6
          ? {
              address6: `${ep.ipv6}/${sub6.subnet.split('/')[1]}`,
              gateway6: route ? sub6.gateway : undefined,
            }
          : {}),
      }),
      this.#d.kernel.addPorts(ep.ports.map((p) => portOf(p, ep))),
    ])
  }

  /** Points 127.0.0.11 of a running container at the embedded DNS of `net` (connect and
   *  disconnect change which network serves it); `sysctl` when it had none before. */
  async pointResolver(
    net: NetworkRecord,
    containerId: string,
    pid: number,
    opts: { sysctl: boolean },
  ): Promise<void> {
    const ep = net.endpoints[containerId]
    if (!ep || net.driver !== 'bridge') return
    const to = { server: net.subnets[0]!.gateway, ifname: ep.ifname, source: ep.ipv4 }
    await this.#d.kernel.pointResolver(pid, to, opts)
  }

  /** Releases a container's endpoint: ports, veth (when `pid` still runs), address. Idempotent.
   *  With `quiet`, the disconnect event is not published but returned (Docker reports it after
   *  the container's die event). */
  async detach(
    net: NetworkRecord,
    containerId: string,
    opts: { pid?: number; quiet?: boolean } = {},
  ): Promise<(() => void) | undefined> {
    const ep = net.endpoints[containerId]
    if (!ep) return undefined
    delete net.endpoints[containerId]
    // Not awaited (it sits on every container exit): a crash before it lands leaves an endpoint
    // of a stopped container, which NetworkService.init drops.
    this.#save(net).catch((err) =>
      this.#d.log.warn('network record save failed', { network: net.name, err: String(err) }),
    )
    const work: Promise<unknown>[] = []
    if (ep.ports.length > 0) work.push(this.#d.kernel.removePorts(ep.ports.map((p) => portOf(p, ep))))
    if (opts.pid && net.driver === 'bridge')
      work.push(this.#d.kernel.delVeth(opts.pid, ep.ifname, ep.hostVeth))
    const results = await Promise.allSettled(work)
    for (const r of results)
      if (r.status === 'rejected')
        this.#d.log.warn('endpoint cleanup failed', { network: net.name, err: String(r.reason) })
    const announce = () =>
      this.#d.publisher.publish('network', 'disconnect', net.id, {
        container: containerId,
        name: net.name,
        type: net.driver,
      })
    if (opts.quiet) return announce
    announce()
    return undefined
  }

  /** Renames a container's endpoints (DNS answers the new name). */
  rename(containerId: string, name: string): void {
    for (const n of this.#d.all()) {
      const ep = n.endpoints[containerId]
      if (!ep) continue
      ep.name = name
      this.#save(n).catch((err) =>
        this.#d.log.warn('network record save failed', { network: n.name, err: String(err) }),
      )
    }
  }

  /** Drops endpoints of containers that are not running (a crash between exit and save).
   *  Returns the networks it changed. */
  dropStale(active: (containerId: string) => boolean): NetworkRecord[] {
    const changed: NetworkRecord[] = []
    for (const n of this.#d.all()) {
      const stale = Object.keys(n.endpoints).filter((id) => !active(id))
      for (const id of stale) delete n.endpoints[id]
      if (stale.length > 0) changed.push(n)
    }
    return changed
  }

  /** @throws ActiveEndpointsError when containers are still attached. */
  assertUnused(net: NetworkRecord): void {
    if (Object.keys(net.endpoints).length > 0) throw new ActiveEndpointsError(net.name, net.id)
  }

  /** What a container record shows for this endpoint (inspect's EndpointSettings). */
  view(net: NetworkRecord, ep: EndpointRecord): ContainerEndpoint {
    const sub = net.subnets[0]
    const sub6 = ep.ipv6 ? subnet6(net) : undefined
    const userDefined = !net.predefined
    return {
      ...(sub6 && ep.ipv6
        ? {
            ipv6Address: ep.ipv6,
            ipv6PrefixLen: Number(sub6.subnet.split('/')[1]),
            ipv6Gateway: sub6.gateway,
          }
        : {}),
      networkId: net.id,
      endpointId: ep.endpointId,
      ipAddress: ep.ipv4,
      prefixLen: ep.ipv4 && sub ? Number(sub.subnet.split('/')[1]) : 0,
      gateway: ep.ipv4 && sub ? sub.gateway : '',
      macAddress: ep.macAddress,
      aliases: ep.aliases,
      dnsNames: userDefined ? [ep.name, shortId(ep.containerId), ...ep.aliases] : [],
    }
  }

  async #save(net: NetworkRecord): Promise<void> {
    // One write at a time per network; each writes the record as it is when it runs.
    const prev = this.#saving.get(net.id) ?? Promise.resolve()
    const next = prev.then(() => this.#d.save(net))
    const tail = next.catch(() => undefined)
    this.#saving.set(net.id, tail)
    void tail.then(() => {
      if (this.#saving.get(net.id) === tail) this.#saving.delete(net.id)
    })
    return next
  }

  /** Names the embedded DNS answers: on user-defined networks, container names, aliases and
   *  ids (short and full), scoped per network. A container attached to several user-defined
   *  networks (found by the query's source address) resolves the names of all of them, its
   *  querying network first, as Docker's does. */
  records(): DnsRecordSource {
    const find = (scope: string) => this.#d.all().find((n) => n.id === scope)
    const hitsOn = (net: NetworkRecord, q: string) =>
      Object.values(net.endpoints).filter(
        (e) =>
          e.name.toLowerCase() === q ||
          e.aliases.some((a) => a.toLowerCase() === q) ||
          (q.length >= 12 && e.containerId.startsWith(q)),
      )
    return {
      lookup: (scope, name, family, clientIp) => {
        const net = find(scope)
        if (!net || net.predefined) return undefined
        const q = name.replace(/\.$/, '').toLowerCase()
        let hits = hitsOn(net, q)
        if (hits.length === 0 && clientIp !== undefined) {
          const client = Object.values(net.endpoints).find((e) => e.ipv4 === clientIp || e.ipv6 === clientIp)
          const others = client
            ? this.#d.all().filter((n) => n.id !== net.id && !n.predefined && n.endpoints[client.containerId])
            : []
          for (const other of others) {
            hits = hitsOn(other, q)
            if (hits.length > 0) break
          }
        }
        if (hits.length === 0) return undefined
        return hits.map((e) => (family === 4 ? e.ipv4 : e.ipv6) ?? '').filter(Boolean)
      },
      reverse: (scope, ip) => {
        const net = find(scope)
        if (!net || net.predefined) return undefined
        const ip6 = ip.includes(':') ? canonicalIp6(ip) : undefined
        const ep = Object.values(net.endpoints).find((e) => e.ipv4 === ip || (ip6 && e.ipv6 === ip6))
        return ep ? `${ep.name}.${net.name}` : undefined
      },
    }
  }
}

/** A published port as the firewall takes it: to the endpoint's IPv4 and IPv6 addresses. */
export function portOf(p: PortMapping, ep: EndpointRecord): FirewallPort {
  return { ...p, containerIp: ep.ipv4, ...(ep.ipv6 ? { containerIp6: ep.ipv6 } : {}) }
}
