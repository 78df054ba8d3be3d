// A pflag-compatible command-line parser: `--flag=value`, `--flag value`, combined short flags
// (`-it`, `-p8080:80`), repeatable list flags, `--` ends flags, optional stop at the first
// positional (run/create/exec keep the container command's flags). Error texts match pflag's.

export type FlagType = 'bool' | 'string' | 'int' | 'list'

export interface FlagSpec {
  long: string
  short?: string
  type: FlagType
  /** Validates/converts a value (called per occurrence); throw an Error with pflag's reason. */
  parse?: (value: string) => unknown
  hidden?: boolean
  description?: string
}

export type FlagValues = Record<string, unknown>

export class FlagError extends Error {}

export interface ParseResult {
  /** Keyed by long name: boolean | string | number | string[] (lists) | parsed value. */
  values: FlagValues
  /** Long names that were set explicitly (pflag's Changed). */
  changed: Set<string>
  args: string[]
}

export function parseFlags(
  specs: FlagSpec[],
  argv: string[],
  opts: { interspersed?: boolean } = {},
): ParseResult {
  const interspersed = opts.interspersed ?? true
  const byLong = new Map(specs.map((s) => [s.long, s]))
  const byShort = new Map(specs.filter((s) => s.short).map((s) => [s.short as string, s]))
  const values: FlagValues = {}
  const changed = new Set<string>()
  const args: string[] = []
  for (const s of specs) if (s.type === 'list') values[s.long] = []

  const set = (spec: FlagSpec, raw: string) => {
    changed.add(spec.long)
    values[spec.long] = convert(spec, raw, values[spec.long])
  }

  let i = 0
  while (i < argv.length) {
    const a = argv[i++] ?? ''
    if (a === '--') {
      args.push(...argv.slice(i))
      break
    }
    if (a.startsWith('--') && a.length > 2) {
      const eq = a.indexOf('=')
      const name = eq >= 0 ? a.slice(2, eq) : a.slice(2)
      const spec = byLong.get(name)
      if (!spec) throw new FlagError(`unknown flag: --${name}`)
      if (eq >= 0) set(spec, a.slice(eq + 1))
      else if (spec.type === 'bool') set(spec, 'true')
      else {
        if (i >= argv.length) throw new FlagError(`flag needs an argument: --${name}`)
        set(spec, argv[i++] ?? '')
      }
      continue
    }
    if (a.startsWith('-') && a.length > 1) {
      let rest = a.slice(1)
      while (rest.length > 0) {
        const c = rest[0] ?? ''
        const spec = byShort.get(c)
        if (!spec) throw new FlagError(`unknown shorthand flag: '${c}' in -${a.slice(1)}`)
        if (rest[1] === '=') {
          set(spec, rest.slice(2))
          break
        }
        if (spec.type === 'bool') {
          set(spec, 'true')
          rest = rest.slice(1)
          continue
        }
        if (rest.length > 1) set(spec, rest.slice(1))
        else {
          if (i >= argv.length) throw new FlagError(`flag needs an argument: '${c}' in -${c}`)
          set(spec, argv[i++] ?? '')
        }
        break
      }
      continue
    }
    args.push(a)
    if (!interspersed) {
      args.push(...argv.slice(i))
      break
    }
  }
  return { values, changed, args }
}

function flagName(spec: FlagSpec): string {
  return spec.short ? `-${spec.short}, --${spec.long}` : `--${spec.long}`
}

function convert(spec: FlagSpec, raw: string, prev: unknown): unknown {
  const fail = (reason: string): never => {
    throw new FlagError(`invalid argument "${raw}" for "${flagName(spec)}" flag: ${reason}`)
  }
  let v: unknown = raw
  if (spec.type === 'bool') v = parseBool(raw) ?? fail(`strconv.ParseBool: parsing "${raw}": invalid syntax`)
  else if (spec.type === 'int') {
    if (!/^[+-]?\d+$/.test(raw)) fail(`strconv.ParseInt: parsing "${raw}": invalid syntax`)
    v = Number(raw)
  }
  if (spec.parse) {
    try {
      v = spec.parse(raw)
    } catch (err) {
      fail(err instanceof Error ? err.message : String(err))
    }
  }
  if (spec.type === 'list') return [...((prev as unknown[]) ?? []), v]
  return v
}

/** Go's strconv.ParseBool. */
export function parseBool(s: string): boolean | undefined {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(s)) return true
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(s)) return false
  return undefined
}

/** Typed accessors for parsed values. */
export const flag = {
  bool: (r: ParseResult, name: string): boolean => r.values[name] === true,
  str: (r: ParseResult, name: string): string | undefined => r.values[name] as string | undefined,
  int: (r: ParseResult, name: string): number | undefined => r.values[name] as number | undefined,
  list: (r: ParseResult, name: string): string[] => (r.values[name] as string[] | undefined) ?? [],
}
