// docker's DisplayablePorts: groups consecutive container ports ("80-81/tcp"), shows published
// mappings ("0.0.0.0:8080->80/tcp"), in docker's sort order. Pure.
import type { Port } from '../../api/types/index.ts'

export function displayablePorts(input: Port[]): string {
  const ports = [...input].sort(comparePorts)
  const groups = new Map<string, { first: number; last: number }>()
  const result: string[] = []
  const hostMappings: string[] = []
  for (const port of ports) {
    const current = port.PrivatePort
    let key: string = port.Type
    if (port.IP) {
      if (port.PublicPort !== current) {
        hostMappings.push(`${joinHostPort(port.IP, port.PublicPort ?? 0)}->${port.PrivatePort}/${port.Type}`)
        continue
      }
      key = `${port.IP}/${port.Type}`
    }
    const group = groups.get(key)
    if (!group) {
      groups.set(key, { first: current, last: current })
      continue
    }
    if (current === group.last + 1) {
      group.last = current
      continue
    }
    result.push(formGroup(key, group.first, group.last))
    // Go re-creates the group under the same key; map order keeps the key's first position.
    groups.set(key, { first: current, last: current })
  }
  for (const [key, g] of groups) result.push(formGroup(key, g.first, g.last))
  result.push(...hostMappings)
  return result.join(', ')
}

function formGroup(key: string, start: number, last: number): string {
  const slash = key.lastIndexOf('/')
  const ip = slash >= 0 ? key.slice(0, slash) : ''
  const type = slash >= 0 ? key.slice(slash + 1) : key
  let group = start === last ? String(start) : `${start}-${last}`
  if (ip !== '') group = `${ip}:${group}->${group}`
  return `${group}/${type}`
}

function joinHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`
}

function comparePorts(a: Port, b: Port): number {
  if (a.PrivatePort !== b.PrivatePort) return a.PrivatePort - b.PrivatePort
  const ai = a.IP ?? ''
  const bi = b.IP ?? ''
  if (ai !== bi) return ai < bi ? -1 : 1
  if ((a.PublicPort ?? 0) !== (b.PublicPort ?? 0)) return (a.PublicPort ?? 0) - (b.PublicPort ?? 0)
  return a.Type < b.Type ? -1 : a.Type > b.Type ? 1 : 0
}
