// Dockerfile variable expansion (reference "Environment replacement"): one shell-like lexer
// that removes quotes and escapes and substitutes $v ${v} ${v:-w} ${v-w} ${v:+w} ${v+w}
// ${v:?m} ${v?m} ${v#p} ${v##p} ${v%p} ${v%%p} ${v/p/r} ${v//p/r}, as BuildKit's shell.Lex.
// It does no command substitution and no field splitting other than expandWords' whitespace.
import { InvalidArgumentError } from '../../lib/errors.ts'
import type { ExpandOptions, VarLookup } from './types.ts'

export interface LexOptions extends ExpandOptions {
  /** Keep quote characters in the result (used to detect quoted heredoc words). */
  rawQuotes?: boolean
  /** Keep escape characters in the result. */
  rawEscapes?: boolean
  /** Leave `$name`/`${name}` of unset variables as written. */
  skipUnset?: boolean
  /** Quotes are plain characters (heredoc bodies). */
  skipQuotes?: boolean
}

const EOF = ''

class Words {
  word = ''
  words: string[] = []
  inWord = false
  addChar(ch: string): void {
    if (isSpace(ch)) {
      if (this.inWord && this.word.length > 0) {
        this.words.push(this.word)
        this.word = ''
        this.inWord = false
      }
    } else this.addRawChar(ch)
  }
  addRawChar(ch: string): void {
    this.word += ch
    this.inWord = true
  }
  addString(s: string): void {
    for (const ch of s) this.addChar(ch)
  }
  addRawString(s: string): void {
    this.word += s
    this.inWord = true
  }
  get(): string[] {
    if (this.word.length > 0) {
      this.words.push(this.word)
      this.word = ''
      this.inWord = false
    }
    return this.words
  }
}

function isSpace(ch: string): boolean {
  return /^\s$/u.test(ch)
}

class Lexer {
  private readonly chars: string[]
  private pos = 0
  private readonly escape: string
  private readonly vars: VarLookup
  private readonly opts: LexOptions
  constructor(src: string, vars: VarLookup, opts: LexOptions) {
    this.chars = Array.from(src)
    this.vars = vars
    this.opts = opts
    this.escape = opts.escape ?? '\\'
  }

  private peek(): string {
    return this.chars[this.pos] ?? EOF
  }
  private next(): string {
    const ch = this.chars[this.pos] ?? EOF
    if (ch !== EOF) this.pos++
    return ch
  }

  run(): { word: string; words: string[] } {
    return this.processStopOn(EOF, this.opts.rawEscapes ?? false)
  }

  private processStopOn(stop: string, rawEscapes: boolean): { word: string; words: string[] } {
    let result = ''
    const words = new Words()
    while (this.peek() !== EOF) {
      const ch = this.peek()
      if (stop !== EOF && ch === stop) {
        this.next()
        return { word: result, words: words.get() }
      }
      if (ch === '$') {
        const value = this.processDollar()
        result += value
        words.addString(value)
      } else if ((ch === "'" || ch === '"') && !this.opts.skipQuotes) {
        const value = ch === "'" ? this.processSingleQuote() : this.processDoubleQuote()
        result += value
        words.addRawString(value)
      } else {
        let c = this.next()
        if (c === this.escape) {
          if (rawEscapes) {
            words.addRawChar(c)
            result += c
          }
          c = this.next()
          if (c === EOF) break
          words.addRawChar(c)
        } else words.addChar(c)
        result += c
      }
    }
    if (stop !== EOF) throw new Error(`unexpected end of statement while looking for matching ${stop}`)
    return { word: result, words: words.get() }
  }

  private processSingleQuote(): string {
    // POSIX: everything between single quotes is literal; a single quote cannot be escaped.
    let result = this.opts.rawQuotes ? "'" : ''
    this.next()
    for (;;) {
      const ch = this.next()
      if (ch === EOF) throw new Error('unexpected end of statement while looking for matching single-quote')
      if (ch === "'") return this.opts.rawQuotes ? `${result}'` : result
      result += ch
    }
  }

  private processDoubleQuote(): string {
    // POSIX: inside double quotes only $ expands and the escape quotes `"`, `$` and itself.
    let result = this.opts.rawQuotes ? '"' : ''
    this.next()
    for (;;) {
      const ch = this.peek()
      if (ch === EOF) throw new Error('unexpected end of statement while looking for matching double-quote')
      if (ch === '"') {
        this.next()
        return this.opts.rawQuotes ? `${result}"` : result
      }
      if (ch === '$') {
        result += this.processDollar()
        continue
      }
      let c = this.next()
      if (c === this.escape) {
        const after = this.peek()
        if (after === EOF) continue
        if (after === '"' || after === '$' || after === this.escape) {
          if (this.opts.rawEscapes) result += c
          c = this.next()
        }
      }
      result += c
    }
  }

  private lookup(name: string): string | undefined {
    this.opts.onUse?.(name)
    return this.vars(name)
  }

  private processDollar(): string {
    this.next()
    if (this.peek() !== '{') {
      const name = this.processName()
      if (name === '') return '$'
      const value = this.lookup(name)
      if (value === undefined && this.opts.skipUnset) return `$${name}`
      return value ?? ''
    }
    this.next()
    const first = this.peek()
    if (first === EOF) throw new Error("syntax error: missing '}'")
    if (first === '{' || first === '}' || first === ':') throw new Error('syntax error: bad substitution')
    const name = this.processName()
    let ch = this.next()
    if (ch === EOF) throw new Error("syntax error: missing '}'")
    let modifier = ch
    let nullIsUnset = false
    if (ch === '}') {
      const value = this.lookup(name)
      if (value === undefined && this.opts.skipUnset) return `\${${name}}`
      return value ?? ''
    }
    if (ch === '/') return this.processReplace(name)
    if (ch === ':') {
      nullIsUnset = true
      ch = this.next()
      modifier += ch
    }
    if (!['+', '-', '?', '#', '%'].includes(ch) || (nullIsUnset && (ch === '#' || ch === '%'))) {
      throw new Error(`unsupported modifier (${modifier}) in substitution`)
    }
    const word = this.wordUntilBrace(ch === '#' || ch === '%')
    const raw = this.lookup(name)
    const value = raw ?? ''
    const set = raw !== undefined && !(nullIsUnset && raw === '')
    switch (ch) {
      case '-':
        return set ? value : word
      case '+':
        return set ? word : ''
      case '?': {
        if (set) return value
        let message = raw === undefined ? 'is not allowed to be unset' : 'is not allowed to be empty'
        if (word !== '') message = word
        throw new Error(`${name}: ${message}`)
      }
      default: {
        let pattern = word
        let greedy = false
        if (pattern.startsWith(ch)) {
          greedy = true
          pattern = pattern.slice(1)
        }
        return ch === '%' ? trimSuffix(pattern, value, greedy) : trimPrefix(pattern, value, greedy)
      }
    }
  }

  private wordUntilBrace(rawEscapes: boolean): string {
    try {
      return this.processStopOn('}', rawEscapes).word
    } catch (err) {
      if (this.peek() === EOF) throw new Error("syntax error: missing '}'")
      throw err
    }
  }

  private processReplace(name: string): string {
    let all = false
    if (this.peek() === '/') {
      all = true
      this.next()
    }
    const pattern = this.processStopOn('/', true).word
    const replacement = this.wordUntilBrace(true)
    const value = this.lookup(name) ?? ''
    // A global RegExp replaces every match, a plain one only the first.
    return value.replace(patternToRegExp(pattern, true, all), () => replacement)
  }

  private processName(): string {
    let name = ''
    while (this.peek() !== EOF) {
      const ch = this.peek()
      if (name === '' && /^\p{Nd}$/u.test(ch)) {
        while (/^\p{Nd}$/u.test(this.peek())) name += this.next()
        return name
      }
      if (name === '' && '@*#?-$!0'.includes(ch)) return this.next()
      if (!/^[\p{L}\p{Nd}_]$/u.test(ch)) break
      name += this.next()
    }
    return name
  }
}

/** Shell glob (`*`, `?`, `\x` literal) to a RegExp. */
function patternToRegExp(pattern: string, greedy: boolean, global = false, anchored = false): RegExp {
  let src = ''
  const chars = Array.from(pattern)
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i] as string
    if (ch === '\\' && i + 1 < chars.length) {
      src += escapeRegExp(chars[++i] as string)
    } else if (ch === '*') src += greedy ? '.*' : '.*?'
    else if (ch === '?') src += '.'
    else src += escapeRegExp(ch)
  }
  return new RegExp(anchored ? `^(?:${src})$` : src, global ? 'gsu' : 'su')
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&')
}

function trimPrefix(pattern: string, value: string, greedy: boolean): string {
  const re = patternToRegExp(pattern, true, false, true)
  const chars = Array.from(value)
  const order = greedy ? range(chars.length, -1) : range(0, chars.length + 1)
  for (const i of order) {
    if (re.test(chars.slice(0, i).join(''))) return chars.slice(i).join('')
  }
  return value
}

function trimSuffix(pattern: string, value: string, greedy: boolean): string {
  const re = patternToRegExp(pattern, true, false, true)
  const chars = Array.from(value)
  const order = greedy ? range(0, chars.length + 1) : range(chars.length, -1)
  for (const i of order) {
    if (re.test(chars.slice(i).join(''))) return chars.slice(0, i).join('')
  }
  return value
}

function range(from: number, to: number): number[] {
  const out: number[] = []
  if (from <= to) for (let i = from; i < to; i++) out.push(i)
  else for (let i = from; i > to; i--) out.push(i)
  return out
}

/** Runs the lexer; syntax errors become InvalidArgumentError `failed to process "<word>": …`. */
export function lex(word: string, vars: VarLookup, opts: LexOptions = {}): { word: string; words: string[] } {
  try {
    return new Lexer(word, vars, opts).run()
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err)
    throw new InvalidArgumentError(`failed to process "${word}": ${message}`, { cause: err })
  }
}

/** One word with quotes and escapes removed and variables substituted. @throws InvalidArgumentError */
export function expand(word: string, vars: VarLookup, opts: ExpandOptions = {}): string {
  return lex(word, vars, opts).word
}

/** Expands then splits on unquoted whitespace (quoted empty strings are dropped, as BuildKit). */
export function expandWords(text: string, vars: VarLookup, opts: ExpandOptions = {}): string[] {
  return lex(text, vars, opts).words
}

/**
 * Expands a heredoc body the way a POSIX shell expands an unquoted here-document: variables
 * are substituted, quotes stay as written, and the backslash only escapes `$`, `` ` `` and `\`.
 */
export function expandHeredoc(content: string, vars: VarLookup, opts: ExpandOptions = {}): string {
  let out = ''
  let rest = content
  while (rest.length > 0) {
    const i = rest.search(/[\\$]/)
    if (i < 0) {
      out += rest
      break
    }
    out += rest.slice(0, i)
    rest = rest.slice(i)
    if (rest[0] === '\\') {
      const next = rest[1]
      if (next === '$' || next === '`' || next === '\\') {
        out += next
        rest = rest.slice(2)
      } else {
        out += '\\'
        rest = rest.slice(1)
      }
      continue
    }
    // A `$` expression: lex just that expression with quotes as plain characters.
    const end = dollarEnd(rest)
    out += lex(rest.slice(0, end), vars, { ...opts, escape: '\\', skipQuotes: true }).word
    rest = rest.slice(end)
  }
  return out
}

/** Length of the `$...` expression at the start of s (`$name`, `${...}` with nesting, or `$`). */
function dollarEnd(s: string): number {
  if (s[1] === '{') {
    let depth = 0
    for (let i = 1; i < s.length; i++) {
      if (s[i] === '\\') i++
      else if (s[i] === '{') depth++
      else if (s[i] === '}' && --depth === 0) return i + 1
    }
    return s.length
  }
  const m = /^\$(?:[0-9]+|[@*#?\-$!]|[\p{L}\p{Nd}_]+)/u.exec(s)
  return m ? m[0].length : 1
}
