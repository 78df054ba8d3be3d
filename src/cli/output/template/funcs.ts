// Template functions: Go's text/template builtins plus docker's additions (json, join, split,
// lower, upper, title, pad, truncate), and docker's header variants used for `table` headers.
import { TemplateError } from './lexer.ts'
import { formatValue, goTypeOf, isMap, isStruct, NO_VALUE, sprintf, truth } from './values.ts'

export type TemplateFunc = (...args: unknown[]) => unknown
export type FuncMap = Record<string, TemplateFunc>

/** `and`/`or` get their arguments lazily (Go 1.18+ short-circuits them). */
export const LAZY = new Set(['and', 'or'])

function str(v: unknown, fn: string): string {
  if (typeof v === 'string') return v
  throw new TemplateError(`error calling ${fn}: wrong type for value; expected string; got ${goTypeOf(v)}`)
}

function basicCompare(a: unknown, b: unknown, fn: string): number {
  if (typeof a === 'number' && typeof b === 'number') return a < b ? -1 : a > b ? 1 : 0
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0
  if (typeof a === 'boolean' && typeof b === 'boolean' && (fn === 'eq' || fn === 'ne')) return a === b ? 0 : 1
  const isNil = (x: unknown) => x === null || x === undefined || x === NO_VALUE
  // Go compares pointers/interfaces against nil; anything non-nil differs from nil.
  if ((isNil(a) || isNil(b)) && (fn === 'eq' || fn === 'ne')) return isNil(a) === isNil(b) ? 0 : 1
  throw new TemplateError(`error calling ${fn}: incompatible types for comparison`)
}

function goLen(v: unknown): number {
  if (typeof v === 'string') return Buffer.byteLength(v)
  if (Array.isArray(v)) return v.length
  if (isMap(v)) return Object.keys(v).length
  throw new TemplateError(`error calling len: len of type ${goTypeOf(v)}`)
}

function goIndex(item: unknown, ...keys: unknown[]): unknown {
  let cur = item
  for (const k of keys) {
    if (Array.isArray(cur) || typeof cur === 'string') {
      if (typeof k !== 'number')
        throw new TemplateError(`error calling index: cannot index slice/array with type ${goTypeOf(k)}`)
      if (k < 0 || k >= cur.length) throw new TemplateError(`error calling index: index out of range: ${k}`)
      cur = typeof cur === 'string' ? cur.charCodeAt(k) : cur[k]
    } else if (isMap(cur)) {
      if (Object.hasOwn(cur, String(k))) cur = cur[String(k)]
      else {
        // Go returns the map's zero value: "" for map[string]string (labels, options), else nil.
        const vals = Object.values(cur)
        cur = vals.every((x) => typeof x === 'string') ? '' : NO_VALUE
      }
    } else if (cur === null || cur === undefined || cur === NO_VALUE) {
      throw new TemplateError('error calling index: index of untyped nil')
    } else throw new TemplateError(`error calling index: can't index item of type ${goTypeOf(cur)}`)
  }
  return cur
}

/** fmt.Sprint: a space between operands when neither is a string. */
function sprint(args: unknown[]): string {
  let out = ''
  args.forEach((a, i) => {
    if (i > 0 && typeof a !== 'string' && typeof args[i - 1] !== 'string') out += ' '
    out += formatValue(a)
  })
  return out
}

function goTitle(s: string): string {
  return s.replace(/(^|[^\p{L}\p{N}_'])(\p{L})/gu, (_, sep: string, ch: string) => sep + ch.toUpperCase())
}

export const builtins: FuncMap = {
  and: (...args) => {
    for (const a of args) if (!truth(a)) return a
    return args.at(-1)
  },
  or: (...args) => {
    for (const a of args) if (truth(a)) return a
    return args.at(-1)
  },
  not: (a) => !truth(a),
  len: (a) => goLen(a),
  index: (item, ...keys) => goIndex(item, ...keys),
  slice: (item, ...idx) => {
    if (typeof item !== 'string' && !Array.isArray(item))
      throw new TemplateError(`error calling slice: can't slice item of type ${goTypeOf(item)}`)
    const [a = 0, b = item.length] = idx as number[]
    if (a < 0 || b > item.length || a > b)
      throw new TemplateError(`error calling slice: index out of range: ${b}`)
    return item.slice(a, b)
  },
  print: (...args) => sprint(args),
  printf: (fmt, ...args) => sprintf(str(fmt, 'printf'), args),
  println: (...args) => `${args.map((a) => formatValue(a)).join(' ')}\n`,
  eq: (a, ...bs) => {
    if (bs.length === 0) throw new TemplateError('error calling eq: missing argument for comparison')
    return bs.some((b) => basicCompare(a, b, 'eq') === 0)
  },
  ne: (a, b) => basicCompare(a, b, 'ne') !== 0,
  lt: (a, b) => basicCompare(a, b, 'lt') < 0,
  le: (a, b) => basicCompare(a, b, 'le') <= 0,
  gt: (a, b) => basicCompare(a, b, 'gt') > 0,
  ge: (a, b) => basicCompare(a, b, 'ge') >= 0,
  html: (...args) =>
    sprint(args).replace(
      /[<>&'"\0]/g,
      (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&#39;', '"': '&#34;', '\0': '\uFFFD' })[c] ?? c,
    ),
  js: (...args) =>
    sprint(args).replace(
      /[\\'"<>&=\n\r\t]/g,
      (c) => `\\u${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`,
    ),
  urlquery: (...args) => encodeURIComponent(sprint(args)).replace(/%20/g, '+'),
  call: (fn, ...args) => {
    if (typeof fn !== 'function')
      throw new TemplateError(`error calling call: non-function of type ${goTypeOf(fn)}`)
    return fn(...args)
  },
}

/** docker's templates.basicFunctions. */
export const dockerFuncs: FuncMap = {
  json: (v) => {
    const text = JSON.stringify(v === NO_VALUE || v === undefined ? null : v) ?? 'null'
    // Formatter contexts marshal themselves with Go's json.Marshal, which escapes <, > and &.
    return isStruct(v) ? text.replace(/[<>&]/g, (c) => `\\u00${c.charCodeAt(0).toString(16)}`) : text
  },
  split: (s, sep) => str(s, 'split').split(str(sep, 'split')),
  join: (a, sep) => {
    if (!Array.isArray(a))
      throw new TemplateError(
        `error calling join: wrong type for value; expected []string; got ${goTypeOf(a)}`,
      )
    return a.map((x) => formatValue(x)).join(str(sep, 'join'))
  },
  title: (s) => goTitle(str(s, 'title')),
  lower: (s) => str(s, 'lower').toLowerCase(),
  upper: (s) => str(s, 'upper').toUpperCase(),
  pad: (s, prefix, suffix) => {
    const v = str(s, 'pad')
    return v === '' ? v : ' '.repeat(Number(prefix)) + v + ' '.repeat(Number(suffix))
  },
  truncate: (s, n) => {
    const v = str(s, 'truncate')
    return v.length < Number(n) ? v : v.slice(0, Number(n))
  },
}

/** docker's templates.HeaderFunctions: identity functions so headers pass through unchanged. */
export const headerFuncs: FuncMap = {
  json: (v) => v,
  split: (v) => v,
  join: (v) => v,
  title: (v) => v,
  lower: (v) => v,
  upper: (v) => v,
  truncate: (v) => v,
  pad: (v) => v,
}
