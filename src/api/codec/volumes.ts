// Engine JSON ⇄ volume domain: VolumeCreateOptions body → VolumeCreateOptions, Volume → the
// Engine's Volume object (inspect, list, create), prune report → VolumePruneResponse.
import { InvalidArgumentError } from '../../lib/errors.ts'
import type { Volume, VolumeCreateOptions, VolumePruneReport } from '../../volume/index.ts'

type Obj = Record<string, unknown>

function strMap(v: unknown, field: string): Record<string, string> | null {
  if (v === undefined || v === null) return null
  if (typeof v !== 'object' || Array.isArray(v) || !Object.values(v).every((x) => typeof x === 'string'))
    throw new InvalidArgumentError(`invalid value for ${field}: expected a map of strings`)
  return v as Record<string, string>
}

function str(v: unknown, field: string): string | undefined {
  if (v === undefined || v === null) return undefined
  if (typeof v !== 'string')
    throw new InvalidArgumentError(
      `json: cannot unmarshal ${typeof v} into Go struct field ${field} of type string`,
    )
  return v
}

export function toVolumeCreateOptions(body: unknown): VolumeCreateOptions {
  if (body !== undefined && (typeof body !== 'object' || body === null || Array.isArray(body)))
    throw new InvalidArgumentError('invalid JSON: expected an object')
  const b = (body ?? {}) as Obj
  return {
    name: str(b.Name, 'VolumeCreateOptions.Name'),
    driver: str(b.Driver, 'VolumeCreateOptions.Driver'),
    labels: strMap(b.Labels, 'Labels'),
    options: strMap(b.DriverOpts, 'DriverOpts'),
  }
}

/** The Engine's Volume object; `usage` only for /system/df (UsageData). */
export function toApiVolume(v: Volume, usage?: { size: number; refCount: number }): Obj {
  const out: Obj = {
    CreatedAt: v.createdAt,
    Driver: v.driver,
    Labels: v.labels,
    Mountpoint: v.mountpoint,
    Name: v.name,
    Options: v.options,
    Scope: v.scope,
  }
  if (usage) out.UsageData = { Size: usage.size, RefCount: usage.refCount }
  return out
}

export function toVolumePruneResponse(r: VolumePruneReport): Obj {
  return { VolumesDeleted: r.deleted.length > 0 ? r.deleted : null, SpaceReclaimed: r.spaceReclaimed }
}
