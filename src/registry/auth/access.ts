// Access scopes as the Docker token protocol writes them ("repository:foo/bar:pull,push",
// "registry:catalog:*") and the WWW-Authenticate challenge strings. Pure.

export interface Access {
  type: 'repository' | 'registry'
  name: string
  actions: string[]
}

export function scopeString(a: Access): string {
  return `${a.type}:${a.name}:${a.actions.join(',')}`
}

/** Parses one or more space-separated scopes; malformed ones are skipped (as distribution does). */
export function parseScopes(s: string): Access[] {
  const out: Access[] = []
  for (const part of s.split(' ').filter(Boolean)) {
    const first = part.indexOf(':')
    const last = part.lastIndexOf(':')
    if (first < 0 || last === first) continue
    const type = part.slice(0, first)
    if (type !== 'repository' && type !== 'registry') continue
    out.push({
      type,
      name: part.slice(first + 1, last),
      actions: part
        .slice(last + 1)
        .split(',')
        .filter(Boolean),
    })
  }
  return out
}

/** True when `granted` covers every action of every `needed` scope. */
export function covers(granted: Access[], needed: Access[]): boolean {
  return needed.every((n) =>
    n.actions.every((act) =>
      granted.some(
        (g) => g.type === n.type && g.name === n.name && (g.actions.includes(act) || g.actions.includes('*')),
      ),
    ),
  )
}

export function bearerChallenge(realm: string, service: string, needed: Access[], error?: string): string {
  const parts = [`realm=${quote(realm)}`, `service=${quote(service)}`]
  if (needed.length > 0) parts.push(`scope=${quote(needed.map(scopeString).join(' '))}`)
  if (error) parts.push(`error=${quote(error)}`)
  return `Bearer ${parts.join(',')}`
}

export function basicChallenge(realm: string): string {
  return `Basic realm=${quote(realm)}`
}

function quote(s: string): string {
  return `"${s.replace(/["\\]/g, '\\$&')}"`
}
