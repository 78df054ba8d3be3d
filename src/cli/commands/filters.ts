// `--filter key=value` flags → the client's Filters map (docker's opts.FilterOpt).
import type { Filters } from '../../client/index.ts'

export function parseFilterFlags(values: string[]): Filters {
  const out: Filters = {}
  for (const v of values) {
    const eq = v.indexOf('=')
    if (eq < 0) throw new Error(`bad format of filter (expected name=value)`)
    const key = v.slice(0, eq).trim().toLowerCase()
    const val = v.slice(eq + 1).trim()
    out[key] = [...(out[key] ?? []), val]
  }
  return out
}
