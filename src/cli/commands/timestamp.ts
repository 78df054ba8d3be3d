// docker's timetypes.GetTimestamp for --since/--until: a Go duration ("10m") is relative to now,
// RFC 3339-like dates become "seconds.nanoseconds", Unix timestamps pass through.
import { parseGoDuration } from './container/create-flags.ts'

export function getTimestamp(value: string, now: Date): string {
  const d = value !== '0' ? parseGoDuration(value) : undefined
  if (d !== undefined) return String(Math.trunc((now.getTime() - d / 1e6) / 1000))
  if (/^\d+(\.\d{1,9})?$/.test(value)) return value
  if (value.includes('-')) {
    const hasZone = /[zZ]|[+-]\d\d:?\d\d$/.test(value.split('T')[1] ?? '') || /[zZ+]/.test(value)
    let iso = value
    if (/^\d{4}-\d{2}-\d{2}T\d{2}$/.test(iso)) iso += ':00'
    const ms = Date.parse(hasZone ? iso : iso.includes('T') ? iso : `${iso}T00:00:00`)
    if (Number.isNaN(ms)) throw new Error(`parsing time "${value}": cannot parse`)
    const frac = /\.(\d{1,9})/.exec(value)?.[1] ?? ''
    const nanos = frac.padEnd(9, '0')
    return `${Math.floor(ms / 1000)}.${frac === '' ? '000000000' : nanos}`
  }
  throw new Error(`failed to parse value as time or duration: "${value}"`)
}
