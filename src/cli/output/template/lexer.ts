// Go text/template lexer: splits a template into text and action tokens, honouring `{{- ` / ` -}}`
// trim markers and `{{/* comments */}}`. Token kinds mirror Go's lex.go closely enough for parse.ts.

export type TokenKind =
  | 'text'
  | 'leftDelim'
  | 'rightDelim'
  | 'field' // .Name
  | 'variable' // $name or $
  | 'identifier' // function or keyword
  | 'dot'
  | 'string'
  | 'rawString'
  | 'number'
  | 'bool'
  | 'nil'
  | 'pipe'
  | 'leftParen'
  | 'rightParen'
  | 'declare' // :=
  | 'assign' // =
  | 'comma'
  | 'space'
  | 'eof'

export interface Token {
  kind: TokenKind
  value: string
  /** 1-based line and column of the token start, for error messages. */
  line: number
  col: number
}

export class TemplateError extends Error {}

const KEYWORDS = new Set([
  'if',
  'else',
  'end',
  'range',
  'with',
  'define',
  'template',
  'block',
  'break',
  'continue',
])
export const isKeyword = (s: string): boolean => KEYWORDS.has(s)

export function lex(src: string): Token[] {
  const tokens: Token[] = []
  let i = 0
  // Line starts once, then a binary search per token (slicing the prefix per token was quadratic).
  const starts = [0]
  for (let k = src.indexOf('\n'); k >= 0; k = src.indexOf('\n', k + 1)) starts.push(k + 1)
  const pos = (at: number) => {
    let lo = 0
    let hi = starts.length - 1
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1
      if ((starts[mid] ?? 0) <= at) lo = mid
      else hi = mid - 1
    }
    return { line: lo + 1, col: at - (starts[lo] ?? 0) + 1 }
  }
  const push = (kind: TokenKind, value: string, at: number) => tokens.push({ kind, value, ...pos(at) })
  while (i < src.length) {
    const open = src.indexOf('{{', i)
    if (open < 0) {
      push('text', src.slice(i), i)
      break
    }
    let text = src.slice(i, open)
    const trimLeft =
      src.startsWith('{{- ', open) || src.startsWith('{{-\t', open) || src.startsWith('{{-\n', open)
    if (trimLeft) text = text.replace(/[ \t\r\n]+$/, '')
    if (text !== '') push('text', text, i)
    const j = open + (trimLeft ? 3 : 2)
    // Comments: {{/* … */}} (possibly with trim markers around them).
    const afterSpace = src.slice(j).match(/^\s*/)?.[0].length ?? 0
    if (src.startsWith('/*', j + (trimLeft ? afterSpace : 0))) {
      const end = src.indexOf('*/', j)
      if (end < 0) throw new TemplateError(`template: :${pos(open).line}: unclosed comment`)
      let k = end + 2
      const trimRight = /^\s+-}}/.test(src.slice(k))
      k = src.indexOf('}}', k)
      if (k < 0)
        throw new TemplateError(`template: :${pos(open).line}: comment ends before closing delimiter`)
      i = k + 2
      if (trimRight) i = skipSpace(src, i)
      continue
    }
    push('leftDelim', '{{', open)
    i = lexAction(src, j, push, pos)
    // lexAction leaves i after "}}" and reports whether it was "-}}".
    if (tokens.at(-1)?.value === '-}}') i = skipSpace(src, i)
  }
  push('eof', '', src.length)
  return tokens
}

function skipSpace(src: string, i: number): number {
  while (i < src.length && ' \t\r\n'.includes(src[i] ?? '')) i++
  return i
}

type Push = (kind: TokenKind, value: string, at: number) => void

function lexAction(src: string, i: number, push: Push, pos: (at: number) => { line: number }): number {
  let parenDepth = 0
  for (;;) {
    if (i >= src.length) throw new TemplateError(`template: :${pos(i).line}: unclosed action`)
    const c = src[i] ?? ''
    if (src.startsWith('}}', i)) {
      if (parenDepth > 0) throw new TemplateError(`template: :${pos(i).line}: unclosed left paren`)
      push('rightDelim', '}}', i)
      return i + 2
    }
    if (/[ \t\r\n]/.test(c)) {
      const start = i
      i = skipSpace(src, i)
      if (src.startsWith('-}}', i)) {
        push('rightDelim', '-}}', i)
        return i + 3
      }
      push('space', src.slice(start, i), start)
      continue
    }
    const start = i
    if (c === '|') push('pipe', c, i++)
    else if (c === '(') {
      parenDepth++
      push('leftParen', c, i++)
    } else if (c === ')') {
      parenDepth--
      if (parenDepth < 0) throw new TemplateError(`template: :${pos(i).line}: unexpected right paren`)
      push('rightParen', c, i++)
    } else if (c === ',') push('comma', c, i++)
    else if (src.startsWith(':=', i)) {
      push('declare', ':=', i)
      i += 2
    } else if (c === '=') push('assign', c, i++)
    else if (c === '"') {
      i++
      while (i < src.length && src[i] !== '"') {
        if (src[i] === '\\') i++
        if (src[i] === '\n') throw new TemplateError(`template: :${pos(i).line}: unterminated quoted string`)
        i++
      }
      if (i >= src.length)
        throw new TemplateError(`template: :${pos(start).line}: unterminated quoted string`)
      i++
      push('string', src.slice(start, i), start)
    } else if (c === '`') {
      const end = src.indexOf('`', i + 1)
      if (end < 0) throw new TemplateError(`template: :${pos(start).line}: unterminated raw quoted string`)
      i = end + 1
      push('rawString', src.slice(start, i), start)
    } else if (c === "'") {
      const m = /^'(\\.|[^\\'])+'/.exec(src.slice(i))
      if (!m) throw new TemplateError(`template: :${pos(i).line}: unterminated character constant`)
      i += m[0].length
      push('number', String(charCode(m[0])), start)
    } else if (c === '$') {
      const m = /^\$[A-Za-z0-9_]*/.exec(src.slice(i))
      i += m?.[0].length ?? 1
      push('variable', src.slice(start, i), start)
    } else if (c === '.') {
      const m = /^\.[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i))
      if (m) {
        i += m[0].length
        push('field', m[0], start)
      } else if (/^\.\d/.test(src.slice(i))) {
        i = lexNumber(src, i, push)
      } else push('dot', c, i++)
    } else if (/[0-9+-]/.test(c)) {
      i = lexNumber(src, i, push)
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i))
      const word = m?.[0] ?? c
      i += word.length
      if (word === 'true' || word === 'false') push('bool', word, start)
      else if (word === 'nil') push('nil', word, start)
      else push('identifier', word, start)
    } else {
      const hex = (c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')
      throw new TemplateError(`template: :${pos(i).line}: bad character U+${hex} '${c}'`)
    }
  }
}

function lexNumber(src: string, i: number, push: Push): number {
  const m = /^[+-]?(0[xX][0-9a-fA-F_]+|0[bB][01_]+|0[oO][0-7_]+|(\d[\d_]*)?\.?\d*([eE][+-]?\d+)?)/.exec(
    src.slice(i),
  )
  const text = m?.[0] ?? ''
  if (text === '' || text === '+' || text === '-')
    throw new TemplateError(`template: bad number syntax: "${src[i]}"`)
  push('number', text, i)
  return i + text.length
}

function charCode(lit: string): number {
  const body = lit.slice(1, -1)
  if (body.startsWith('\\')) {
    const map: Record<string, number> = { n: 10, t: 9, r: 13, '\\': 92, "'": 39, '"': 34, '0': 0 }
    return map[body[1] ?? ''] ?? body.codePointAt(1) ?? 0
  }
  return body.codePointAt(0) ?? 0
}
