// docker's go-units helpers as the CLI prints them: decimal human sizes (HumanSizeWithPrecision),
// RAM sizes parsing (RAMInBytes / FromHumanSize), human durations, Go time formatting. Pure.
import { formatG } from './template/values.ts'

const DECIMAL = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB', 'ZB', 'YB']
const BINARY = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB', 'ZiB', 'YiB']

/** units.HumanSizeWithPrecision: "4.26MB", "0B", "1e+03kB" (sic: %.3g). */
export function humanSize(bytes: number, precision = 3): string {
  let size = bytes
  let i = 0
  while (size >= 1000 && i < DECIMAL.length - 1) {
    size /= 1000
    i++
  }
  return `${formatG(size, precision)}${DECIMAL[i]}`
}

/** units.BytesSize: binary units with 4 significant digits, "1.5GiB". */
export function bytesSize(bytes: number): string {
  let size = bytes
  let i = 0
  while (size >= 1024 && i < BINARY.length - 1) {
    size /= 1024
    i++
  }
  return `${formatG(size, 4)}${BINARY[i]}`
}

const SIZE_RE = /^(\d+(?:\.\d+)?) ?([kKmMgGtTpP])?[iI]?[bB]?$/

/** units.RAMInBytes: "512m", "1g", "1.5GB" → bytes (binary multipliers, as docker's -m). */
export function ramInBytes(s: string): number {
  const m = SIZE_RE.exec(s)
  if (!m) throw new Error(`invalid size: '${s}'`)
  const mult: Record<string, number> = { k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4, p: 1024 ** 5 }
  return Math.trunc(Number(m[1]) * (m[2] ? (mult[m[2].toLowerCase()] ?? 1) : 1))
}

/** units.FromHumanSize: decimal multipliers ("1GB" = 1e9). */
export function fromHumanSize(s: string): number {
  const m = SIZE_RE.exec(s)
  if (!m) throw new Error(`invalid size: '${s}'`)
  const mult: Record<string, number> = { k: 1e3, m: 1e6, g: 1e9, t: 1e12, p: 1e15 }
  return Math.trunc(Number(m[1]) * (m[2] ? (mult[m[2].toLowerCase()] ?? 1) : 1))
}

/** units.HumanDuration. */
export function humanDuration(ms: number): string {
  const seconds = Math.trunc(ms / 1000)
  if (seconds < 1) return 'Less than a second'
  if (seconds === 1) return '1 second'
  if (seconds < 60) return `${seconds} seconds`
  const minutes = Math.trunc(ms / 60000)
  if (minutes === 1) return 'About a minute'
  if (minutes < 60) return `${minutes} minutes`
  const hours = Math.round(ms / 3600000)
  if (hours === 1) return 'About an hour'
  if (hours < 48) return `${hours} hours`
  if (hours < 24 * 7 * 2) return `${Math.trunc(hours / 24)} days`
  if (hours < 24 * 30 * 2) return `${Math.trunc(hours / 24 / 7)} weeks`
  if (hours < 24 * 365 * 2) return `${Math.trunc(hours / 24 / 30)} months`
  return `${Math.trunc(ms / 3600000 / 24 / 365)} years`
}

/** `<duration> ago` relative to now, from Unix seconds. */
export function humanSince(unixSeconds: number, now: Date): string {
  return `${humanDuration(now.getTime() - unixSeconds * 1000)} ago`
}

const pad2 = (n: number) => String(n).padStart(2, '0')

/** Go's time.Time.String() without monotonic part: "2006-01-02 15:04:05 -0700 MST" (local zone). */
export function goTimeString(d: Date): string {
  const off = -d.getTimezoneOffset()
  const sign = off >= 0 ? '+' : '-'
  const zone = `${sign}${pad2(Math.trunc(Math.abs(off) / 60))}${pad2(Math.abs(off) % 60)}`
  const date = `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())}`
  const time = `${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}`
  return `${date} ${time} ${zone} ${zoneAbbrev(d, off)}`
}

function zoneAbbrev(d: Date, offsetMinutes: number): string {
  const tz = Intl.DateTimeFormat().resolvedOptions().timeZone
  if (offsetMinutes === 0 && (tz === 'UTC' || tz === 'Etc/UTC' || !tz)) return 'UTC'
  const part = new Intl.DateTimeFormat('en-US', { timeZoneName: 'short' })
    .formatToParts(d)
    .find((p) => p.type === 'timeZoneName')
  const name = part?.value ?? ''
  // Go prints the numeric offset when the zone has no abbreviation ("GMT+1" in ICU).
  return /^GMT[+-]/.test(name) ? zone(offsetMinutes) : name || 'UTC'
}

function zone(off: number): string {
  const sign = off >= 0 ? '+' : '-'
  const h = Math.trunc(Math.abs(off) / 60)
  const m = Math.abs(off) % 60
  return m === 0 ? `${sign}${pad2(h)}` : `${sign}${pad2(h)}${pad2(m)}`
}

/** Go's time.Duration.String(): "1h2m3s", "1.5s", "0s". */
export function goDuration(ns: number): string {
  if (ns === 0) return '0s'
  const neg = ns < 0
  let rest = Math.abs(ns)
  let out: string
  if (rest < 1e9) {
    out = rest < 1e3 ? `${rest}ns` : rest < 1e6 ? `${trimZeros(rest / 1e3)}µs` : `${trimZeros(rest / 1e6)}ms`
  } else {
    const h = Math.trunc(rest / 3.6e12)
    rest -= h * 3.6e12
    const m = Math.trunc(rest / 6e10)
    rest -= m * 6e10
    const s = trimZeros(rest / 1e9)
    out = h > 0 ? `${h}h${m}m${s}s` : m > 0 ? `${m}m${s}s` : `${s}s`
  }
  return neg ? `-${out}` : out
}

function trimZeros(n: number): string {
  return n.toFixed(9).replace(/\.?0+$/, '')
}
