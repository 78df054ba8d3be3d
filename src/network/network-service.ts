// NetworkService: networks as objects (create, list, inspect, remove, prune), the predefined
// bridge/host/none networks, and restoring bridges and firewall at daemon start. Endpoints
// (a container's place on a network) are in endpoints.ts; the kernel work is behind
// NetworkKernel; the embedded DNS answers from records() below. IPv6 subnets (EnableIPv6,
// berthd --ipv6 --fixed-cidr-v6) are checked in subnet6.ts and follow the IPv4 one in `subnets`.
import type { Publisher } from '../events/index.ts'
import { ForbiddenError, InvalidArgumentError, NotFoundError } from '../lib/errors.ts'
import { newId } from '../lib/ids.ts'
import type { Logger } from '../lib/log.ts'
import type { DnsListener } from './dns/index.ts'
import { Endpoints, portOf } from './endpoints.ts'
import { NetworkNameInUseError, NoSuchNetworkError } from './errors.ts'
import { labelsMatch, matchesListFilters, type NetworkFilters, olderThan } from './filters.ts'
import type { FirewallNetwork, FirewallPort } from './firewall.ts'
import { subnet6 } from './ipam.ts'
import { contains, overlaps, parseCidr, parseIp, parseIpCidr } from './ipnet.ts'
import { isCidr6 } from './ipnet6.ts'
import type { KernelNetwork, NetworkKernel } from './kernel.ts'
import { type AddressPool, hostRoutes, pickSubnet } from './pool.ts'
import type { NetworkStore } from './store.ts'
import { ipv6SubnetFor } from './subnet6.ts'
import type { NetworkRecord, SubnetConfig } from './types.ts'

export interface NetworkServiceDeps {
  store: NetworkStore
  kernel: NetworkKernel
  publisher: Publisher
  log: Logger
  /** Linux bridge of the default `bridge` network (dockerd -b; default berth0). */
  bridgeName: string
  /** dockerd --bip: the default bridge's gateway address and prefix, e.g. 172.17.0.1/16. */
  bip?: string
  /** dockerd --ipv6 --fixed-cidr-v6: the default bridge's IPv6 subnet (IPv4-only without). */
  fixedCidrV6?: string
  /** Where subnets of new networks come from (dockerd --default-address-pool). */
  pools: AddressPool[]
  /** Default MTU of bridges (dockerd --mtu). */
  mtu?: number
}

export interface NetworkCreateSpec {
  name: string
  driver: string
  internal: boolean
  attachable: boolean
  enableIPv6: boolean
  subnets: Array<{
    subnet?: string
    gateway?: string
    ipRange?: string
    auxAddresses?: Record<string, string>
  }>
  ipamDriver: string
  ipamOptions: Record<string, string>
  options: Record<string, string>
  labels: Record<string, string>
}

const OPT = 'com.docker.network.bridge.'

export class NetworkService {
  readonly #d: NetworkServiceDeps
  readonly #nets = new Map<string, NetworkRecord>()
  readonly endpoints: Endpoints
  #dns?: (scope: string, address: string) => Promise<DnsListener>
  readonly #dnsListeners = new Map<string, DnsListener>()

  constructor(deps: NetworkServiceDeps) {
    this.#d = deps
    this.endpoints = new Endpoints({
      kernel: deps.kernel,
      publisher: deps.publisher,
      log: deps.log,
      save: (n) => this.#d.store.saveEndpoints(n),
      all: () => [...this.#nets.values()],
    })
  }

  /** Serves the embedded DNS on each user-defined network's gateway (call before init). */
  setDns(listen: (scope: string, address: string) => Promise<DnsListener>): void {
    this.#dns = listen
  }

  async #listenDns(n: NetworkRecord): Promise<void> {
    const gw = n.subnets[0]?.gateway
    if (!this.#dns || n.predefined || n.driver !== 'bridge' || !gw || this.#dnsListeners.has(n.id)) return
    try {
      this.#dnsListeners.set(n.id, await this.#dns(n.id, gw))
    } catch (err) {
      this.#d.log.warn('embedded DNS cannot listen', { network: n.name, address: gw, err: String(err) })
    }
  }

  async #closeDns(id: string): Promise<void> {
    const l = this.#dnsListeners.get(id)
    this.#dnsListeners.delete(id)
    await l?.close()
  }

  /** Loads records, makes the predefined networks, restores bridges and the firewall (with the
   *  published ports of containers still running: `active`). */
  async init(opts: { active?: (containerId: string) => boolean } = {}): Promise<void> {
    for (const n of await this.#d.store.load()) this.#nets.set(n.id, n)
    if (opts.active) for (const n of this.endpoints.dropStale(opts.active)) await this.#d.store.save(n)
    for (const driver of ['host', 'null'] as const) {
      const name = driver === 'null' ? 'none' : 'host'
      if (!this.#byName(name)) await this.#add(predefined(name, driver))
    }
    await this.#ensureDefaultBridge()
    const bridges = this.all().filter((n) => n.driver === 'bridge')
    const ports: FirewallPort[] = bridges.flatMap((n) =>
      Object.values(n.endpoints).flatMap((e) => e.ports.map((p) => portOf(p, e))),
    )
    await this.#d.kernel.init(bridges.map(kernelNetOf), ports)
    for (const n of bridges) await this.#listenDns(n)
  }

  async #ensureDefaultBridge(): Promise<void> {
    let net = this.#byName('bridge')
    const bridge = this.#d.bridgeName
    const v6 = this.#d.fixedCidrV6
    const sub6 = v6 ? ipv6SubnetFor(this.all(), true, [{ subnet: v6 }], net?.id) : undefined
    if (
      net &&
      net.bridge === bridge &&
      (!this.#d.bip || sameBip(net, this.#d.bip)) &&
      subnet6(net)?.subnet === sub6?.subnet
    )
      return
    if (net) this.#nets.delete(net.id)
    const sub = this.#d.bip ? subnetFromBip(this.#d.bip) : await this.#freeSubnet()
    net = {
      ...predefined('bridge', 'bridge'),
      id: net?.id ?? newId(),
      bridge,
      enableIPv6: sub6 !== undefined,
      subnets: sub6 ? [sub, sub6] : [sub],
      options: {
        [`${OPT}default_bridge`]: 'true',
        [`${OPT}enable_icc`]: 'true',
        [`${OPT}enable_ip_masquerade`]: 'true',
        [`${OPT}host_binding_ipv4`]: '0.0.0.0',
        [`${OPT}name`]: bridge,
        'com.docker.network.driver.mtu': String(this.#d.mtu ?? 1500),
      },
      endpoints: net?.endpoints ?? {},
    }
    await this.#add(net)
  }

  async #freeSubnet(): Promise<SubnetConfig> {
    const used = [
      ...(await hostRoutes()),
      ...this.all().flatMap((n) =>
        n.subnets.filter((s) => !isCidr6(s.subnet)).map((s) => parseCidr(s.subnet)),
      ),
    ]
    return pickSubnet(this.#d.pools, used)
  }

  async #add(n: NetworkRecord): Promise<void> {
    this.#nets.set(n.id, n)
    await this.#d.store.save(n)
  }

  all(): NetworkRecord[] {
    return [...this.#nets.values()]
  }

  #byName(name: string): NetworkRecord | undefined {
    return this.all().find((n) => n.name === name)
  }

  /** By full id, name, or unique id prefix (Docker's order). @throws NoSuchNetworkError. */
  get(ref: string): NetworkRecord {
    const byId = this.#nets.get(ref)
    if (byId) return byId
    const byName = this.#byName(ref)
    if (byName) return byName
    const prefixed = ref ? this.all().filter((n) => n.id.startsWith(ref)) : []
    if (prefixed.length === 1) return prefixed[0]!
    if (prefixed.length > 1)
      throw new InvalidArgumentError(
        `network ${ref} is ambiguous (${prefixed.length} matches found based on ID prefix)`,
      )
    throw new NoSuchNetworkError(ref)
  }

  list(filters: NetworkFilters = {}): NetworkRecord[] {
    return this.all()
      .filter((n) => matchesListFilters(n, filters, (x) => Object.keys(x.endpoints).length > 0))
      .sort((a, b) => a.created.localeCompare(b.created))
  }

  /** @throws NetworkNameInUseError, ForbiddenError (predefined driver, overlapping pool),
   *  NotFoundError (unknown driver), InvalidArgumentError (bad IPAM config). */
  async create(spec: NetworkCreateSpec): Promise<{ id: string; warning: string }> {
    if (!spec.name) throw new InvalidArgumentError('network name must not be empty')
    if (this.#byName(spec.name) || this.#nets.has(spec.name)) throw new NetworkNameInUseError(spec.name)
    const driver = spec.driver || 'bridge'
    if (driver === 'host' || driver === 'null')
      throw new ForbiddenError(`only one instance of "${driver}" network is allowed`)
    if (driver !== 'bridge') throw new NotFoundError(`plugin "${driver}" not found`)
    if (spec.ipamDriver && spec.ipamDriver !== 'default')
      throw new NotFoundError(`plugin "${spec.ipamDriver}" not found`)
    const id = newId()
    const o = spec.options
    const bridge = o[`${OPT}name`] || `br-${id.slice(0, 12)}`
    if (bridge.length > 15) throw new InvalidArgumentError(`bridge name ${bridge} is too long`)
    if (this.all().some((n) => n.bridge === bridge))
      throw new ForbiddenError(`bridge name ${bridge} is already in use`)
    const v6 = spec.subnets.filter((s) => s.subnet && isCidr6(s.subnet))
    const v4spec = { ...spec, subnets: spec.subnets.filter((s) => !(s.subnet && isCidr6(s.subnet))) }
    const subnet6 = ipv6SubnetFor(this.all(), spec.enableIPv6, v6)
    const subnet = await this.#subnetFor(v4spec)
    const net: NetworkRecord = {
      id,
      name: spec.name,
      driver: 'bridge',
      created: new Date().toISOString(),
      internal: spec.internal,
      attachable: spec.attachable,
      enableIPv6: spec.enableIPv6,
      bridge,
      subnets: subnet6 ? [subnet, subnet6] : [subnet],
      userSubnet: v4spec.subnets.some((s) => s.subnet),
      options: o,
      labels: spec.labels,
      ipamOptions: spec.ipamOptions,
      icc: o[`${OPT}enable_icc`] !== 'false',
      masquerade: o[`${OPT}enable_ip_masquerade`] !== 'false',
      mtu: Number(o['com.docker.network.driver.mtu'] || this.#d.mtu || 1500),
      hostBindingIpv4: o[`${OPT}host_binding_ipv4`] || '0.0.0.0',
      endpoints: {},
      predefined: false,
    }
    await this.#d.kernel.addNetwork(kernelNetOf(net))
    try {
      await this.#add(net)
    } catch (err) {
      await this.#d.kernel.removeNetwork(firewallOf(net)).catch(() => undefined)
      this.#nets.delete(id)
      throw err
    }
    await this.#listenDns(net)
    this.#d.publisher.publish('network', 'create', id, { name: net.name, type: net.driver })
    return { id, warning: '' }
  }

  async #subnetFor(spec: NetworkCreateSpec): Promise<SubnetConfig> {
    const c = spec.subnets[0]
    if (!c?.subnet) {
      if (c?.gateway || c?.ipRange) throw new InvalidArgumentError('ipRange and gateway need a subnet')
      return this.#freeSubnet()
    }
    const cidr = parseCidr(c.subnet)
    for (const n of this.all())
      if (n.subnets.some((s) => !isCidr6(s.subnet) && overlaps(parseCidr(s.subnet), cidr)))
        throw new ForbiddenError('Pool overlaps with other one on this address space')
    const gateway = c.gateway || formatFirst(cidr)
    const gwIp = parseIp(gateway)
    if (gwIp === undefined || !contains(cidr, gwIp))
      throw new InvalidArgumentError(`invalid gateway address ${gateway} for subnet ${c.subnet}`)
    if (c.ipRange) {
      const r = parseCidr(c.ipRange)
      if (!overlaps(r, cidr) || r.prefix < cidr.prefix)
        throw new InvalidArgumentError(`subnet ${c.subnet} does not contain ip-range ${c.ipRange}`)
    }
    return {
      subnet: `${c.subnet.split('/')[0]}/${cidr.prefix}`,
      gateway,
      ipRange: c.ipRange || undefined,
      auxAddresses: c.auxAddresses,
    }
  }

  /** @throws ForbiddenError for predefined networks and networks with active endpoints. */
  async remove(ref: string): Promise<void> {
    const net = this.get(ref)
    if (net.predefined) throw new ForbiddenError(`${net.name} is a pre-defined network and cannot be removed`)
    this.endpoints.assertUnused(net)
    await this.#delete(net)
  }

  async #delete(net: NetworkRecord): Promise<void> {
    this.#nets.delete(net.id)
    await this.#closeDns(net.id)
    await this.#d.kernel.removeNetwork(firewallOf(net))
    await this.#d.store.delete(net.id)
    this.#d.publisher.publish('network', 'destroy', net.id, { name: net.name, type: net.driver })
  }

  /** Removes user-defined networks without endpoints. Returns their names. */
  async prune(filters: NetworkFilters = {}): Promise<string[]> {
    for (const k of Object.keys(filters))
      if (k !== 'until' && k !== 'label' && k !== 'label!')
        throw new InvalidArgumentError(`invalid filter '${k}'`)
    const out: string[] = []
    for (const n of this.list()) {
      if (n.predefined || Object.keys(n.endpoints).length > 0) continue
      if (!olderThan(n.created, filters.until?.[0])) continue
      if (!labelsMatch(n.labels, filters.label ?? [])) continue
      if ((filters['label!'] ?? []).some((l) => labelsMatch(n.labels, [l]))) continue
      await this.#delete(n)
      out.push(n.name)
    }
    return out
  }

  /** Clean shutdown: with no endpoint left anywhere, removes berth's bridges and firewall
   *  table; otherwise keeps everything for the running containers (live restore). */
  async shutdown(): Promise<boolean> {
    for (const id of [...this.#dnsListeners.keys()]) await this.#closeDns(id)
    const bridges = this.all().filter((n) => n.driver === 'bridge')
    if (bridges.some((n) => Object.values(n.endpoints).some((e) => e.ipv4))) return false
    for (const n of bridges) await this.#d.kernel.removeNetwork(firewallOf(n)).catch(() => undefined)
    await this.#d.kernel.destroy(bridges.map((n) => n.bridge!))
    return true
  }
}

function predefined(name: string, driver: NetworkRecord['driver']): NetworkRecord {
  return {
    id: newId(),
    name,
    driver,
    created: new Date().toISOString(),
    internal: false,
    attachable: false,
    enableIPv6: false,
    subnets: [],
    userSubnet: false,
    options: {},
    labels: {},
    ipamOptions: {},
    icc: true,
    masquerade: true,
    mtu: 1500,
    hostBindingIpv4: '0.0.0.0',
    endpoints: {},
    predefined: true,
  }
}

function subnetFromBip(bip: string): SubnetConfig {
  const { ip, cidr } = parseIpCidr(bip)
  const [a, b, c, d] = [ip >>> 24, (ip >>> 16) & 255, (ip >>> 8) & 255, ip & 255]
  const base = [cidr.base >>> 24, (cidr.base >>> 16) & 255, (cidr.base >>> 8) & 255, cidr.base & 255]
  return { subnet: `${base.join('.')}/${cidr.prefix}`, gateway: `${a}.${b}.${c}.${d}` }
}

function sameBip(net: NetworkRecord, bip: string): boolean {
  const s = subnetFromBip(bip)
  return net.subnets[0]?.subnet === s.subnet && net.subnets[0]?.gateway === s.gateway
}

function formatFirst(c: { base: number }): string {
  const n = c.base + 1
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.')
}

export function firewallOf(n: NetworkRecord): FirewallNetwork {
  const v6 = subnet6(n)
  return {
    ...(v6 ? { subnet6: v6.subnet } : {}),
    bridge: n.bridge!,
    subnet: n.subnets[0]?.subnet ?? '',
    gateway: n.predefined ? undefined : n.subnets[0]?.gateway,
    icc: n.icc,
    internal: n.internal,
    masquerade: n.masquerade,
  }
}

function kernelNetOf(n: NetworkRecord): KernelNetwork {
  const sub = n.subnets[0]!
  const v6 = subnet6(n)
  return {
    ...firewallOf(n),
    gatewayCidr: `${sub.gateway}/${sub.subnet.split('/')[1]}`,
    ...(v6 ? { gateway6Cidr: `${v6.gateway}/${v6.subnet.split('/')[1]}` } : {}),
    mtu: n.mtu,
  }
}
