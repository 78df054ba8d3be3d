// docker's ContainerContext for `ps --format`: the fields (.ID, .Image, .Command, .RunningFor,
// .Ports, .Status, .Size, .Names, .Labels, .Label, .Mounts, .Networks, .State …) and table headers.
import type { ContainerSummary } from '../../api/types/index.ts'
import { familiarString, parseNormalizedNamed } from '../../oci/index.ts'
import { displayablePorts } from './ports.ts'
import { goQuote } from './template.ts'
import { goTimeString, humanSince, humanSize } from './units.ts'

export const DEFAULT_CONTAINER_TABLE =
  'table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.RunningFor}}\t{{.Status}}\t{{.Ports}}\t{{.Names}}'

export const CONTAINER_HEADERS: Record<string, unknown> = {
  ID: 'CONTAINER ID',
  Image: 'IMAGE',
  Command: 'COMMAND',
  CreatedAt: 'CREATED AT',
  RunningFor: 'CREATED',
  Ports: 'PORTS',
  State: 'STATE',
  Status: 'STATUS',
  Size: 'SIZE',
  Names: 'NAMES',
  Labels: 'LABELS',
  /** docker titles a `.Label "k"` column with the key itself. */
  Label: (key: unknown) => String(key),
  Mounts: 'MOUNTS',
  LocalVolumes: 'LOCAL VOLUMES',
  Networks: 'NETWORKS',
  Platform: 'PLATFORM',
}

/** docker's TruncateID: drop any "algo:" prefix, keep 12 characters. */
export function truncateId(id: string): string {
  const i = id.indexOf(':')
  const s = i >= 0 ? id.slice(i + 1) : id
  return s.slice(0, 12)
}

/** docker's Ellipsis: cut to `max` display columns with "…" as the last one. */
export function ellipsis(s: string, max: number): string {
  const chars = [...s]
  if (max <= 0) return ''
  if (chars.length <= max) return s
  return `${chars.slice(0, max - 1).join('')}…`
}

export function stripNamePrefix(names: string[]): string[] {
  return names.map((n) => (n.startsWith('/') ? n.slice(1) : n))
}

export class ContainerContext {
  readonly goType = '*formatter.ContainerContext'
  readonly #c: ContainerSummary
  readonly #trunc: boolean
  readonly #now: Date

  constructor(c: ContainerSummary, opts: { trunc: boolean; now: Date }) {
    this.#c = c
    this.#trunc = opts.trunc
    this.#now = opts.now
  }

  ID(): string {
    return this.#trunc ? truncateId(this.#c.Id) : this.#c.Id
  }
  Names(): string {
    let names = stripNamePrefix(this.#c.Names ?? [])
    if (this.#trunc) {
      const own = names.find((n) => n.split('/').length === 1)
      if (own !== undefined) names = [own]
    }
    return names.join(',')
  }
  Image(): string {
    const image = this.#c.Image ?? ''
    if (image === '') return '<no image>'
    if (this.#trunc) {
      const t = truncateId(this.#c.ImageID ?? '')
      if (t === truncateId(image)) return t
      try {
        const ref = parseNormalizedNamed(image)
        return familiarString({ domain: ref.domain, path: ref.path, tag: ref.tag })
      } catch {
        // Not a reference (e.g. an id prefix): show it as the daemon gave it.
      }
    }
    return image
  }
  Command(): string {
    const cmd = this.#c.Command ?? ''
    return goQuote(this.#trunc ? ellipsis(cmd, 20) : cmd)
  }
  CreatedAt(): string {
    return goTimeString(new Date(this.#c.Created * 1000))
  }
  RunningFor(): string {
    return humanSince(this.#c.Created, this.#now)
  }
  Ports(): string {
    return displayablePorts(this.#c.Ports ?? [])
  }
  State(): string {
    return this.#c.State
  }
  Status(): string {
    return this.#c.Status
  }
  Size(): string {
    const srw = humanSize(this.#c.SizeRw ?? 0)
    const sv = humanSize(this.#c.SizeRootFs ?? 0)
    return (this.#c.SizeRootFs ?? 0) > 0 ? `${srw} (virtual ${sv})` : srw
  }
  Labels(): string {
    const labels = this.#c.Labels ?? {}
    return Object.keys(labels)
      .sort()
      .map((k) => `${k}=${labels[k]}`)
      .join(',')
  }
  Label(name: unknown): string {
    return this.#c.Labels?.[String(name)] ?? ''
  }
  Mounts(): string {
    return (this.#c.Mounts ?? [])
      .map((m) => {
        const name = m.Name || m.Source || ''
        return this.#trunc ? ellipsis(name, 15) : name
      })
      .join(',')
  }
  LocalVolumes(): string {
    return String((this.#c.Mounts ?? []).filter((m) => m.Driver === 'local').length)
  }
  Networks(): string {
    return Object.keys(this.#c.NetworkSettings?.Networks ?? {})
      .sort()
      .join(',')
  }
  Platform(): string {
    return ''
  }
  /** `{{json .}}`: every no-argument field, keys sorted as Go marshals a map. */
  toJSON(): Record<string, string | null> {
    const keys = [
      'Command',
      'CreatedAt',
      'ID',
      'Image',
      'Labels',
      'LocalVolumes',
      'Mounts',
      'Names',
      'Networks',
    ]
    const rest = ['Ports', 'RunningFor', 'Size', 'State', 'Status']
    const get = (k: string) => (this as unknown as Record<string, () => string>)[k]?.call(this) ?? ''
    // docker marshals a map, so keys come out sorted; Platform is a nil pointer without a platform.
    return {
      ...Object.fromEntries(keys.map((k) => [k, get(k)])),
      Platform: null,
      ...Object.fromEntries(rest.map((k) => [k, get(k)])),
    }
  }
}
