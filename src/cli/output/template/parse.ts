// Go text/template parser: tokens from lexer.ts → a small AST (text, actions, if/with/range with
// else chains, break/continue). No define/template/block: docker's --format never needs them.
import { isKeyword, lex, TemplateError, type Token } from './lexer.ts'

export type Operand =
  | { type: 'field'; path: string[] }
  | { type: 'variable'; name: string; path: string[] }
  | { type: 'dot' }
  | { type: 'identifier'; name: string }
  | { type: 'string'; value: string }
  | { type: 'number'; value: number; text: string }
  | { type: 'bool'; value: boolean }
  | { type: 'nil' }
  | { type: 'chain'; operand: Operand; path: string[] }
  | { type: 'pipe'; pipe: Pipe }

export interface Command {
  args: Operand[]
}

export interface Pipe {
  decl: string[]
  isAssign: boolean
  cmds: Command[]
}

export interface Where {
  line: number
  col: number
  /** The action's source text, for `executing "" at <…>` messages. */
  text: string
}

export interface ControlNode {
  type: 'if' | 'with' | 'range'
  pipe: Pipe
  list: Node[]
  elseList: Node[] | undefined
  at: Where
}

export type Node =
  | { type: 'text'; text: string }
  | { type: 'action'; pipe: Pipe; at: Where }
  | ControlNode
  | { type: 'break' | 'continue'; at: Where }

export function parse(src: string): Node[] {
  const p = new Parser(lex(src))
  const { nodes, end } = p.list()
  if (end !== 'eof') throw new TemplateError(`template: :${p.line}: unexpected {{${end}}}`)
  return nodes
}

type ListEnd = 'eof' | 'end' | 'else'

class Parser {
  readonly #toks: Token[]
  #i = 0
  /** Set when a list ends with `{{else if …}}` / `{{else with …}}`: the chained keyword. */
  elseChain: 'if' | 'with' | undefined

  constructor(toks: Token[]) {
    this.#toks = toks
  }

  get line(): number {
    return this.#peek().line
  }

  #peek(): Token {
    return this.#toks[this.#i] ?? { kind: 'eof', value: '', line: 0, col: 0 }
  }
  #next(): Token {
    const t = this.#peek()
    this.#i++
    return t
  }
  #peekNonSpace(): Token {
    while (this.#peek().kind === 'space') this.#i++
    return this.#peek()
  }
  #expect(kind: Token['kind'], context: string): Token {
    const t = this.#peekNonSpace()
    if (t.kind !== kind) throw this.#unexpected(t, context)
    return this.#next()
  }
  #unexpected(t: Token, context: string): TemplateError {
    const what = t.kind === 'eof' ? 'EOF' : `"${t.value}"`
    return new TemplateError(`template: :${t.line}: unexpected ${what} in ${context}`)
  }

  list(): { nodes: Node[]; end: ListEnd } {
    const nodes: Node[] = []
    for (;;) {
      const t = this.#next()
      if (t.kind === 'eof') return { nodes, end: 'eof' }
      if (t.kind === 'text') {
        nodes.push({ type: 'text', text: t.value })
        continue
      }
      // leftDelim
      const start = this.#i
      const kw = this.#peekNonSpace()
      if (kw.kind === 'identifier' && isKeyword(kw.value)) {
        this.#next()
        const at = this.#where(t, start)
        switch (kw.value) {
          case 'end':
            this.#expect('rightDelim', 'end')
            return { nodes, end: 'end' }
          case 'else': {
            const n = this.#peekNonSpace()
            if (n.kind === 'identifier' && (n.value === 'if' || n.value === 'with')) {
              this.#next()
              this.elseChain = n.value
            } else {
              this.elseChain = undefined
              this.#expect('rightDelim', 'else')
            }
            return { nodes, end: 'else' }
          }
          case 'if':
          case 'with':
          case 'range':
            nodes.push(this.#control(kw.value, at))
            continue
          case 'break':
          case 'continue':
            this.#expect('rightDelim', kw.value)
            nodes.push({ type: kw.value, at })
            continue
          default:
            throw new TemplateError(`template: :${kw.line}: {{${kw.value}}} is not supported`)
        }
      }
      const at = this.#where(t, start)
      const pipe = this.pipeline('command', 'rightDelim')
      nodes.push({ type: 'action', pipe, at })
    }
  }

  #where(open: Token, start: number): Where {
    let text = ''
    let col = open.col + 1
    for (let k = start; k < this.#toks.length; k++) {
      const tok = this.#toks[k]
      if (!tok || tok.kind === 'rightDelim') break
      if (text.trim() === '' && tok.kind !== 'space') col = tok.col - 1 // Go reports 0-based byte columns
      text += tok.value
    }
    return { line: open.line, col, text: text.trim() }
  }

  #control(kind: 'if' | 'with' | 'range', at: Where): Node {
    const pipe = this.pipeline(kind, 'rightDelim')
    const body = this.list()
    if (body.end === 'eof') throw new TemplateError(`template: :${this.line}: unexpected EOF`)
    let elseList: Node[] | undefined
    if (body.end === 'else') {
      if (this.elseChain) {
        // {{else if x}} … is {{else}}{{if x}} … {{end}}{{end}} sharing one {{end}}.
        const chained = this.elseChain
        this.elseChain = undefined
        elseList = [this.#control(chained, at)]
      } else {
        const rest = this.list()
        if (rest.end !== 'end')
          throw new TemplateError(`template: :${this.line}: expected end; found ${rest.end}`)
        elseList = rest.nodes
      }
    }
    return { type: kind, pipe, list: body.nodes, elseList, at }
  }

  pipeline(context: string, closer: 'rightDelim' | 'rightParen'): Pipe {
    const pipe: Pipe = { decl: [], isAssign: false, cmds: [] }
    // Declarations: $x := … , $i, $e := … (range), $x = …
    const save = this.#i
    const vars: string[] = []
    for (;;) {
      const t = this.#peekNonSpace()
      if (t.kind !== 'variable') break
      this.#next()
      const n = this.#peekNonSpace()
      if (n.kind === 'declare' || n.kind === 'assign') {
        this.#next()
        vars.push(t.value)
        pipe.decl = vars
        pipe.isAssign = n.kind === 'assign'
        break
      }
      if (n.kind === 'comma' && context === 'range' && vars.length === 0) {
        this.#next()
        vars.push(t.value)
        continue
      }
      break
    }
    if (pipe.decl.length === 0) this.#i = save
    for (;;) {
      const t = this.#peekNonSpace()
      if (t.kind === closer) {
        this.#next()
        break
      }
      const cmd = this.#command(closer)
      pipe.cmds.push(cmd)
      const after = this.#peekNonSpace()
      if (after.kind === 'pipe') {
        this.#next()
        continue
      }
      if (after.kind !== closer) throw this.#unexpected(after, context)
    }
    if (pipe.cmds.length === 0)
      throw new TemplateError(`template: :${this.line}: missing value for ${context}`)
    return pipe
  }

  #command(closer: 'rightDelim' | 'rightParen'): Command {
    const args: Operand[] = []
    for (;;) {
      const t = this.#peekNonSpace()
      if (t.kind === closer || t.kind === 'pipe') break
      args.push(this.#operand())
      const n = this.#peek()
      if (n.kind !== 'space' && n.kind !== closer && n.kind !== 'pipe') throw this.#unexpected(n, 'operand')
    }
    if (args.length === 0) throw new TemplateError(`template: :${this.line}: empty command`)
    return { args }
  }

  #operand(): Operand {
    const t = this.#next()
    let op: Operand
    switch (t.kind) {
      case 'field':
        op = { type: 'field', path: [t.value.slice(1)] }
        break
      case 'variable':
        op = { type: 'variable', name: t.value, path: [] }
        break
      case 'dot':
        op = { type: 'dot' }
        break
      case 'identifier':
        if (isKeyword(t.value))
          throw new TemplateError(`template: :${t.line}: unexpected <${t.value}> in operand`)
        op = { type: 'identifier', name: t.value }
        break
      case 'string':
        op = { type: 'string', value: unquote(t.value) }
        break
      case 'rawString':
        op = { type: 'string', value: t.value.slice(1, -1) }
        break
      case 'number':
        op = { type: 'number', value: parseNumber(t.value), text: t.value }
        break
      case 'bool':
        op = { type: 'bool', value: t.value === 'true' }
        break
      case 'nil':
        op = { type: 'nil' }
        break
      case 'leftParen':
        op = { type: 'pipe', pipe: this.pipeline('parenthesized pipeline', 'rightParen') }
        break
      default:
        throw this.#unexpected(t, 'operand')
    }
    // Field chains bind without spaces: .A.B, $x.A, (pipe).A
    while (this.#peek().kind === 'field') {
      const f = this.#next().value.slice(1)
      if (op.type === 'field' || op.type === 'variable' || op.type === 'chain') op.path.push(f)
      else op = { type: 'chain', operand: op, path: [f] }
    }
    return op
  }
}

function parseNumber(text: string): number {
  const clean = text.replace(/_/g, '')
  const n = /^[+-]?0[bBoOxX]/.test(clean)
    ? Number(clean.replace(/^([+-]?)/, '')) * (clean.startsWith('-') ? -1 : 1)
    : Number(clean)
  if (Number.isNaN(n)) throw new TemplateError(`template: bad number syntax: "${text}"`)
  return n
}

/** Go double-quoted string literal → value (\n, \t, \", \\, \xNN, \uNNNN). */
function unquote(lit: string): string {
  return lit
    .slice(1, -1)
    .replace(/\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|[0-7]{3}|.)/g, (_, e: string) => {
      const simple: Record<string, string> = {
        n: '\n',
        t: '\t',
        r: '\r',
        '\\': '\\',
        '"': '"',
        "'": "'",
        a: '\x07',
        b: '\b',
        f: '\f',
        v: '\v',
      }
      if (e in simple) return simple[e] ?? ''
      if (/^[xuU]/.test(e)) return String.fromCodePoint(Number.parseInt(e.slice(1), 16))
      if (/^[0-7]{3}$/.test(e)) return String.fromCharCode(Number.parseInt(e, 8))
      throw new TemplateError(`template: invalid syntax: unknown escape \\${e}`)
    })
}
