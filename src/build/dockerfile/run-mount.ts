// `RUN --mount=<csv>` values parsed into RunMount, with BuildKit's keys, defaults and messages
// (reference "RUN --mount"). Values may hold variables: the parser validates what it can and
// expandInstruction re-parses with an expander at build time.
import { InstructionError } from './errors.ts'
import { withSuggestion } from './flags.ts'
import type { RunMount } from './types.ts'

const mountTypes = ['bind', 'cache', 'tmpfs', 'secret', 'ssh'] as const
const sharings = ['shared', 'private', 'locked'] as const
const allKeys = [
  'type',
  'from',
  'source',
  'target',
  'readonly',
  'id',
  'sharing',
  'required',
  'mode',
  'uid',
  'gid',
  'src',
  'dst',
  'destination',
  'ro',
  'rw',
  'readwrite',
  'size',
  'env',
]

/**
 * Parses one --mount value. Without `expand`, values containing `$` are kept raw and not
 * validated (they are checked again once expanded). @throws InstructionError
 */
export function parseRunMount(raw: string, expand?: (value: string) => string): RunMount {
  const m: RunMount = { type: 'bind', target: '', readonly: true, raw }
  let roAuto = true
  // With unexpanded variables the cross-field checks wait for the build-time re-parse.
  let anyDeferred = false
  let mode: number | undefined
  let uid: number | undefined
  let gid: number | undefined
  for (const field of splitCsv(raw)) {
    const eq = field.indexOf('=')
    const key = (eq < 0 ? field : field.slice(0, eq)).toLowerCase()
    if (eq < 0) {
      if (key === 'readonly' || key === 'ro' || key === 'readwrite' || key === 'rw') {
        m.readonly = key === 'readonly' || key === 'ro'
        roAuto = false
        continue
      }
      if (key === 'required') {
        if (m.type !== 'secret' && m.type !== 'ssh')
          throw new InstructionError(`unexpected key '${key}' for mount type '${m.type}'`)
        m.required = true
        continue
      }
      throw new InstructionError(`invalid field '${field}' must be a key=value pair`)
    }
    let value = field.slice(eq + 1)
    if (expand) value = expand(value)
    else if (key === 'from' && /\$./.test(value)) {
      throw new InstructionError(`'${key}' doesn't support variable expansion, define alias stage instead`)
    }
    const deferred = !expand && value.includes('$')
    if (deferred) anyDeferred = true
    switch (key) {
      case 'type': {
        const t = value.toLowerCase()
        if (!(mountTypes as readonly string[]).includes(t)) {
          if (deferred) break
          throw new InstructionError(
            withSuggestion(`unsupported mount type "${value}"`, value, [...mountTypes]),
          )
        }
        m.type = t as RunMount['type']
        break
      }
      case 'from':
        m.from = value
        break
      case 'source':
      case 'src':
        m.source = value
        break
      case 'target':
      case 'dst':
      case 'destination':
        m.target = value
        break
      case 'readonly':
      case 'ro':
      case 'readwrite':
      case 'rw': {
        const b = parseBool(value)
        if (b === undefined) {
          if (deferred) break
          throw new InstructionError(`invalid value for ${key}: ${value}`)
        }
        m.readonly = key === 'readonly' || key === 'ro' ? b : !b
        roAuto = false
        break
      }
      case 'required': {
        if (m.type !== 'secret' && m.type !== 'ssh')
          throw new InstructionError(`unexpected key '${key}' for mount type '${m.type}'`)
        const b = parseBool(value)
        if (b === undefined && !deferred) throw new InstructionError(`invalid value for ${key}: ${value}`)
        if (b !== undefined) m.required = b
        break
      }
      case 'id':
        m.id = value
        break
      case 'sharing': {
        const s = value.toLowerCase()
        if (!(sharings as readonly string[]).includes(s)) {
          if (deferred) break
          throw new InstructionError(`unsupported sharing value "${value}"`)
        }
        m.sharing = s as RunMount['sharing']
        break
      }
      case 'mode':
        if (deferred) break
        if (!/^[0-7]+$/.test(value)) throw new InstructionError(`invalid value ${value} for mode`)
        mode = Number.parseInt(value, 8)
        break
      case 'uid':
      case 'gid': {
        if (deferred) break
        if (!/^\d+$/.test(value) || Number(value) > 0xffffffff)
          throw new InstructionError(`invalid value ${value} for ${key}`)
        if (key === 'uid') uid = Number(value)
        else gid = Number(value)
        break
      }
      case 'size':
        if (m.type !== 'tmpfs')
          throw new InstructionError(`unexpected key '${key}' for mount type '${m.type}'`)
        if (deferred) break
        m.size = parseSize(value)
        break
      case 'env':
        if (m.type !== 'secret')
          throw new InstructionError(`unexpected key '${key}' for mount type '${m.type}'`)
        m.env = value
        break
      default:
        throw new InstructionError(withSuggestion(`unexpected key '${key}' in '${field}'`, key, allKeys))
    }
  }
  if (roAuto) m.readonly = !(m.type === 'cache' || m.type === 'tmpfs')
  if (mode !== undefined) m.mode = mode
  if (uid !== undefined) m.uid = uid
  if (gid !== undefined) m.gid = gid
  if (!anyDeferred) validate(m)
  return m
}

function validate(m: RunMount): void {
  const fileInfoAllowed = m.type === 'secret' || m.type === 'ssh' || m.type === 'cache'
  for (const [name, v] of [
    ['mode', m.mode],
    ['uid', m.uid],
    ['gid', m.gid],
  ] as const) {
    if (v !== undefined && !fileInfoAllowed)
      throw new InstructionError(`${name} not allowed for "${m.type}" type mounts`)
  }
  if (m.sharing !== undefined && m.type !== 'cache')
    throw new InstructionError(`invalid cache sharing set for ${m.type} mount`)
  if (m.type === 'secret') {
    if (m.from !== undefined) throw new InstructionError('secret mount should not have a from')
    if (m.source === undefined && m.target === '' && m.id === undefined && m.env === undefined) {
      throw new InstructionError('invalid secret mount. one of source, target required')
    }
    if (m.source !== undefined && m.id !== undefined)
      throw new InstructionError("both source and id can't be set")
  }
  if ((m.type === 'bind' || m.type === 'cache' || m.type === 'tmpfs') && m.target === '') {
    throw new InstructionError(`mount type ${m.type} requires a target`)
  }
}

/** Fields of one CSV record (Go encoding/csv: `"` quotes a field, `""` is a quote). */
function splitCsv(s: string): string[] {
  const fields: string[] = []
  let i = 0
  for (;;) {
    let field = ''
    if (s[i] === '"') {
      i++
      for (;;) {
        if (i >= s.length)
          throw new InstructionError(`failed to parse csv mounts: extraneous or missing " in quoted-field`)
        if (s[i] === '"') {
          if (s[i + 1] === '"') {
            field += '"'
            i += 2
            continue
          }
          i++
          break
        }
        field += s[i++]
      }
      if (i < s.length && s[i] !== ',')
        throw new InstructionError(`failed to parse csv mounts: extraneous or missing " in quoted-field`)
    } else {
      while (i < s.length && s[i] !== ',') field += s[i++]
    }
    fields.push(field)
    if (i >= s.length) return fields
    i++
  }
}

function parseBool(v: string): boolean | undefined {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(v)) return true
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(v)) return false
  return undefined
}

/** go-units RAMInBytes: `64m`, `1g`, `512k`, `100` (binary multiples). */
function parseSize(v: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([kmgtp]?)i?b?$/i.exec(v.trim())
  if (!m) throw new InstructionError(`invalid size: '${v}'`)
  const mult =
    { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4, p: 1024 ** 5 }[(m[2] ?? '').toLowerCase()] ??
    1
  return Math.floor(Number(m[1]) * mult)
}
