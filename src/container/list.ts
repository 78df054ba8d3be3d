// Container list filters (Engine API /containers/json): status, label, name, id, ancestor,
// exited, before, since, health, volume/network (later issues).
import { InvalidArgumentError } from '../lib/errors.ts'
import type { ContainerRecord } from './types.ts'

const STATUSES = ['created', 'restarting', 'running', 'removing', 'paused', 'exited', 'dead']
const HEALTH = ['starting', 'healthy', 'unhealthy', 'none']
const KNOWN = [
  'status',
  'label',
  'name',
  'id',
  'ancestor',
  'exited',
  'before',
  'since',
  'health',
  'volume',
  'network',
  'publish',
  'expose',
  'isolation',
  'is-task',
]

export interface ListOptions {
  all: boolean
  limit?: number
  filters: Record<string, string[]>
  /** Resolves an image reference to its id (ancestor filter); undefined when unknown. */
  imageIdOf: (ref: string) => string | undefined
  /** Resolves a container reference (before/since). @throws NotFoundError. */
  lookup: (ref: string) => ContainerRecord
}

export function filterContainers(all: ContainerRecord[], opts: ListOptions): ContainerRecord[] {
  const f = opts.filters
  for (const k of Object.keys(f))
    if (!KNOWN.includes(k)) throw new InvalidArgumentError(`invalid filter '${k}'`)
  for (const s of f.status ?? []) {
    if (!STATUSES.includes(s)) throw new InvalidArgumentError(`invalid filter 'status=${s}'`)
  }
  for (const h of f.health ?? []) {
    if (!HEALTH.includes(h)) throw new InvalidArgumentError(`Unrecognised filter value for health: ${h}`)
  }
  let list = [...all].sort((a, b) => (a.created < b.created ? 1 : a.created > b.created ? -1 : 0))
  const showAll =
    opts.all || (f.status?.length ?? 0) > 0 || (f.exited?.length ?? 0) > 0 || (opts.limit ?? -1) > 0
  if (!showAll)
    list = list.filter(
      (c) => c.state.status === 'running' || c.state.status === 'paused' || c.state.status === 'restarting',
    )
  if (f.before?.length) {
    const b = opts.lookup(f.before[0]!)
    list = list.filter((c) => c.created < b.created)
  }
  if (f.since?.length) {
    const s = opts.lookup(f.since[0]!)
    list = list.filter((c) => c.created > s.created)
  }
  list = list.filter((c) => matches(c, f, opts))
  if (opts.limit !== undefined && opts.limit > 0) list = list.slice(0, opts.limit)
  return list
}

function matches(c: ContainerRecord, f: Record<string, string[]>, opts: ListOptions): boolean {
  if (f.status?.length && !f.status.includes(c.state.status)) return false
  if (f.id?.length && !f.id.some((p) => c.id.startsWith(p))) return false
  if (f.name?.length && !f.name.some((n) => new RegExp(n.replace(/^\//, '')).test(c.name.slice(1))))
    return false
  if (f.label?.length && !f.label.every((l) => labelMatch(c.config.Labels ?? {}, l))) return false
  if (f.exited?.length && !(c.state.status === 'exited' && f.exited.includes(String(c.state.exitCode))))
    return false
  if (f.health?.length && !f.health.includes(c.state.health?.Status ?? 'none')) return false
  if (f.ancestor?.length) {
    const ids = f.ancestor.map((a) => opts.imageIdOf(a))
    if (!ids.includes(c.imageId) && !f.ancestor.includes(c.config.Image)) return false
  }
  return true
}

function labelMatch(labels: Record<string, string>, expr: string): boolean {
  const i = expr.indexOf('=')
  if (i < 0) return expr in labels
  return labels[expr.slice(0, i)] === expr.slice(i + 1)
}
