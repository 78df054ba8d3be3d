// `n`/`last` pagination shared by the tag list and the catalog (spec "Listing Tags"):
// items in ASCII order, strictly after `last`, at most `n`, and whether more remain.

export interface Page {
  items: string[]
  /** The `last` value of the next page, when more items follow. */
  next?: string
}

export function paginate(sorted: readonly string[], opts: { n?: number; last?: string }): Page {
  const start = opts.last === undefined ? 0 : sorted.findIndex((t) => t > opts.last!)
  const rest = start < 0 ? [] : sorted.slice(start)
  if (opts.n === undefined) return { items: rest }
  // Spec: n=0 returns an empty list and never a Link header.
  if (opts.n === 0) return { items: [] }
  const items = rest.slice(0, opts.n)
  return rest.length > opts.n ? { items, next: items[items.length - 1]! } : { items }
}

/** Go's sort.Strings order (byte-wise), which the spec names as acceptable. */
export function asciiSort(items: string[]): string[] {
  return items.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
}
