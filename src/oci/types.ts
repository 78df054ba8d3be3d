// TypeScript shapes of OCI image spec documents (descriptor, manifest, index, config, layout)
// with Docker schema2's identical fields. Types only: validation lives with the code that
// reads untrusted documents (image/load.ts).
import type { Digest } from './digest.ts'

export interface Platform {
  architecture: string
  os: string
  'os.version'?: string
  'os.features'?: string[]
  variant?: string
}

export interface Descriptor {
  mediaType: string
  digest: Digest
  size: number
  urls?: string[]
  annotations?: Record<string, string>
  platform?: Platform
  artifactType?: string
}

export interface Manifest {
  schemaVersion: 2
  mediaType?: string
  artifactType?: string
  config: Descriptor
  layers: Descriptor[]
  subject?: Descriptor
  annotations?: Record<string, string>
}

export interface Index {
  schemaVersion: 2
  mediaType?: string
  artifactType?: string
  manifests: Descriptor[]
  subject?: Descriptor
  annotations?: Record<string, string>
}

export interface OciLayout {
  imageLayoutVersion: string
}

/** The `config` object of an image config (config.md "Properties"); Docker capitalises these. */
export interface ImageConfigConfig {
  User?: string
  ExposedPorts?: Record<string, Record<string, never>>
  Env?: string[]
  Entrypoint?: string[] | null
  Cmd?: string[] | null
  Volumes?: Record<string, Record<string, never>>
  WorkingDir?: string
  Labels?: Record<string, string>
  StopSignal?: string
  ArgsEscaped?: boolean
  Shell?: string[]
  OnBuild?: string[] | null
  Healthcheck?: {
    Test?: string[]
    Interval?: number
    Timeout?: number
    StartPeriod?: number
    StartInterval?: number
    Retries?: number
  }
}

export interface HistoryEntry {
  created?: string
  created_by?: string
  author?: string
  comment?: string
  empty_layer?: boolean
}

/** An image config blob (application/vnd.oci.image.config.v1+json). Docker adds a few fields. */
export interface ImageConfig {
  created?: string
  author?: string
  architecture: string
  os: string
  'os.version'?: string
  'os.features'?: string[]
  variant?: string
  config?: ImageConfigConfig
  rootfs: { type: 'layers'; diff_ids: Digest[] }
  history?: HistoryEntry[]
  /** Docker extensions. */
  comment?: string
  docker_version?: string
  parent?: string
}

/** The well-known annotations berth reads and writes (annotations.md). */
export const Annotation = {
  refName: 'org.opencontainers.image.ref.name',
  containerdImageName: 'io.containerd.image.name',
} as const
