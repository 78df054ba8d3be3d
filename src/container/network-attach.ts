// NetworkAttach: puts containers on networks. At create it validates NetworkMode and the
// EndpointsConfig into the record; at start it reserves endpoints (addresses, ports) and
// writes /etc/hosts and resolv.conf, then plumbs the veths into the namespace runc created;
// at exit it releases them. connect/disconnect do the same for one network at a time.
import { ConflictError, ForbiddenError, InvalidArgumentError } from '../lib/errors.ts'
import type { Logger } from '../lib/log.ts'
import {
  type ContainerNetworking,
  type EndpointRequest,
  INTERNAL_DNS,
  type NetworkRecord,
  type NetworkService,
  NoSuchNetworkError,
  PortAllocatedError,
  portRequests,
  ROUTE_LOCALNET,
} from '../network/index.ts'
import type { ContainerService } from './container-service.ts'
import { type EtcNetworkInfo, updateHostsFile, writeEtcFiles, writeResolvConf } from './etc-files.ts'
import { hostOf, validateRequest } from './network-request.ts'
import type { ContainerRecord, HostConfig } from './types.ts'

export interface NetworkAttachDeps {
  networks: NetworkService
  log: Logger
  /** dockerd --dns ('ip' or 'ip:port'): nameservers of default-bridge containers, upstreams of the embedded DNS. */
  daemonDns: string[]
  /** Whether the embedded DNS serves user-defined networks (their gateway, port 53). */
  embeddedDns: boolean
  /** Finds a container by name or id (links, container: mode), or undefined. */
  container(ref: string): ContainerRecord | undefined
}

export class NetworkAttach {
  readonly #d: NetworkAttachDeps
  /** Disconnect events held until the container's die event (flushEvents). */
  readonly #pending = new Map<string, Array<() => void>>()

  constructor(deps: NetworkAttachDeps) {
    this.#d = deps
  }

  get networks(): NetworkService {
    return this.#d.networks
  }

  /** The networks a new container asks for: NetworkMode (default bridge) plus EndpointsConfig.
   *  @throws NoSuchNetworkError, InvalidArgumentError. */
  forCreate(hc: HostConfig, endpoints: Record<string, EndpointRequest> | undefined): ContainerNetworking {
    const mode = !hc.NetworkMode || hc.NetworkMode === 'default' ? 'bridge' : hc.NetworkMode
    if (mode.startsWith('container:')) {
      if (Object.keys(endpoints ?? {}).length > 0)
        throw new InvalidArgumentError(
          "conflicting options: container type network can't be used with other networks",
        )
      return { networks: {} }
    }
    const out: ContainerNetworking = { networks: {} }
    // As dockerd: an unknown network fails the start ("network x not found"), not the create
    // (the docker CLI would take a 404 on create for a missing image and try to pull it).
    const main = this.#lookup(mode)
    if (!main) {
      out.networks[mode] = { request: endpoints?.[mode] ?? {} }
      return out
    }
    const wanted = { ...(endpoints ?? {}) }
    // The docker CLI names the default network "default" in EndpointsConfig.
    if (wanted.default && mode === 'bridge') {
      wanted.bridge = wanted.default
      delete wanted.default
    }
    const mainReq = wanted[mode] ?? wanted[main.name] ?? wanted[main.id] ?? {}
    out.networks[main.name] = { networkId: main.id, request: mainReq }
    for (const [ref, req] of Object.entries(wanted)) {
      const net = this.#lookup(ref)
      if (!net) {
        out.networks[ref] = { request: req }
        continue
      }
      if (net.id === main.id) continue
      if (main.driver !== 'bridge' || net.driver !== 'bridge')
        throw new InvalidArgumentError(
          `container cannot be connected to multiple networks with one of the networks in private (none) mode`,
        )
      out.networks[net.name] = { networkId: net.id, request: req }
    }
    for (const [name, { request }] of Object.entries(out.networks)) {
      const net = this.#lookup(name)
      if (net) validateRequest(net, request, hc)
    }
    return out
  }

  #lookup(ref: string): NetworkRecord | undefined {
    try {
      return this.#d.networks.get(ref)
    } catch (err) {
      if (err instanceof NoSuchNetworkError) return undefined
      throw err
    }
  }

  /** Start, before the runtime creates the container: endpoints on every network of the
   *  record, then /etc/hosts and resolv.conf. Releases everything it took when it throws. */
  async reserve(rec: ContainerRecord): Promise<void> {
    const networking = rec.networking
    if (!networking) return
    const t0 = performance.now()
    try {
      let first = true
      let i = 0
      for (const [name, entry] of Object.entries(networking.networks)) {
        const net = this.#d.networks.get(name)
        const ports = first && net.driver === 'bridge' ? this.#portRequests(rec, net) : []
        const ep = await this.#d.networks.endpoints.attach(
          net,
          { id: rec.id, name: rec.name.slice(1) },
          entry.request,
          {
            ifname: `eth${i}`,
            ports,
          },
        )
        if (net.driver === 'bridge') i++
        entry.endpoint = this.#d.networks.endpoints.view(net, ep)
        if (first) networking.ports = ep.ports
        first = false
      }
      await writeEtcFiles(rec, '/etc/resolv.conf', this.#etcInfo(rec))
      this.#d.log.debug('network reserved', {
        id: rec.id,
        ms: Math.round((performance.now() - t0) * 10) / 10,
      })
    } catch (err) {
      await this.release(rec)
      if (err instanceof PortAllocatedError)
        throw new PortAllocatedError(
          `driver failed programming external connectivity on endpoint ${rec.name.slice(1)} (${rec.id}): ${err.message}`,
        )
      throw err
    }
  }

  #portRequests(rec: ContainerRecord, net: NetworkRecord) {
    return portRequests(rec.hostConfig.PortBindings, rec.config.ExposedPorts, {
      publishAll: rec.hostConfig.PublishAllPorts === true,
      defaultHostIp: net.hostBindingIpv4 === '0.0.0.0' ? '' : net.hostBindingIpv4,
    })
  }

  /** A renamed container answers to its new name in the embedded DNS (and network inspect). */
  renamed(rec: ContainerRecord): void {
    this.#d.networks.endpoints.rename(rec.id, rec.name.slice(1))
    for (const entry of Object.values(rec.networking?.networks ?? {}))
      if (entry.endpoint)
        entry.endpoint.dnsNames = entry.endpoint.dnsNames.map((n, i) => (i === 0 ? rec.name.slice(1) : n))
  }

  /** Publishes the disconnect events release() held for this container. */
  flushEvents(containerId: string): void {
    const held = this.#pending.get(containerId) ?? []
    this.#pending.delete(containerId)
    for (const announce of held) announce()
  }

  /** Start, once the runtime has created the container's namespace (before its process runs). */
  async plumb(rec: ContainerRecord, pid: number): Promise<void> {
    const t0 = performance.now()
    // Inspect's SandboxKey: tools nsenter into it.
    if (rec.networking && Object.keys(rec.networking.networks).length > 0)
      rec.netnsPath = `/proc/${pid}/ns/net`
    let first = true
    const dnsNet = this.#dnsNetwork(rec)
    for (const name of Object.keys(rec.networking?.networks ?? {})) {
      const net = this.#d.networks.get(name)
      const dns = net.id === dnsNet?.id
      await this.#d.networks.endpoints.plumb(net, rec.id, pid, { defaultRoute: first, dns })
      if (net.driver === 'bridge' && !net.internal) first = false
    }
    this.#d.log.debug('network plumbed', { id: rec.id, ms: Math.round((performance.now() - t0) * 10) / 10 })
  }

  /** Exit, stop, failed start, removal: gives back addresses and ports. Idempotent. */
  async release(rec: ContainerRecord, opts: { pid?: number; deferEvents?: boolean } = {}): Promise<void> {
    const networking = rec.networking
    if (!networking) return
    // The record forgets its endpoints synchronously, so a save racing with this sees them gone.
    const nets: NetworkRecord[] = []
    for (const [name, entry] of Object.entries(networking.networks)) {
      const net = this.#find(name, entry.endpoint?.networkId)
      if (net) nets.push(net)
      entry.endpoint = undefined
    }
    networking.ports = undefined
    rec.netnsPath = undefined
    const t0 = performance.now()
    const quiet = opts.deferEvents === true
    const announce = await Promise.all(
      nets.map((net) => this.#d.networks.endpoints.detach(net, rec.id, { pid: opts.pid, quiet })),
    )
    const held = announce.filter((a) => a !== undefined)
    if (held.length > 0) this.#pending.set(rec.id, [...(this.#pending.get(rec.id) ?? []), ...held])
    this.#d.log.debug('network released', { id: rec.id, ms: Math.round((performance.now() - t0) * 10) / 10 })
  }

  /** Sysctls of the container's new network namespace (after reserve): route_localnet when
   *  127.0.0.11 serves it (internal-dns.ts). */
  namespaceSysctls(rec: ContainerRecord): Record<string, string> | undefined {
    return this.#dnsNetwork(rec) ? { ...ROUTE_LOCALNET } : undefined
  }

  /** The network whose embedded DNS serves the container at 127.0.0.11: its first user-defined
   *  bridge network with an endpoint (Docker starts the sandbox's resolver on the first endpoint
   *  that needs one). Undefined on host/none/the default bridge only: then resolv.conf lists
   *  real nameservers. */
  #dnsNetwork(rec: ContainerRecord): NetworkRecord | undefined {
    if (!this.#d.embeddedDns) return undefined
    for (const [name, entry] of Object.entries(rec.networking?.networks ?? {})) {
      if (!entry.endpoint) continue
      const net = this.#find(name, entry.endpoint.networkId)
      if (net && !net.predefined && net.driver === 'bridge' && net.subnets[0]?.gateway) return net
    }
    return undefined
  }

  #find(name: string, id: string | undefined): NetworkRecord | undefined {
    return this.#d.networks.all().find((n) => n.id === id || n.name === name)
  }

  /** Connects a container to a network; a running one gets its interface at once.
   *  @throws ForbiddenError if already connected; NotFound errors for unknown refs. */
  async connect(rec: ContainerRecord, netRef: string, req: EndpointRequest): Promise<void> {
    const net = this.#d.networks.get(netRef)
    if (!rec.networking) rec.networking = { networks: {} }
    const networking = rec.networking
    const mode = rec.hostConfig.NetworkMode
    if (mode === 'host' || mode === 'none' || mode.startsWith('container:') || net.driver !== 'bridge')
      throw new ForbiddenError(
        `container sharing network namespace with another container or host cannot be connected to any other network`,
      )
    if (networking.networks[net.name])
      throw new ForbiddenError(
        `endpoint with name ${rec.name.slice(1)} already exists in network ${net.name}`,
      )
    validateRequest(net, req, rec.hostConfig)
    const running = rec.state.status === 'running' || rec.state.status === 'paused'
    networking.networks[net.name] = { networkId: net.id, request: req }
    if (!running) return
    const used = new Set(
      Object.values(networking.networks).map((e) => e.endpoint && this.#ifnameOf(rec, e.endpoint.networkId)),
    )
    let n = 0
    while (used.has(`eth${n}`)) n++
    const dnsBefore = this.#dnsNetwork(rec)
    let ep: Awaited<ReturnType<NetworkService['endpoints']['attach']>>
    try {
      ep = await this.#d.networks.endpoints.attach(net, { id: rec.id, name: rec.name.slice(1) }, req, {
        ifname: `eth${n}`,
        ports: [],
      })
      networking.networks[net.name]!.endpoint = this.#d.networks.endpoints.view(net, ep)
      await this.#d.networks.endpoints.plumb(net, rec.id, rec.state.pid, { defaultRoute: false })
    } catch (err) {
      await this.#d.networks.endpoints.detach(net, rec.id, { pid: rec.state.pid })
      delete networking.networks[net.name]
      throw err
    }
    await this.#afterChange(rec, 'add', net, ep, dnsBefore)
  }

  /** /etc/hosts gains (loses) the container's addresses on the network, as Docker's sandbox
   *  join (leave) does; the first user-defined network also switches resolv.conf to 127.0.0.11;
   *  losing the network whose DNS served 127.0.0.11 re-points it at the next one. */
  async #afterChange(
    rec: ContainerRecord,
    op: 'add' | 'delete',
    net: NetworkRecord,
    ep: { ipv4: string; ipv6?: string },
    dnsBefore: NetworkRecord | undefined,
  ): Promise<void> {
    const addresses = [ep.ipv4, ep.ipv6 ?? ''].filter(Boolean)
    try {
      await updateHostsFile(rec, op, addresses)
      const dnsAfter = this.#dnsNetwork(rec)
      const { endpoints } = this.#d.networks
      if (op === 'add' && !dnsBefore && dnsAfter) {
        // route_localnet may be on already (an earlier user network): writing it again is harmless.
        await endpoints.pointResolver(dnsAfter, rec.id, rec.state.pid, { sysctl: true })
        await writeResolvConf(rec, '/etc/resolv.conf', this.#etcInfo(rec))
      }
      // Without a user-defined network left, 127.0.0.11 has no route (its interface went): Docker
      // keeps the sandbox's resolver, here queries then fail at once.
      if (op === 'delete' && dnsBefore?.id === net.id && dnsAfter)
        await endpoints.pointResolver(dnsAfter, rec.id, rec.state.pid, { sysctl: false })
    } catch (err) {
      // The endpoint itself is in place; Docker only warns when the files cannot be updated.
      this.#d.log.warn('updating /etc/hosts or the DNS of a running container failed', {
        id: rec.id,
        err: String(err),
      })
    }
  }

  #ifnameOf(rec: ContainerRecord, networkId: string): string | undefined {
    const net = this.#d.networks.all().find((n) => n.id === networkId)
    return net?.endpoints[rec.id]?.ifname
  }

  /** @throws ConflictError when the container is not on that network. */
  async disconnect(rec: ContainerRecord, netRef: string, _opts: { force: boolean }): Promise<void> {
    const net = this.#d.networks.get(netRef)
    const entry = rec.networking?.networks[net.name]
    if (!entry) throw new ConflictError(`container ${rec.id} is not connected to network ${net.name}`)
    const running = rec.state.status === 'running' || rec.state.status === 'paused'
    const ep = net.endpoints[rec.id]
    const dnsBefore = running ? this.#dnsNetwork(rec) : undefined
    await this.#d.networks.endpoints.detach(net, rec.id, running ? { pid: rec.state.pid } : {})
    delete rec.networking!.networks[net.name]
    if (running && ep) await this.#afterChange(rec, 'delete', net, ep, dnsBefore)
  }

  #etcInfo(rec: ContainerRecord): EtcNetworkInfo {
    const entries = Object.entries(rec.networking?.networks ?? {})
    const addresses = entries
      .flatMap(([, e]) => [e.endpoint?.ipAddress, e.endpoint?.ipv6Address])
      .filter((a): a is string => !!a)
    const bridge = this.#d.networks.all().find((n) => n.name === 'bridge')
    const mainNet = entries[0] ? this.#d.networks.get(entries[0][0]) : undefined
    return {
      addresses,
      links: mainNet?.name === 'bridge' ? this.#links(rec) : [],
      hostGateway: bridge?.subnets[0]?.gateway,
      internalResolver: this.#dnsNetwork(rec) ? INTERNAL_DNS : undefined,
      defaultDns: this.#d.daemonDns.map(hostOf),
    }
  }

  /** --link other:alias on the default bridge: "<ip>\talias other" lines. */
  #links(rec: ContainerRecord): string[] {
    const out: string[] = []
    for (const l of (rec.hostConfig.Links as string[] | null | undefined) ?? []) {
      const [target = '', aliasPath = ''] = l.split(':')
      const other = this.#d.container(target.replace(/^\//, ''))
      const ip = other?.networking?.networks.bridge?.endpoint?.ipAddress
      if (!other || !ip) continue
      const alias = aliasPath.split('/').pop() ?? ''
      const names = [alias, other.config.Hostname, other.name.slice(1)].filter(
        (x, i, a) => x && a.indexOf(x) === i,
      )
      out.push(`${ip}\t${names.join(' ')}`)
    }
    return out
  }

  /** Upstream resolvers of the embedded DNS for a client: its --dns, else dockerd --dns, else
   *  the host's non-loopback resolvers. */
  upstreams(scope: string, clientIp: string, hostResolvers: string[]): string[] {
    const ctr = this.#client(scope, clientIp)
    if (ctr?.hostConfig.Dns?.length) return ctr.hostConfig.Dns
    if (this.#d.daemonDns.length) return this.#d.daemonDns
    return hostResolvers
  }

  /** The querying container's --dns-search domains: the embedded DNS strips them from names. */
  searchDomains(scope: string, clientIp: string): string[] {
    return this.#client(scope, clientIp)?.hostConfig.DnsSearch ?? []
  }

  #client(scope: string, clientIp: string): ContainerRecord | undefined {
    const net = this.#d.networks.all().find((n) => n.id === scope)
    const ep = net && Object.values(net.endpoints).find((e) => e.ipv4 === clientIp)
    return ep ? this.#d.container(ep.containerId) : undefined
  }
}

/** connect/disconnect by reference, under the container's lock, saving its record. */
export class NetworkConnectService {
  readonly #attach: NetworkAttach
  readonly #containers: ContainerService

  constructor(attach: NetworkAttach, containers: ContainerService) {
    this.#attach = attach
    this.#containers = containers
  }

  /** @throws NoSuchNetworkError, NoSuchContainer (404), ForbiddenError (already connected). */
  async connect(netRef: string, ctrRef: string, req: EndpointRequest): Promise<void> {
    this.#attach.networks.get(netRef)
    const rec = this.#containers.get(ctrRef)
    await this.#containers.withLock(rec.id, async () => {
      await this.#attach.connect(rec, netRef, req)
      await this.#containers.deps.store.save(rec)
    })
  }

  async disconnect(netRef: string, ctrRef: string, opts: { force: boolean }): Promise<void> {
    this.#attach.networks.get(netRef)
    const rec = this.#containers.get(ctrRef)
    await this.#containers.withLock(rec.id, async () => {
      await this.#attach.disconnect(rec, netRef, opts)
      await this.#containers.deps.store.save(rec)
    })
  }
}
