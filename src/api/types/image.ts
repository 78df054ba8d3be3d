// Engine API v1.47 image wire types: list, inspect, history, delete, prune. Shapes only.
import type { DriverData, OCIDescriptor, OCIPlatform } from './common.ts'
import type { ContainerConfig } from './container.ts'

export interface ImageManifestSummary {
  ID: string
  Descriptor: OCIDescriptor
  Available: boolean
  Size: { Total: number; Content: number }
  Kind: 'image' | 'attestation' | 'unknown'
  ImageData?: { Platform: OCIPlatform; Containers: string[]; Size: { Unpacked: number } }
  AttestationData?: { For: string }
}

/** One entry of GET /images/json. */
export interface ImageSummary {
  /** "sha256:…". */
  Id: string
  ParentId: string
  RepoTags: string[]
  RepoDigests: string[]
  /** Unix seconds. */
  Created: number
  Size: number
  /** -1 when not computed. */
  SharedSize: number
  /** Deprecated: always equal to Size in v1.44+ (kept for old clients). */
  VirtualSize?: number
  Labels: Record<string, string> | null
  /** -1 when not computed. */
  Containers: number
  Manifests?: ImageManifestSummary[]
  Descriptor?: OCIDescriptor
}

/** The image's run configuration (subset of ContainerConfig that images carry). */
export type ImageConfig = ContainerConfig

/** Response of GET /images/{name}/json. */
export interface ImageInspect {
  Id: string
  Descriptor?: OCIDescriptor
  RepoTags: string[]
  RepoDigests: string[]
  Parent: string
  Comment: string
  /** RFC 3339 with nanoseconds; may be empty/null for images without a creation time. */
  Created: string | null
  /** Deprecated but still emitted by Docker 28. */
  Container?: string
  ContainerConfig?: ContainerConfig
  DockerVersion: string
  Author: string
  Config: ImageConfig | null
  Architecture: string
  Variant?: string | null
  Os: string
  OsVersion?: string | null
  Size: number
  /** Deprecated; equal to Size. */
  VirtualSize?: number
  GraphDriver: DriverData
  RootFS: { Type: string; Layers?: string[] }
  Metadata: { LastTagTime?: string | null }
}

/** One entry of GET /images/{name}/history (x-go-name HistoryResponseItem). */
export interface HistoryResponseItem {
  /** Image id, or "<missing>" for layers that are not images of their own. */
  Id: string
  /** Unix seconds. */
  Created: number
  CreatedBy: string
  Tags: string[] | null
  Size: number
  Comment: string
}
export type ImageHistoryResponseItem = HistoryResponseItem

/** One entry of DELETE /images/{name}: exactly one of the two keys is set. */
export interface ImageDeleteResponseItem {
  Untagged?: string
  Deleted?: string
}

export interface ImagePruneResponse {
  ImagesDeleted: ImageDeleteResponseItem[] | null
  SpaceReclaimed: number
}
