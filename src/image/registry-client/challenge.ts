// Parses `WWW-Authenticate` challenges (RFC 7235) as registries send them: `Basic realm="…"`
// and `Bearer realm="…",service="…",scope="…"` (the distribution token auth spec). Pure.

export interface Challenge {
  scheme: 'basic' | 'bearer' | string
  params: Record<string, string>
}

/** All challenges in a header value; unknown schemes are kept, malformed input yields []. */
export function parseChallenges(header: string | null | undefined): Challenge[] {
  if (!header) return []
  const out: Challenge[] = []
  // scheme, then comma-separated key=value or key="quoted, value" pairs; a new scheme starts a new challenge.
  const re = /\s*([A-Za-z][A-Za-z0-9_-]*)(?:\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*)))?\s*,?/gy
  let current: Challenge | undefined
  let m: RegExpExecArray | null = re.exec(header)
  while (m !== null && m[0] !== '') {
    const [, name = '', quoted, bare] = m
    if (quoted === undefined && bare === undefined) {
      current = { scheme: name.toLowerCase(), params: {} }
      out.push(current)
    } else if (current) {
      current.params[name.toLowerCase()] =
        quoted !== undefined ? quoted.replace(/\\(.)/g, '$1') : (bare ?? '')
    }
    m = re.exec(header)
  }
  return out
}
