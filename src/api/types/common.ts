// Engine API v1.47 wire types shared by several resources: errors, ids, ports, mounts, progress
// messages. Shapes only, no logic; field names and optionality follow the swagger spec.

/** Body of every non-2xx response. */
export interface ErrorResponse {
  message: string
}

/** `{ "Id": … }`, e.g. the response of POST /images/load or exec create. */
export interface IdResponse {
  Id: string
}

export type PortType = 'tcp' | 'udp' | 'sctp'

/** An open port on a container, as listed by GET /containers/json. */
export interface Port {
  IP?: string
  PrivatePort: number
  PublicPort?: number
  Type: PortType
}

export interface PortBinding {
  HostIp?: string
  HostPort?: string
}

/** "80/tcp" → bindings; null means exposed but not published. */
export type PortMap = Record<string, PortBinding[] | null>

export type MountType = 'bind' | 'cluster' | 'npipe' | 'tmpfs' | 'volume'

/** A mount in use by a container (inspect / list output). */
export interface MountPoint {
  Type?: MountType
  Name?: string
  Source?: string
  Destination?: string
  Driver?: string
  Mode?: string
  RW?: boolean
  Propagation?: string
}

/** A mount requested in HostConfig.Mounts (the `--mount` flag). */
export interface Mount {
  Target?: string
  Source?: string
  Type?: MountType
  ReadOnly?: boolean
  Consistency?: string
  BindOptions?: {
    Propagation?: 'private' | 'rprivate' | 'shared' | 'rshared' | 'slave' | 'rslave'
    NonRecursive?: boolean
    CreateMountpoint?: boolean
    ReadOnlyNonRecursive?: boolean
    ReadOnlyForceRecursive?: boolean
  }
  VolumeOptions?: {
    NoCopy?: boolean
    Labels?: Record<string, string>
    DriverConfig?: { Name?: string; Options?: Record<string, string> }
    Subpath?: string
  }
  TmpfsOptions?: { SizeBytes?: number; Mode?: number; Options?: string[][] }
}

/** Storage driver name and driver-specific data (GraphDriver in inspect output). */
export interface DriverData {
  Name: string
  Data: Record<string, string> | null
}

export interface ProgressDetail {
  current?: number
  total?: number
}

export interface ErrorDetail {
  code?: number
  message?: string
}

/** One line of a JSON progress stream (image create/load/pull/push, build). */
export interface JSONMessage {
  stream?: string
  status?: string
  progress?: string
  progressDetail?: ProgressDetail
  id?: string
  from?: string
  time?: number
  timeNano?: number
  error?: string
  errorDetail?: ErrorDetail
  aux?: unknown
}

/** `Create image` progress (alias kept for the spec's CreateImageInfo name). */
export type CreateImageInfo = JSONMessage

export interface OCIDescriptor {
  mediaType?: string
  digest?: string
  size?: number
  urls?: string[]
  annotations?: Record<string, string>
  platform?: OCIPlatform
}

export interface OCIPlatform {
  architecture?: string
  os?: string
  'os.version'?: string
  'os.features'?: string[]
  variant?: string
}
