// GET /networks and POST /networks/prune filters (Engine API): driver, id, label, name, scope,
// type (custom|builtin), dangling; prune takes until and label. Pure.
import { InvalidArgumentError } from '../lib/errors.ts'
import type { NetworkRecord } from './types.ts'

export type NetworkFilters = Record<string, string[]>

const LIST_KEYS = new Set(['driver', 'id', 'label', 'name', 'scope', 'type', 'dangling'])

export function matchesListFilters(
  net: NetworkRecord,
  f: NetworkFilters,
  inUse: (n: NetworkRecord) => boolean,
): boolean {
  for (const k of Object.keys(f))
    if (!LIST_KEYS.has(k)) throw new InvalidArgumentError(`invalid filter '${k}'`)
  const any = (k: string, test: (v: string) => boolean) => !f[k]?.length || f[k]!.some(test)
  return (
    any('driver', (v) => net.driver === v) &&
    any('id', (v) => net.id.startsWith(v)) &&
    any('name', (v) => net.name.includes(v)) &&
    any('scope', (v) => v === 'local') &&
    any('type', (v) => {
      if (v !== 'custom' && v !== 'builtin') throw new InvalidArgumentError(`invalid filter: 'type'='${v}'`)
      return (v === 'builtin') === net.predefined
    }) &&
    any('dangling', (v) => {
      if (!['true', 'false', '1', '0'].includes(v))
        throw new InvalidArgumentError(`invalid filter 'dangling=${v}'`)
      const dangling = !net.predefined && !inUse(net)
      return (v === 'true' || v === '1') === dangling
    }) &&
    labelsMatch(net.labels, f.label ?? [])
  )
}

export function labelsMatch(labels: Record<string, string>, wanted: string[]): boolean {
  return wanted.every((w) => {
    const neg = w.includes('!=')
    const [k = '', v] = neg ? w.split('!=') : w.split('=')
    if (neg) return labels[k] !== v
    return v === undefined ? k in labels : labels[k] === v
  })
}

/** Prune's `until`: a duration ("10m") or a timestamp; true when the network is older. */
export function olderThan(created: string, until: string | undefined): boolean {
  if (!until) return true
  const d = /^(\d+)(s|m|h)$/.exec(until)
  const limit = d
    ? Date.now() - Number(d[1]) * { s: 1000, m: 60_000, h: 3_600_000 }[d[2] as 's' | 'm' | 'h']
    : /^\d+(\.\d+)?$/.test(until)
      ? Number(until) * 1000
      : Date.parse(until)
  if (Number.isNaN(limit)) throw new InvalidArgumentError(`invalid filter 'until=${until}'`)
  return Date.parse(created) < limit
}
