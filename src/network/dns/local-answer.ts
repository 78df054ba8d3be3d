// Answers A, AAAA and PTR questions from a DnsRecordSource, the way Docker's embedded DNS
// does (TTL 600, round-robin over several addresses, a search suffix stripped). It returns
// undefined for everything berth does not know, which the server then forwards.
import { CLASS_IN, type DnsAnswer, type DnsQuestion, reverseNameToIp, TYPE } from './packet.ts'
import type { DnsRecordSource } from './types.ts'

/** Docker's embedded DNS answers with this TTL (libnetwork resolver.go respTTL). */
export const LOCAL_TTL = 600
const MAX_ROTATIONS = 4096

export class LocalAnswers {
  /** Next rotation per (scope, family, name): each query starts one address further on. */
  private readonly rotation = new Map<string, number>()
  private readonly records: DnsRecordSource

  constructor(records: DnsRecordSource) {
    this.records = records
  }

  /** The answers for `q` on network `scope` (possibly none: a known name without a record of
   *  that family), or undefined when berth does not know the name or type. */
  answer(scope: string, q: DnsQuestion, searchDomains: string[], clientIp?: string): DnsAnswer[] | undefined {
    if (q.class !== CLASS_IN || q.labels.length === 0) return undefined
    if (q.type === TYPE.PTR) return this.ptr(scope, q.labels)
    if (q.type !== TYPE.A && q.type !== TYPE.AAAA) return undefined
    const family = q.type === TYPE.A ? 4 : 6
    for (const name of candidateNames(q.labels, searchDomains)) {
      const addrs = this.records.lookup(scope, name, family, clientIp)
      if (addrs === undefined) continue
      return this.rotate(`${scope}\0${family}\0${name}`, addrs).map((data) => ({
        type: q.type,
        ttl: LOCAL_TTL,
        data,
      }))
    }
    return undefined
  }

  private ptr(scope: string, labels: string[]): DnsAnswer[] | undefined {
    const ip = reverseNameToIp(labels)
    const name = ip === undefined ? undefined : this.records.reverse(scope, ip)
    return name === undefined ? undefined : [{ type: TYPE.PTR, ttl: LOCAL_TTL, data: name }]
  }

  private rotate(key: string, addrs: string[]): string[] {
    if (addrs.length < 2) return addrs
    const n = this.rotation.get(key) ?? 0
    if (this.rotation.size >= MAX_ROTATIONS && !this.rotation.has(key)) this.rotation.clear()
    this.rotation.set(key, (n + 1) % addrs.length)
    const k = n % addrs.length
    return [...addrs.slice(k), ...addrs.slice(0, k)]
  }
}

/** The query name in lower case, then (for `web.corp.example` with search domain
 *  `corp.example`) the name with that suffix removed, as Docker tries both. */
export function candidateNames(labels: string[], searchDomains: string[]): string[] {
  const name = labels.join('.').toLowerCase()
  const out = [name]
  for (const domain of searchDomains) {
    const suffix = `.${domain.toLowerCase().replace(/^\.+|\.+$/g, '')}`
    if (suffix !== '.' && name.endsWith(suffix) && name.length > suffix.length) {
      out.push(name.slice(0, -suffix.length))
    }
  }
  return out
}
