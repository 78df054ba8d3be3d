// Engine API v1.47 wire types for /networks*: Network (list/inspect), create, connect, disconnect
// and prune bodies. Shapes only, no logic; EndpointSettings/EndpointIPAMConfig live in container.ts.
import type { EndpointSettings } from './container.ts'

export interface IPAMConfig {
  Subnet?: string
  IPRange?: string
  Gateway?: string
  AuxiliaryAddresses?: Record<string, string>
}

export interface IPAM {
  /** "default" */
  Driver?: string
  Config?: IPAMConfig[] | null
  Options?: Record<string, string> | null
}

export interface ConfigReference {
  Network?: string
}

export interface PeerInfo {
  Name?: string
  IP?: string
}

/** A container's endpoint as shown in a network's inspect output (`Containers`). */
export interface NetworkContainer {
  Name?: string
  EndpointID?: string
  MacAddress?: string
  /** CIDR, e.g. "172.18.0.2/16". */
  IPv4Address?: string
  IPv6Address?: string
}

/** GET /networks (each element) and GET /networks/{id}. */
export interface Network {
  Name: string
  Id: string
  /** RFC 3339 with nanoseconds. */
  Created: string
  /** "local" */
  Scope: string
  /** "bridge" | "host" | "null" */
  Driver: string
  EnableIPv4?: boolean
  EnableIPv6: boolean
  IPAM: IPAM
  Internal: boolean
  Attachable: boolean
  Ingress: boolean
  ConfigFrom: ConfigReference
  ConfigOnly: boolean
  /** Keyed by container id. Empty in GET /networks (Docker lists no containers there). */
  Containers: Record<string, NetworkContainer>
  Options: Record<string, string>
  Labels: Record<string, string>
  Peers?: PeerInfo[]
}

/** Body of POST /networks/create. */
export interface NetworkCreateRequest {
  Name: string
  Driver?: string
  Scope?: string
  Internal?: boolean
  Attachable?: boolean
  Ingress?: boolean
  ConfigOnly?: boolean
  ConfigFrom?: ConfigReference
  IPAM?: IPAM
  EnableIPv4?: boolean
  EnableIPv6?: boolean
  Options?: Record<string, string>
  Labels?: Record<string, string>
  /** Deprecated (always true since v1.44), still sent by older clients. */
  CheckDuplicate?: boolean
}

export interface NetworkCreateResponse {
  Id: string
  Warning: string
}

/** Body of POST /networks/{id}/connect. */
export interface NetworkConnectRequest {
  Container: string
  EndpointConfig?: EndpointSettings
}

/** Body of POST /networks/{id}/disconnect. */
export interface NetworkDisconnectRequest {
  Container: string
  Force?: boolean
}

/** Response of POST /networks/prune. */
export interface NetworkPruneResponse {
  NetworksDeleted: string[] | null
}
