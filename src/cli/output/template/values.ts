// How Go's fmt prints template values (%v, %q, printf verbs) and text/template's notion of truth.
// JSON-shaped data stands in for Go values: plain objects are maps, class instances are structs.

/** A missing map key under missingkey=default: prints as "<no value>". */
export const NO_VALUE: unique symbol = Symbol('no value')

/** Objects whose missing fields are an error (Go structs), e.g. docker's formatter contexts. */
export interface StructLike {
  /** Go type name for error messages, e.g. "*formatter.ContainerContext". */
  readonly goType: string
}

export function isStruct(v: unknown): v is StructLike {
  return (
    typeof v === 'object' && v !== null && !Array.isArray(v) && Object.getPrototypeOf(v) !== Object.prototype
  )
}

export function isMap(v: unknown): v is Record<string, unknown> {
  return (
    typeof v === 'object' && v !== null && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype
  )
}

/** text/template truth: false, 0, nil, and empty strings/arrays/maps are false. */
export function truth(v: unknown): boolean {
  if (v === null || v === undefined || v === NO_VALUE) return false
  if (typeof v === 'boolean') return v
  if (typeof v === 'number') return v !== 0
  if (typeof v === 'string') return v.length > 0
  if (Array.isArray(v)) return v.length > 0
  if (isMap(v)) return Object.keys(v).length > 0
  return true
}

/** Go's %v. */
export function formatValue(v: unknown, nested = false): string {
  if (v === NO_VALUE) return '<no value>'
  if (v === null || v === undefined) return '<nil>'
  if (typeof v === 'string') return v
  if (typeof v === 'number') return formatNumber(v)
  if (typeof v === 'boolean' || typeof v === 'bigint') return String(v)
  if (typeof v === 'function') return '<func>'
  if (Array.isArray(v)) return `[${v.map((x) => formatValue(x, true)).join(' ')}]`
  if (isMap(v)) {
    const keys = Object.keys(v).sort()
    return `map[${keys.map((k) => `${k}:${formatValue(v[k], true)}`).join(' ')}]`
  }
  if (
    typeof (v as { toString?: unknown }).toString === 'function' &&
    (v as object).toString !== Object.prototype.toString
  )
    return String(v)
  void nested
  const fields = Object.entries(v as object).filter(([, x]) => typeof x !== 'function')
  return `{${fields.map(([, x]) => formatValue(x, true)).join(' ')}}`
}

/** Go prints float64 with the shortest representation, switching to e-notation at 1e21 / 1e-4. */
export function formatNumber(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 1e21) return String(n)
  if (!Number.isFinite(n)) return Number.isNaN(n) ? 'NaN' : n > 0 ? '+Inf' : '-Inf'
  const abs = Math.abs(n)
  if (abs !== 0 && (abs < 1e-4 || abs >= 1e21)) return goExponent(n.toExponential())
  return String(n)
}

/** JS "1.5e+21" → Go "1.5e+21"; JS "1e-7" → Go "1e-07" (at least two exponent digits). */
function goExponent(s: string): string {
  return s.replace(/e([+-])(\d)$/, 'e$10$2')
}

/** Go's strconv.Quote. */
export function goQuote(s: string): string {
  let out = '"'
  for (const ch of s) {
    const c = ch.codePointAt(0) ?? 0
    if (ch === '"' || ch === '\\') out += `\\${ch}`
    else if (c === 7) out += '\\a'
    else if (c === 8) out += '\\b'
    else if (c === 12) out += '\\f'
    else if (c === 10) out += '\\n'
    else if (c === 13) out += '\\r'
    else if (c === 9) out += '\\t'
    else if (c === 11) out += '\\v'
    else if (c < 0x20 || c === 0x7f) out += `\\x${c.toString(16).padStart(2, '0')}`
    else if (c >= 0x80 && c < 0xa0) out += `\\u00${c.toString(16).padStart(2, '0')}`
    else if (c === 0xfffd && ch !== '\ufffd') out += '\\ufffd'
    else out += ch
  }
  return `${out}"`
}

/** A subset of Go's fmt.Sprintf: flags -+# 0 and space, width, precision, verbs v s q d t x X o b c e f g %. */
export function sprintf(format: string, args: unknown[]): string {
  let argi = 0
  return format.replace(
    /%([-+# 0]*)(\*|\d+)?(?:\.(\*|\d+)?)?([a-zA-Z%])/g,
    (whole, flags: string, w, p, verb: string) => {
      if (verb === '%') return '%'
      let width = w === '*' ? Number(args[argi++]) : w === undefined ? undefined : Number(w)
      const prec = p === '*' ? Number(args[argi++]) : whole.includes('.') ? Number(p ?? 0) : undefined
      if (argi >= args.length) return `%!${verb}(MISSING)`
      const arg = args[argi++]
      let s = formatVerb(verb, arg, flags, prec)
      if (width !== undefined && width < 0) {
        flags += '-'
        width = -width
      }
      if (width !== undefined && [...s].length < width) {
        const pad = width - [...s].length
        if (flags.includes('-')) s += ' '.repeat(pad)
        else if (flags.includes('0') && typeof arg === 'number') {
          const sign = /^[+-]/.test(s) ? (s[0] ?? '') : ''
          s = sign + '0'.repeat(pad) + s.slice(sign.length)
        } else s = ' '.repeat(pad) + s
      }
      return s
    },
  )
}

function formatVerb(verb: string, arg: unknown, flags: string, prec: number | undefined): string {
  const signed = (s: string, n: number) =>
    n >= 0 && flags.includes('+') ? `+${s}` : n >= 0 && flags.includes(' ') ? ` ${s}` : s
  switch (verb) {
    case 'v':
      return formatValue(arg)
    case 's': {
      const s = arg instanceof Uint8Array ? Buffer.from(arg).toString() : formatValue(arg)
      return prec === undefined ? s : [...s].slice(0, prec).join('')
    }
    case 'q':
      return typeof arg === 'number' ? `'${String.fromCodePoint(arg)}'` : goQuote(formatValue(arg))
    case 't':
      return typeof arg === 'boolean' ? String(arg) : `%!t(${goTypeOf(arg)}=${formatValue(arg)})`
    case 'd':
      return typeof arg === 'number'
        ? signed(String(Math.trunc(arg)), arg)
        : `%!d(${goTypeOf(arg)}=${formatValue(arg)})`
    case 'x':
    case 'X': {
      let s =
        typeof arg === 'number' ? Math.trunc(arg).toString(16) : Buffer.from(formatValue(arg)).toString('hex')
      if (flags.includes('#')) s = `0x${s}`
      return verb === 'X' ? s.toUpperCase() : s
    }
    case 'o':
      return typeof arg === 'number'
        ? Math.trunc(arg).toString(8)
        : `%!o(${goTypeOf(arg)}=${formatValue(arg)})`
    case 'b':
      return typeof arg === 'number'
        ? Math.trunc(arg).toString(2)
        : `%!b(${goTypeOf(arg)}=${formatValue(arg)})`
    case 'c':
      return typeof arg === 'number' ? String.fromCodePoint(arg) : `%!c(${goTypeOf(arg)}=${formatValue(arg)})`
    case 'f':
    case 'F':
      return typeof arg === 'number'
        ? signed(arg.toFixed(prec ?? 6), arg)
        : `%!f(${goTypeOf(arg)}=${formatValue(arg)})`
    case 'e':
      return typeof arg === 'number'
        ? signed(goExponent(arg.toExponential(prec ?? 6)), arg)
        : `%!e(${goTypeOf(arg)}=${formatValue(arg)})`
    case 'g':
      return typeof arg === 'number'
        ? signed(prec === undefined ? formatNumber(arg) : formatG(arg, prec), arg)
        : `%!g(${goTypeOf(arg)}=${formatValue(arg)})`
    default:
      return `%!${verb}(${goTypeOf(arg)}=${formatValue(arg)})`
  }
}

/** Go's %.<prec>g: exponent form when exp < -4 || exp >= prec; trailing zeros removed. */
export function formatG(x: number, prec: number): string {
  if (x === 0) return '0'
  const p = Math.max(prec, 1)
  const [mant = '0', expText = '0'] = x.toExponential(p - 1).split('e')
  const exp = Number(expText)
  if (exp < -4 || exp >= p) {
    const m = mant.includes('.') ? mant.replace(/\.?0+$/, '') : mant
    return `${m}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`
  }
  const fixed = x.toFixed(Math.max(0, p - 1 - exp))
  return fixed.includes('.') ? fixed.replace(/\.?0+$/, '') : fixed
}

export function goTypeOf(v: unknown): string {
  if (v === null || v === undefined || v === NO_VALUE) return '<nil>'
  if (typeof v === 'string') return 'string'
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float64'
  if (typeof v === 'boolean') return 'bool'
  if (Array.isArray(v)) return '[]interface {}'
  if (isMap(v)) return 'map[string]interface {}'
  if (isStruct(v)) return (v as StructLike).goType ?? 'struct'
  return 'interface {}'
}
