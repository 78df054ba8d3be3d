// Value parsers for the network verbs' flags, with docker's error texts: comma-separated slices,
// key=value maps (opts.MapOpts), --link values, and subnet containment for IPAM checks.
import { isIP } from 'node:net'

/** pflag stringSlice: comma-separated values; `flag.list` then holds arrays. */
export function csv(raw: string): string[] {
  return raw === '' ? [] : raw.split(',').map((s) => s.trim())
}

/** The values of a list flag whose parse returned arrays, flattened. */
export function flat(values: string[]): string[] {
  return (values as unknown as (string | string[])[]).flat()
}

/** opts.MapOpts / ConvertKVStringsToMap: `k=v`, a bare `k` maps to "". */
export function kvMap(values: string[]): Record<string, string> {
  const out: Record<string, string> = {}
  for (const v of values) {
    const eq = v.indexOf('=')
    if (eq < 0) out[v] = ''
    else out[v.slice(0, eq)] = v.slice(eq + 1)
  }
  return out
}

/** opts.ValidateLink: `name` or `name:alias`. */
export function linkValue(raw: string): string {
  const parts = raw.split(':')
  if (parts.length > 2 || parts.some((p) => p === '')) throw new Error(`bad format for links: ${raw}`)
  return raw
}

// ---- address arithmetic (IPv4 and IPv6 as bigints) ----

function addressToBigInt(addr: string): { value: bigint; bits: number } {
  if (isIP(addr) === 4) {
    return { value: addr.split('.').reduce((acc, p) => (acc << 8n) | BigInt(Number(p)), 0n), bits: 32 }
  }
  let text = addr
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text)
  if (v4) {
    const n = addressToBigInt(v4[1]!).value
    text = `${text.slice(0, -v4[1]!.length)}${(n >> 16n).toString(16)}:${(n & 0xffffn).toString(16)}`
  }
  const [head = '', tail] = text.split('::')
  const words = (s: string) => (s === '' ? [] : s.split(':'))
  const left = words(head)
  const right = tail === undefined ? [] : words(tail)
  const all = [...left, ...new Array<string>(8 - left.length - right.length).fill('0'), ...right]
  return { value: all.reduce((acc, w) => (acc << 16n) | BigInt(Number.parseInt(w, 16)), 0n), bits: 128 }
}

/** net.IPNet.Contains for `subnet` (CIDR) and an address of the same family. */
export function subnetContains(subnet: string, addr: string): boolean {
  const [net = '', prefix = ''] = subnet.split('/')
  const a = addressToBigInt(net)
  const b = addressToBigInt(addr)
  if (a.bits !== b.bits) return false
  const shift = BigInt(a.bits - Number(prefix))
  return a.value >> shift === b.value >> shift
}
