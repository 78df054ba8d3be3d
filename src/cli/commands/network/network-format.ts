// docker's networkContext (cli/command/network/formatter.go): the fields `network ls --format`
// can use, the default table and column titles, and Go's time.Time String() for CreatedAt.
import type { Network } from '../../../api/types/index.ts'

export const DEFAULT_NETWORK_TABLE = 'table {{.ID}}\t{{.Name}}\t{{.Driver}}\t{{.Scope}}'

export const NETWORK_HEADERS: Record<string, unknown> = {
  ID: 'NETWORK ID',
  Name: 'NAME',
  Driver: 'DRIVER',
  Scope: 'SCOPE',
  IPv4: 'IPV4',
  IPv6: 'IPV6',
  Internal: 'INTERNAL',
  Labels: 'LABELS',
  /** docker titles a `.Label "k"` column with the key itself. */
  Label: (key: unknown) => String(key),
  CreatedAt: 'CREATED AT',
}

export class NetworkContext {
  readonly goType = '*network.networkContext'
  readonly #n: Network
  readonly #trunc: boolean

  constructor(n: Network, opts: { trunc: boolean }) {
    this.#n = n
    this.#trunc = opts.trunc
  }
  ID(): string {
    return this.#trunc ? this.#n.Id.slice(0, 12) : this.#n.Id
  }
  Name(): string {
    return this.#n.Name
  }
  Driver(): string {
    return this.#n.Driver
  }
  Scope(): string {
    return this.#n.Scope
  }
  IPv4(): string {
    return String(this.#n.EnableIPv4 ?? false)
  }
  IPv6(): string {
    return String(this.#n.EnableIPv6)
  }
  Internal(): string {
    return String(this.#n.Internal)
  }
  Labels(): string {
    return Object.entries(this.#n.Labels ?? {})
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => `${k}=${v}`)
      .join(',')
  }
  Label(name: unknown): string {
    return this.#n.Labels?.[String(name)] ?? ''
  }
  CreatedAt(): string {
    return goTimeOfRfc3339(this.#n.Created)
  }
  /** `{{json .}}`: every no-argument field, keys sorted as Go marshals a map. */
  toJSON(): Record<string, string> {
    return {
      CreatedAt: this.CreatedAt(),
      Driver: this.Driver(),
      ID: this.ID(),
      IPv4: this.IPv4(),
      IPv6: this.IPv6(),
      Internal: this.Internal(),
      Labels: this.Labels(),
      Name: this.Name(),
      Scope: this.Scope(),
    }
  }
}

/** Go's time.Time.String() of a time unmarshalled from RFC 3339 text: it keeps the text's own
 *  offset ("+0000 UTC" for Z) and nanoseconds with trailing zeros trimmed. */
export function goTimeOfRfc3339(text: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})$/.exec(text)
  if (!m) return text
  const frac = (m[3] ?? '').slice(0, 9).replace(/0+$/, '')
  const zone = m[4] === 'Z' ? '+0000 UTC' : `${m[4]!.replace(':', '')} ${m[4]!.replace(':', '')}`
  return `${m[1]} ${m[2]}${frac ? `.${frac}` : ''} ${zone}`
}

/** Go's sortorder.NaturalLess: digits sort before other characters, digit runs compare as
 *  numbers (fewer leading zeros first), everything else bytewise. */
export function naturalLess(a: string, b: string): boolean {
  let i = 0
  let j = 0
  while (i < a.length && j < b.length) {
    const da = isDigit(a, i)
    const db = isDigit(b, j)
    if (da !== db) return da
    if (!da) {
      if (a[i] !== b[j]) return a.charCodeAt(i) < b.charCodeAt(j)
      i++
      j++
      continue
    }
    while (i < a.length && a[i] === '0') i++
    while (j < b.length && b[j] === '0') j++
    const ni = i
    const nj = j
    while (i < a.length && isDigit(a, i)) i++
    while (j < b.length && isDigit(b, j)) j++
    if (i - ni !== j - nj) return i - ni < j - nj
    if (a.slice(ni, i) !== b.slice(nj, j)) return a.slice(ni, i) < b.slice(nj, j)
    if (ni !== nj) return ni < nj
  }
  return a.length < b.length
}

function isDigit(s: string, i: number): boolean {
  const c = s.charCodeAt(i)
  return c >= 48 && c <= 57
}

export function naturalCompare(a: string, b: string): number {
  return naturalLess(a, b) ? -1 : naturalLess(b, a) ? 1 : 0
}
