// Engine JSON ⇄ network domain: NetworkCreateRequest → NetworkCreateSpec, NetworkRecord →
// Network (list/inspect), EndpointSettings → EndpointRequest, and the network parts of a
// container's inspect and list output (NetworkSettings, Ports).
import type { ContainerRecord } from '../../container/index.ts'
import { InvalidArgumentError } from '../../lib/errors.ts'
import type { EndpointRequest, NetworkCreateSpec, NetworkRecord } from '../../network/index.ts'
import type { EndpointSettings, Network, NetworkSettings, Port, PortMap } from '../types/index.ts'

type Obj = Record<string, unknown>

function obj(v: unknown, field: string): Obj {
  if (v === undefined || v === null) return {}
  if (typeof v !== 'object' || Array.isArray(v))
    throw new InvalidArgumentError(
      `json: cannot unmarshal ${typeof v} into Go struct field ${field} of type object`,
    )
  return v as Obj
}

function str(v: unknown, field: string): string {
  if (v === undefined || v === null) return ''
  if (typeof v !== 'string')
    throw new InvalidArgumentError(
      `json: cannot unmarshal ${typeof v} into Go struct field ${field} of type string`,
    )
  return v
}

function strMap(v: unknown, field: string): Record<string, string> {
  const o = obj(v, field)
  for (const [k, x] of Object.entries(o))
    if (typeof x !== 'string')
      throw new InvalidArgumentError(`invalid value for ${field}.${k}: expected a string`)
  return o as Record<string, string>
}

function strList(v: unknown, field: string): string[] | undefined {
  if (v === undefined || v === null) return undefined
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string'))
    throw new InvalidArgumentError(`invalid value for ${field}: expected a list of strings`)
  return v as string[]
}

export function toNetworkCreateSpec(body: unknown): NetworkCreateSpec {
  const b = obj(body, 'NetworkCreateRequest')
  const ipam = obj(b.IPAM, 'IPAM')
  const configs = Array.isArray(ipam.Config) ? (ipam.Config as unknown[]) : []
  return {
    name: str(b.Name, 'Name'),
    driver: str(b.Driver, 'Driver') || 'bridge',
    internal: b.Internal === true,
    attachable: b.Attachable === true,
    enableIPv6: b.EnableIPv6 === true,
    subnets: configs.map((c, i) => {
      const o = obj(c, `IPAM.Config[${i}]`)
      return {
        subnet: str(o.Subnet, 'Subnet') || undefined,
        gateway: str(o.Gateway, 'Gateway') || undefined,
        ipRange: str(o.IPRange, 'IPRange') || undefined,
        auxAddresses: o.AuxiliaryAddresses ? strMap(o.AuxiliaryAddresses, 'AuxiliaryAddresses') : undefined,
      }
    }),
    ipamDriver: str(ipam.Driver, 'IPAM.Driver'),
    ipamOptions: strMap(ipam.Options, 'IPAM.Options'),
    options: strMap(b.Options, 'Options'),
    labels: strMap(b.Labels, 'Labels'),
  }
}

export function toEndpointRequest(v: unknown, field = 'EndpointConfig'): EndpointRequest {
  const e = obj(v, field)
  const ipam = obj(e.IPAMConfig, `${field}.IPAMConfig`)
  return {
    aliases: strList(e.Aliases, `${field}.Aliases`),
    ipv4Address: str(ipam.IPv4Address, 'IPv4Address') || undefined,
    ipv6Address: str(ipam.IPv6Address, 'IPv6Address') || undefined,
    macAddress: str(e.MacAddress, 'MacAddress') || undefined,
    links: strList(e.Links, `${field}.Links`),
    driverOpts: e.DriverOpts ? strMap(e.DriverOpts, `${field}.DriverOpts`) : undefined,
  }
}

/** The create body's NetworkingConfig.EndpointsConfig, by network name or id. */
export function toEndpointRequests(networkingConfig: unknown): Record<string, EndpointRequest> | undefined {
  const eps = obj(obj(networkingConfig, 'NetworkingConfig').EndpointsConfig, 'EndpointsConfig')
  const out: Record<string, EndpointRequest> = {}
  for (const [k, v] of Object.entries(eps)) out[k] = toEndpointRequest(v, `EndpointsConfig.${k}`)
  return Object.keys(out).length > 0 ? out : undefined
}

/** Before API 1.44 the MAC address came in Config.MacAddress: it belongs to the main network. */
export function withLegacyMac(
  endpoints: Record<string, EndpointRequest> | undefined,
  mac: string,
  hostConfig: unknown,
): Record<string, EndpointRequest> | undefined {
  if (!mac) return endpoints
  const mode = str(obj(hostConfig, 'HostConfig').NetworkMode, 'HostConfig.NetworkMode')
  const key = !mode || mode === 'default' ? 'bridge' : mode
  const out = { ...(endpoints ?? {}) }
  const k = key in out ? key : mode === 'default' && 'default' in out ? 'default' : key
  out[k] = { ...(out[k] ?? {}), macAddress: out[k]?.macAddress ?? mac }
  return out
}

export function toNetwork(n: NetworkRecord, opts: { containers: boolean }): Network {
  const containers: Network['Containers'] = {}
  if (opts.containers) {
    for (const e of Object.values(n.endpoints)) {
      const prefix = n.subnets[0]?.subnet.split('/')[1]
      const prefix6 = n.subnets.find((s) => s.subnet.includes(':'))?.subnet.split('/')[1]
      containers[e.containerId] = {
        Name: e.name,
        EndpointID: e.endpointId,
        MacAddress: e.macAddress,
        IPv4Address: e.ipv4 ? `${e.ipv4}/${prefix}` : '',
        IPv6Address: e.ipv6 && prefix6 ? `${e.ipv6}/${prefix6}` : '',
      }
    }
  }
  return {
    Name: n.name,
    Id: n.id,
    Created: n.created,
    Scope: 'local',
    Driver: n.driver,
    EnableIPv4: true,
    EnableIPv6: n.enableIPv6,
    IPAM: {
      Driver: 'default',
      Options: n.ipamOptions,
      Config: n.subnets.map((s) => ({
        Subnet: s.subnet,
        Gateway: s.gateway,
        ...(s.ipRange ? { IPRange: s.ipRange } : {}),
        ...(s.auxAddresses ? { AuxiliaryAddresses: s.auxAddresses } : {}),
      })),
    },
    Internal: n.internal,
    Attachable: n.attachable,
    Ingress: false,
    ConfigFrom: { Network: '' },
    ConfigOnly: false,
    Containers: containers,
    Options: n.options,
    Labels: n.labels,
  }
}

const EMPTY_ENDPOINT: EndpointSettings = {
  IPAMConfig: null,
  Links: null,
  Aliases: null,
  MacAddress: '',
  DriverOpts: null,
  NetworkID: '',
  EndpointID: '',
  Gateway: '',
  IPAddress: '',
  IPPrefixLen: 0,
  IPv6Gateway: '',
  GlobalIPv6Address: '',
  GlobalIPv6PrefixLen: 0,
  DNSNames: null,
}

/** Inspect's NetworkSettings: per-network endpoints, the default bridge's addresses at the
 *  top level (Docker's legacy fields), and the published ports while running. */
/** NetworkSettings with Docker's zero values (legacy top-level fields filled by the caller). */
export function emptyNetworkSettings(
  rec: ContainerRecord,
  ports: NetworkSettings['Ports'],
  networks: NonNullable<NetworkSettings['Networks']> = {},
): NetworkSettings {
  return {
    Bridge: '',
    SandboxID: '',
    SandboxKey: rec.netnsPath ?? '',
    HairpinMode: false,
    LinkLocalIPv6Address: '',
    LinkLocalIPv6PrefixLen: 0,
    Ports: ports,
    SecondaryIPAddresses: null,
    SecondaryIPv6Addresses: null,
    EndpointID: '',
    Gateway: '',
    GlobalIPv6Address: '',
    GlobalIPv6PrefixLen: 0,
    IPAddress: '',
    IPPrefixLen: 0,
    IPv6Gateway: '',
    MacAddress: '',
    Networks: networks,
  }
}

export function containerNetworkSettings(rec: ContainerRecord): NetworkSettings {
  const out = emptyNetworkSettings(rec, containerPortMap(rec))
  for (const [name, { networkId, request, endpoint: ep }] of Object.entries(rec.networking?.networks ?? {})) {
    const id = ep?.networkId ?? networkId ?? ''
    out.Networks![name] = {
      ...EMPTY_ENDPOINT,
      IPAMConfig:
        request.ipv4Address || request.ipv6Address
          ? {
              ...(request.ipv4Address ? { IPv4Address: request.ipv4Address } : {}),
              ...(request.ipv6Address ? { IPv6Address: request.ipv6Address } : {}),
            }
          : null,
      Links: request.links?.length ? request.links : null,
      Aliases: request.aliases?.length ? request.aliases : null,
      MacAddress: ep?.macAddress ?? request.macAddress ?? '',
      DriverOpts: request.driverOpts ?? null,
      NetworkID: id,
      EndpointID: ep?.endpointId ?? '',
      Gateway: ep?.gateway ?? '',
      IPAddress: ep?.ipAddress ?? '',
      IPPrefixLen: ep?.prefixLen ?? 0,
      IPv6Gateway: ep?.ipv6Gateway ?? '',
      GlobalIPv6Address: ep?.ipv6Address ?? '',
      GlobalIPv6PrefixLen: ep?.ipv6PrefixLen ?? 0,
      DNSNames: ep?.dnsNames.length ? ep.dnsNames : null,
    }
    if (name === 'bridge' && ep) {
      out.EndpointID = ep.endpointId
      out.Gateway = ep.gateway
      out.IPAddress = ep.ipAddress
      out.IPPrefixLen = ep.prefixLen
      out.MacAddress = ep.macAddress
      out.GlobalIPv6Address = ep.ipv6Address ?? ''
      out.GlobalIPv6PrefixLen = ep.ipv6PrefixLen ?? 0
      out.IPv6Gateway = ep.ipv6Gateway ?? ''
    }
  }
  return out
}

/** Exposed ports map to null, published ones (while running) to their host bindings. */
export function containerPortMap(rec: ContainerRecord): PortMap {
  const out: PortMap = {}
  const running = rec.state.status === 'running' || rec.state.status === 'paused'
  if (!running) return out
  for (const key of Object.keys(rec.config.ExposedPorts ?? {}))
    out[key.includes('/') ? key : `${key}/tcp`] = null
  for (const p of rec.networking?.ports ?? []) {
    const key = `${p.containerPort}/${p.proto}`
    const list = out[key] ?? []
    list.push({ HostIp: p.hostIp, HostPort: String(p.hostPort) })
    out[key] = list
  }
  return out
}

/** The container list's Ports. */
export function containerPorts(rec: ContainerRecord): Port[] {
  const out: Port[] = []
  for (const [key, list] of Object.entries(containerPortMap(rec))) {
    const [port = '0', proto = 'tcp'] = key.split('/')
    const type = proto as Port['Type']
    if (!list) out.push({ PrivatePort: Number(port), Type: type })
    else
      for (const b of list)
        out.push({ IP: b.HostIp, PrivatePort: Number(port), PublicPort: Number(b.HostPort), Type: type })
  }
  return out
}
