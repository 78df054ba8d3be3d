// Applies Dockerfile instructions given as `changes` (docker import/commit -c) to an image's
// run config. Variable substitution and ONBUILD validation are not done (TODO(image): expand
// $VAR in changes — Docker expands them against the image's ENV).
import { posix } from 'node:path'
import { InvalidArgumentError } from '../lib/errors.ts'
import type { ImageConfigConfig } from '../oci/index.ts'

const ALLOWED = new Set([
  'CMD',
  'ENTRYPOINT',
  'ENV',
  'EXPOSE',
  'LABEL',
  'ONBUILD',
  'STOPSIGNAL',
  'USER',
  'VOLUME',
  'WORKDIR',
])

/** Splits on unquoted whitespace; handles "…", '…' and backslash escapes like the Dockerfile parser. */
export function splitWords(s: string): string[] {
  const out: string[] = []
  let cur = ''
  let inWord = false
  let quote: string | undefined
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!
    if (quote) {
      if (ch === quote) quote = undefined
      else if (ch === '\\' && quote === '"' && i + 1 < s.length) cur += s[++i]
      else cur += ch
    } else if (ch === '"' || ch === "'") {
      quote = ch
      inWord = true
    } else if (ch === '\\' && i + 1 < s.length) {
      cur += s[++i]
      inWord = true
    } else if (/\s/.test(ch)) {
      if (inWord) out.push(cur)
      cur = ''
      inWord = false
    } else {
      cur += ch
      inWord = true
    }
  }
  if (quote) throw new InvalidArgumentError(`unmatched quote in: ${s}`)
  if (inWord) out.push(cur)
  return out
}

/** JSON array form, or undefined when `rest` is not a JSON array of strings. */
function jsonArray(rest: string): string[] | undefined {
  if (!rest.startsWith('[')) return undefined
  try {
    const v: unknown = JSON.parse(rest)
    if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v
  } catch {
    // Not JSON: Docker then treats the text as shell form.
    return undefined
  }
  return undefined
}

function commandForm(rest: string): string[] {
  return jsonArray(rest) ?? ['/bin/sh', '-c', rest]
}

function keyValues(instr: string, rest: string): Array<[string, string]> {
  const words = splitWords(rest)
  if (words.length === 0) throw new InvalidArgumentError(`${instr} requires at least one argument`)
  if (!words[0]!.includes('=')) {
    // Legacy form: ENV key value with spaces.
    const m = /^\s*(\S+)\s+(.*)$/s.exec(rest)
    if (!m) throw new InvalidArgumentError(`${instr} must have two arguments`)
    return [[m[1]!, splitWords(m[2]!).join(' ')]]
  }
  return words.map((w) => {
    const eq = w.indexOf('=')
    if (eq <= 0) throw new InvalidArgumentError(`${instr} names can not be blank`)
    return [w.slice(0, eq), w.slice(eq + 1)]
  })
}

function exposed(port: string): string[] {
  const m = /^(\d+)(?:-(\d+))?(?:\/(tcp|udp|sctp))?$/i.exec(port)
  if (!m) throw new InvalidArgumentError(`invalid containerPort: ${port}`)
  const from = Number(m[1])
  const to = m[2] ? Number(m[2]) : from
  const proto = (m[3] ?? 'tcp').toLowerCase()
  if (to < from || to > 65535)
    throw new InvalidArgumentError(`invalid range specified for container port: ${port}`)
  const out: string[] = []
  for (let p = from; p <= to; p++) out.push(`${p}/${proto}`)
  return out
}

/** Returns a new config with `changes` applied in order. @throws InvalidArgumentError. */
export function applyChanges(base: ImageConfigConfig, changes: string[]): ImageConfigConfig {
  const c: ImageConfigConfig = structuredClone(base)
  for (const line of changes.flatMap((ch) => ch.split('\n'))) {
    const trimmed = line.trim()
    if (trimmed === '' || trimmed.startsWith('#')) continue
    const m = /^(\S+)\s*(.*)$/s.exec(trimmed)!
    const instr = m[1]!.toUpperCase()
    const rest = m[2]!.trim()
    if (!ALLOWED.has(instr))
      throw new InvalidArgumentError(`${instr.toLowerCase()} is not a valid change command`)
    applyOne(c, instr, rest)
  }
  return c
}

function applyOne(c: ImageConfigConfig, instr: string, rest: string): void {
  switch (instr) {
    case 'CMD':
      c.Cmd = commandForm(rest)
      return
    case 'ENTRYPOINT':
      c.Entrypoint = commandForm(rest)
      return
    case 'ENV': {
      const env = [...(c.Env ?? [])]
      for (const [k, v] of keyValues('ENV', rest)) {
        const i = env.findIndex((e) => e.split('=')[0] === k)
        if (i === -1) env.push(`${k}=${v}`)
        else env[i] = `${k}=${v}`
      }
      c.Env = env
      return
    }
    case 'LABEL':
      c.Labels = { ...(c.Labels ?? {}), ...Object.fromEntries(keyValues('LABEL', rest)) }
      return
    case 'EXPOSE':
      c.ExposedPorts = { ...(c.ExposedPorts ?? {}) }
      for (const p of splitWords(rest).flatMap(exposed)) c.ExposedPorts[p] = {}
      return
    case 'VOLUME': {
      const vols = jsonArray(rest) ?? splitWords(rest)
      c.Volumes = { ...(c.Volumes ?? {}) }
      for (const v of vols) c.Volumes[v] = {}
      return
    }
    case 'USER':
      c.User = rest
      return
    case 'WORKDIR':
      c.WorkingDir = posix.resolve('/', c.WorkingDir ?? '/', rest)
      return
    case 'STOPSIGNAL':
      c.StopSignal = rest
      return
    case 'ONBUILD':
      c.OnBuild = [...(c.OnBuild ?? []), rest]
      return
  }
}
