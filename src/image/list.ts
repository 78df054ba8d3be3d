// `docker images` filtering (moby daemon/images/images.go): dangling, label, reference
// (path.Match globs on the familiar name), before, since, until.
import { InvalidArgumentError } from '../lib/errors.ts'
import { familiarName, familiarString } from '../oci/index.ts'
import type { ImageCore, ImageView } from './core.ts'
import type { ImageListOptions } from './image-service-contract.ts'
import type { StoredImage } from './image-store.ts'

const KNOWN = new Set(['dangling', 'label', 'reference', 'before', 'since', 'until'])

/** Go's path.Match as a RegExp: `*` and `?` stop at "/", `[…]` classes. */
export function globToRegExp(pattern: string): RegExp {
  let re = ''
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!
    if (ch === '*') re += '[^/]*'
    else if (ch === '?') re += '[^/]'
    else if (ch === '[') {
      const end = pattern.indexOf(']', i + 1)
      if (end === -1) throw new InvalidArgumentError('syntax error in pattern')
      let cls = pattern.slice(i + 1, end)
      if (cls.startsWith('^')) cls = `^${cls.slice(1)}`
      re += `[${cls.replace(/\\/g, '\\\\')}]`
      i = end
    } else if (ch === '\\' && i + 1 < pattern.length) re += `\\${pattern[++i]}`
    else re += ch.replace(/[.+^${}()|\\]/g, '\\$&')
  }
  return new RegExp(`^${re}$`)
}

export function matchLabels(
  labels: Record<string, string> | undefined,
  filters: string[] | undefined,
): boolean {
  for (const f of filters ?? []) {
    const eq = f.indexOf('=')
    const key = eq === -1 ? f : f.slice(0, eq)
    if (eq === -1 ? !(labels && key in labels) : labels?.[key] !== f.slice(eq + 1)) return false
  }
  return true
}

/** A timestamp (RFC 3339 or unix seconds) or a duration ("10m", "24h") before now. */
export function parseUntil(v: string, now = Date.now()): number {
  const dur = /^(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)$/.exec(v)
  if (dur) {
    const mult: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1e3, m: 6e4, h: 3.6e6 }
    return now - Number(dur[1]) * mult[dur[2]!]!
  }
  if (/^\d+(\.\d+)?$/.test(v)) return Number(v) * 1000
  const t = Date.parse(v)
  if (Number.isNaN(t)) throw new InvalidArgumentError(`invalid filter 'until=${v}'`)
  return t
}

function createdMs(img: StoredImage): number {
  return img.config.created ? Date.parse(img.config.created) : 0
}

export function listImages(core: ImageCore, opts: ImageListOptions = {}): ImageView[] {
  const f = opts.filters ?? {}
  for (const k of Object.keys(f)) if (!KNOWN.has(k)) throw new InvalidArgumentError(`invalid filter '${k}'`)
  const dangling = f.dangling?.[0]
  if (dangling !== undefined && !['true', 'false', '1', '0'].includes(dangling.toLowerCase())) {
    throw new InvalidArgumentError(`invalid filter 'dangling=${dangling}'`)
  }
  const danglingOnly = dangling === 'true' || dangling === '1'
  const before = f.before?.length ? createdMs(core.resolve(f.before[0]!)) : undefined
  const since = f.since?.length ? createdMs(core.resolve(f.since[0]!)) : undefined
  const until = f.until?.length ? parseUntil(f.until[0]!) : undefined
  const patterns = (f.reference ?? []).map(globToRegExp)
  const out: ImageView[] = []
  for (const img of core.store.all()) {
    const t = createdMs(img)
    if (before !== undefined && t >= before) continue
    if (since !== undefined && t <= since) continue
    if (until !== undefined && t > until) continue
    if (!matchLabels(img.config.config?.Labels, f.label)) continue
    const view = core.view(img)
    if (patterns.length > 0) {
      const refs = core.store
        .refsOf(img.id)
        .filter((r) => patterns.some((p) => p.test(familiarString(r)) || p.test(familiarName(r))))
      if (refs.length === 0) continue
      view.repoTags = refs.filter((r) => r.tag !== undefined).map(familiarString)
      view.repoDigests = refs.filter((r) => r.digest !== undefined).map(familiarString)
    }
    const isDangling = view.repoTags.length === 0 && view.repoDigests.length === 0
    if (isDangling) {
      // Untagged intermediate images (parents of others) show only with all.
      if (!opts.all && core.children(img.id).length > 0) continue
      if (dangling !== undefined && !danglingOnly) continue
    } else if (danglingOnly && view.repoTags.length > 0) continue
    out.push(view)
  }
  return out.sort((a, b) => (b.created > a.created ? 1 : b.created < a.created ? -1 : 0))
}
