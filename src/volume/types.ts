// Domain types of a volume: its persisted record and the options it is created with.

/** Label Docker (23+) puts on anonymous volumes; prune removes only these unless `all`. */
export const ANONYMOUS_LABEL = 'com.docker.volume.anonymous'

export interface VolumeRecord {
  name: string
  driver: 'local'
  /** RFC 3339, as Docker's CreatedAt. */
  createdAt: string
  /** null when created without labels (Docker keeps the distinction in inspect). */
  labels: Record<string, string> | null
  /** Driver options (local: type, o, device); null when none. */
  options: Record<string, string> | null
}

/** A volume as the API shows it: the record plus where it lives on the host. */
export interface Volume extends VolumeRecord {
  mountpoint: string
  scope: 'local'
}

export interface VolumeCreateOptions {
  /** Empty or undefined: an anonymous volume with a random 64-hex name. */
  name?: string
  driver?: string
  labels?: Record<string, string> | null
  options?: Record<string, string> | null
}

export interface VolumeListOptions {
  /** Engine API filters: dangling, driver, label, label!, name. */
  filters?: Record<string, string[]>
}

export interface VolumePruneReport {
  deleted: string[]
  spaceReclaimed: number
}
