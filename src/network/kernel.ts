// NetworkKernel: the kernel side of networks (bridges, veth pairs, firewall) behind one small
// interface, so the NetworkService runs unchanged over the real host (LinuxKernel) or over
// nothing at all (NullKernel: in-process API tests with a fake runtime).
import { readFile } from 'node:fs/promises'
import { InvalidArgumentError } from '../lib/errors.ts'
import type { Logger } from '../lib/log.ts'
import {
  addVeth,
  deleteBridge,
  delVeth,
  enableForwarding,
  enableForwarding6,
  ensureBridge,
  type VethSpec,
} from './bridge.ts'
import { type FirewallNetwork, type FirewallPort, hostHasIpv6, NftFirewall } from './firewall.ts'
import { pointResolver, type ResolverTarget } from './internal-dns.ts'
import { LoopbackProxy } from './loopback-proxy.ts'

export interface NetworkKernel {
  /** Startup: forwarding on, the bridges of `nets` created or adopted, the firewall table
   *  rebuilt for `nets` and `ports`. Idempotent. */
  init(nets: KernelNetwork[], ports: FirewallPort[]): Promise<void>
  /** Creates or adopts a bridge and its firewall entries. Idempotent. */
  addNetwork(n: KernelNetwork): Promise<void>
  removeNetwork(n: FirewallNetwork): Promise<void>
  addVeth(v: VethSpec): Promise<void>
  /** Tolerates an interface or namespace that is already gone. */
  delVeth(pid: number, ifname: string, hostVeth: string): Promise<void>
  addPorts(ports: FirewallPort[]): Promise<void>
  /** Tolerates ports that are already gone. */
  removePorts(ports: FirewallPort[]): Promise<void>
  /** Removes the firewall table (the bridges are removed by removeNetwork). */
  destroy(bridges: string[]): Promise<void>
  /** Re-points 127.0.0.11 in the namespace of `pid` at the embedded DNS of `to` (internal-dns.ts);
   *  `sysctl`: the namespace does not have route_localnet on yet. */
  pointResolver(pid: number, to: ResolverTarget, opts: { sysctl: boolean }): Promise<void>
}

export type KernelNetwork = FirewallNetwork & { gatewayCidr: string; gateway6Cidr?: string; mtu: number }

/** @throws InvalidArgumentError when the host has IPv6 off (issue #3: IPv6 where it allows). */
async function assertIpv6(): Promise<void> {
  const off = hostHasIpv6()
    ? (await readFile('/proc/sys/net/ipv6/conf/all/disable_ipv6', 'utf8')).trim() !== '0'
    : true
  if (off)
    throw new InvalidArgumentError('IPv6 is not supported on this host: IPv6 is disabled in its kernel')
}

export class LinuxKernel implements NetworkKernel {
  readonly #fw: NftFirewall
  readonly #log: Logger
  /** Ports on [::1], which the kernel cannot DNAT (loopback-proxy.ts). */
  readonly #proxy = new LoopbackProxy()

  constructor(opts: { nftTable: string; log: Logger }) {
    this.#fw = new NftFirewall(opts.nftTable, opts.log)
    this.#log = opts.log
  }

  async init(nets: KernelNetwork[], ports: FirewallPort[]): Promise<void> {
    await enableForwarding()
    if (nets.some((n) => n.gateway6Cidr)) await enableForwarding6()
    for (const n of nets) await ensureBridge(n.bridge, n.gatewayCidr, n.mtu, n.gateway6Cidr)
    await this.#fw.init(nets, ports)
    await this.#proxy
      .add(ports)
      .catch((err) =>
        this.#log.warn('a port on [::1] of a running container cannot be re-opened', { err: String(err) }),
      )
  }

  async addNetwork(n: KernelNetwork): Promise<void> {
    if (n.gateway6Cidr) await assertIpv6()
    if (n.gateway6Cidr) await enableForwarding6()
    await ensureBridge(n.bridge, n.gatewayCidr, n.mtu, n.gateway6Cidr)
    await this.#fw.addNetwork(n)
  }

  async removeNetwork(n: FirewallNetwork): Promise<void> {
    // The bridge goes even when its rules are already gone (a table flushed by hand, a crash).
    await this.#fw.removeNetwork(n).catch((err) =>
      this.#log.warn('firewall rules of a network were not removed', {
        bridge: n.bridge,
        err: String(err),
      }),
    )
    await deleteBridge(n.bridge)
  }

  addVeth(v: VethSpec): Promise<void> {
    return addVeth(v)
  }

  delVeth(pid: number, ifname: string, hostVeth: string): Promise<void> {
    return delVeth(pid, ifname, hostVeth)
  }

  async addPorts(ports: FirewallPort[]): Promise<void> {
    await this.#proxy.add(ports)
    try {
      await this.#fw.addPorts(ports)
    } catch (err) {
      this.#proxy.remove(ports)
      throw err
    }
  }

  removePorts(ports: FirewallPort[]): Promise<void> {
    this.#proxy.remove(ports)
    return this.#fw.removePorts(ports)
  }

  destroy(bridges: string[]): Promise<void> {
    this.#proxy.closeAll()
    return this.#fw.destroy(bridges)
  }

  pointResolver(pid: number, to: ResolverTarget, opts: { sysctl: boolean }): Promise<void> {
    return pointResolver(pid, to, opts)
  }
}

/** Changes nothing on the host; bridges only "exist" as records. */
export class NullKernel implements NetworkKernel {
  init(): Promise<void> {
    return Promise.resolve()
  }
  addNetwork(): Promise<void> {
    return Promise.resolve()
  }
  removeNetwork(): Promise<void> {
    return Promise.resolve()
  }
  addVeth(): Promise<void> {
    return Promise.resolve()
  }
  delVeth(): Promise<void> {
    return Promise.resolve()
  }
  addPorts(): Promise<void> {
    return Promise.resolve()
  }
  removePorts(): Promise<void> {
    return Promise.resolve()
  }
  destroy(): Promise<void> {
    return Promise.resolve()
  }
  pointResolver(): Promise<void> {
    return Promise.resolve()
  }
}
