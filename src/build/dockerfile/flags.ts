// Instruction flags (`--name=value`, `--bool`, repeatable `--name=v1 --name=v2`), with
// BuildKit's BFlags rules and messages. Values stay raw: expansion happens at build time.
import { InstructionError } from './errors.ts'

type FlagType = 'bool' | 'string' | 'strings'

export class Flags {
  private readonly defs = new Map<string, FlagType>()
  private readonly values = new Map<string, string[]>()

  private readonly raw: string[]

  constructor(raw: string[]) {
    this.raw = raw
  }

  bool(name: string): this {
    this.defs.set(name, 'bool')
    return this
  }
  string(name: string): this {
    this.defs.set(name, 'string')
    return this
  }
  strings(name: string): this {
    this.defs.set(name, 'strings')
    return this
  }

  /** Validates the raw flags against the declared ones. @throws InstructionError */
  parse(): this {
    for (const arg of this.raw) {
      if (!arg.startsWith('--')) throw new InstructionError(`arg should start with -- : ${arg}`)
      if (arg === '--') break
      let name = arg.slice(2)
      let value: string | undefined
      const eq = name.indexOf('=')
      if (eq >= 0) {
        value = name.slice(eq + 1)
        name = name.slice(0, eq)
      }
      const type = this.defs.get(name)
      if (type === undefined)
        throw new InstructionError(withSuggestion(`unknown flag: ${name}`, name, [...this.defs.keys()]))
      if (this.values.has(name) && type !== 'strings')
        throw new InstructionError(`duplicate flag specified: ${name}`)
      if (type === 'bool') {
        if (value === '') throw new InstructionError(`missing a value on flag: ${name}`)
        const lower = (value ?? 'true').toLowerCase()
        if (lower !== 'true' && lower !== 'false') {
          throw new InstructionError(`expecting boolean value for flag ${name}, not: ${value}`)
        }
        this.values.set(name, [lower])
        continue
      }
      if (value === undefined) throw new InstructionError(`missing a value on flag: ${name}`)
      this.values.set(name, [...(this.values.get(name) ?? []), value])
    }
    return this
  }

  getString(name: string): string | undefined {
    return this.values.get(name)?.[0]
  }
  getStrings(name: string): string[] {
    return this.values.get(name) ?? []
  }
  getBool(name: string): boolean {
    return this.values.get(name)?.[0] === 'true'
  }
  /** Undefined when the flag was not given. */
  getOptionalBool(name: string): boolean | undefined {
    const v = this.values.get(name)?.[0]
    return v === undefined ? undefined : v === 'true'
  }
}

/** Appends ` (did you mean X?)` when an option is close, like BuildKit's suggest.WrapError. */
export function withSuggestion(
  message: string,
  value: string,
  options: string[],
  caseSensitive = true,
): string {
  const v = caseSensitive ? value : value.toLowerCase()
  let match: string | undefined
  let min = 3
  for (const option of options) {
    const o = caseSensitive ? option : option.toLowerCase()
    // An exact match means the error is not about this value.
    if (o === v) return message
    const d = levenshtein(v, o)
    if (d < min) {
      match = caseSensitive ? o : matchCase(o, value)
      min = d
    }
  }
  return match === undefined ? message : `${message} (did you mean ${match}?)`
}

function matchCase(option: string, original: string): string {
  if (original === original.toLowerCase()) return option.toLowerCase()
  if (original === original.toUpperCase()) return option.toUpperCase()
  return option
}

function levenshtein(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    const cur = [i]
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      cur[j] = Math.min((prev[j] as number) + 1, (cur[j - 1] as number) + 1, (prev[j - 1] as number) + cost)
    }
    prev = cur
  }
  return prev[b.length] as number
}
