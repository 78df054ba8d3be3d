// Domain types of networks: the persisted network record (config + IPAM + endpoints), a
// container's requested attachments, and the endpoint state a container record keeps for
// inspect. No logic.

export type NetworkDriver = 'bridge' | 'host' | 'null'

export interface SubnetConfig {
  /** CIDR, e.g. "172.18.0.0/16". */
  subnet: string
  gateway: string
  /** Addresses are allocated from this CIDR (defaults to the subnet). */
  ipRange?: string
  auxAddresses?: Record<string, string>
}

/** What berth keeps about one container on one network (network side). */
export interface EndpointRecord {
  containerId: string
  /** Container name without the leading slash. */
  name: string
  endpointId: string
  ipv4: string
  /** IPv6 address (canonical text) on networks with EnableIPv6. */
  ipv6?: string
  macAddress: string
  /** Interface name inside the container (eth0, eth1, ...). */
  ifname: string
  /** Host side of the veth pair. */
  hostVeth: string
  aliases: string[]
  /** Published ports on this endpoint (default bridge or the first network). */
  ports: PortMapping[]
}

export interface NetworkRecord {
  id: string
  name: string
  driver: NetworkDriver
  created: string
  internal: boolean
  attachable: boolean
  enableIPv6: boolean
  /** Linux bridge name (bridge driver only). */
  bridge?: string
  /** The IPv4 subnet first; with EnableIPv6, the IPv6 subnet next (subnet6()). */
  subnets: SubnetConfig[]
  /** User gave the subnet (static --ip needs it). */
  userSubnet: boolean
  options: Record<string, string>
  labels: Record<string, string>
  ipamOptions: Record<string, string>
  icc: boolean
  masquerade: boolean
  mtu: number
  /** `com.docker.network.bridge.host_binding_ipv4`: default host IP for published ports. */
  hostBindingIpv4: string
  /** Keyed by container id. */
  endpoints: Record<string, EndpointRecord>
  /** The predefined networks (bridge, host, none) cannot be removed. */
  predefined: boolean
}

/** A container's wish to be on a network (create's EndpointsConfig, or connect). */
export interface EndpointRequest {
  aliases?: string[]
  ipv4Address?: string
  /** `--ip6`: a static IPv6 address (networks with EnableIPv6 and a user subnet). */
  ipv6Address?: string
  macAddress?: string
  links?: string[]
  driverOpts?: Record<string, string>
}

/** One published port: host side (after allocation) → container side. */
export interface PortMapping {
  proto: 'tcp' | 'udp' | 'sctp'
  hostIp: string
  hostPort: number
  containerPort: number
}

/** What a container record keeps about one of its networks (inspect's EndpointSettings). */
export interface ContainerEndpoint {
  networkId: string
  endpointId: string
  ipAddress: string
  prefixLen: number
  gateway: string
  ipv6Address?: string
  ipv6PrefixLen?: number
  ipv6Gateway?: string
  macAddress: string
  aliases: string[]
  dnsNames: string[]
}

/** A container's networking, kept in its record: requested networks (by name) and, while it
 *  runs, the endpoints and the published ports. */
export interface ContainerNetworking {
  networks: Record<string, { networkId?: string; request: EndpointRequest; endpoint?: ContainerEndpoint }>
  ports?: PortMapping[]
}
