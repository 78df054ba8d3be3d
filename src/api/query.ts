// Query-string helpers for routes: Docker's booleans ("1", "true", "True"), integers, and the
// `filters` JSON in both forms ({"k":["v"]} and the legacy {"k":{"v":true}}).
import { InvalidArgumentError } from '../lib/errors.ts'
import type { ApiRequest } from './router.ts'

export function bool(req: ApiRequest, name: string, dflt = false): boolean {
  const v = req.query.get(name)
  if (v === null || v === '') return dflt
  return !['0', 'false', 'False', 'FALSE', 'no'].includes(v)
}

export function int(req: ApiRequest, name: string): number | undefined {
  const v = req.query.get(name)
  if (v === null || v === '') return undefined
  const n = Number(v)
  if (!Number.isInteger(n)) throw new InvalidArgumentError(`invalid value for ${name}: ${v}`)
  return n
}

export function str(req: ApiRequest, name: string): string | undefined {
  const v = req.query.get(name)
  return v === null ? undefined : v
}

export type Filters = Record<string, string[]>

export function filters(req: ApiRequest): Filters {
  return parseFilters(req.query.get('filters'))
}

export function parseFilters(raw: string | null | undefined): Filters {
  if (!raw) return {}
  let parsed: unknown
  try {
    parsed = JSON.parse(raw)
  } catch (err) {
    throw new InvalidArgumentError(`invalid filter: ${raw}`, { cause: err })
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new InvalidArgumentError(`invalid filter: ${raw}`)
  const out: Filters = {}
  for (const [k, v] of Object.entries(parsed)) {
    if (Array.isArray(v)) out[k] = v.map(String)
    else if (typeof v === 'object' && v !== null)
      out[k] = Object.keys(v).filter((x) => (v as Record<string, unknown>)[x])
    else throw new InvalidArgumentError(`invalid filter: ${raw}`)
  }
  return out
}
