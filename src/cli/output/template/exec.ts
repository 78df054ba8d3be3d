// Go text/template execution over JSON-shaped data: field chains, method calls on struct-like
// objects, pipelines, variables, if/with/range/else, break/continue, missingkey default|error.
import { builtins, type FuncMap, LAZY } from './funcs.ts'
import { TemplateError } from './lexer.ts'
import type { Command, ControlNode, Node, Operand, Pipe, Where } from './parse.ts'
import { formatValue, goTypeOf, isMap, isStruct, NO_VALUE, truth } from './values.ts'

export interface ExecOptions {
  funcs: FuncMap
  /** "error" makes a missing map key fail, as docker's raw inspect fallback does. */
  missingKey: 'default' | 'error'
}

class BreakSignal {}
class ContinueSignal {}

export function execute(nodes: Node[], data: unknown, opts: ExecOptions): string {
  const st = new State(data, opts)
  st.walkList(nodes, data)
  return st.out
}

/** Marks a value as a method result so a chain can call it with arguments. */
type Vars = { name: string; value: unknown }[]

class State {
  out = ''
  readonly vars: Vars
  readonly opts: ExecOptions
  at: Where = { line: 1, col: 1, text: '' }

  constructor(root: unknown, opts: ExecOptions) {
    this.vars = [{ name: '$', value: root }]
    this.opts = opts
  }

  fail(msg: string): never {
    throw new TemplateError(
      `template: :${this.at.line}:${this.at.col}: executing "" at <${this.at.text}>: ${msg}`,
    )
  }

  walkList(nodes: Node[], dot: unknown): void {
    for (const n of nodes) this.walk(n, dot)
  }

  walk(node: Node, dot: unknown): void {
    switch (node.type) {
      case 'text':
        this.out += node.text
        return
      case 'action': {
        this.at = node.at
        const v = this.evalPipe(node.pipe, dot)
        if (node.pipe.decl.length === 0) this.out += formatValue(v)
        return
      }
      case 'if':
      case 'with': {
        this.at = node.at
        const mark = this.vars.length
        const v = this.evalPipe(node.pipe, dot)
        if (truth(v)) this.walkList(node.list, node.type === 'with' ? v : dot)
        else if (node.elseList) this.walkList(node.elseList, dot)
        this.vars.length = mark
        return
      }
      case 'range':
        this.walkRange(node, dot)
        return
      case 'break':
        throw new BreakSignal()
      case 'continue':
        throw new ContinueSignal()
    }
  }

  walkRange(node: ControlNode, dot: unknown): void {
    this.at = node.at
    const mark = this.vars.length
    const { decl } = node.pipe
    const v = this.evalPipe({ ...node.pipe, decl: [] }, dot)
    let entries: [unknown, unknown][]
    if (Array.isArray(v)) entries = v.map((x, i) => [i, x])
    else if (isMap(v))
      entries = Object.keys(v)
        .sort()
        .map((k) => [k, v[k]])
    else if (typeof v === 'number' && Number.isInteger(v))
      entries = Array.from({ length: Math.max(0, v) }, (_, i) => [i, i])
    else if (v === null || v === undefined || v === NO_VALUE) entries = []
    else this.fail(`range can't iterate over ${formatValue(v)}`)
    if (entries.length === 0) {
      if (node.elseList) this.walkList(node.elseList, dot)
      this.vars.length = mark
      return
    }
    for (const [k, x] of entries) {
      this.vars.length = mark
      if (decl.length === 1) this.vars.push({ name: decl[0] ?? '', value: x })
      if (decl.length === 2)
        this.vars.push({ name: decl[0] ?? '', value: k }, { name: decl[1] ?? '', value: x })
      try {
        this.walkList(node.list, x)
      } catch (err) {
        if (err instanceof BreakSignal) break
        if (err instanceof ContinueSignal) continue
        throw err
      }
    }
    this.vars.length = mark
  }

  evalPipe(pipe: Pipe, dot: unknown): unknown {
    let value: unknown = NO_VALUE
    let hasFinal = false
    for (const cmd of pipe.cmds) {
      value = this.evalCommand(cmd, dot, hasFinal ? value : NO_VALUE, hasFinal)
      hasFinal = true
    }
    for (const name of pipe.decl) {
      if (pipe.isAssign) {
        const slot = this.vars.findLast((x) => x.name === name)
        if (!slot) this.fail(`undefined variable: ${name}`)
        slot.value = value
      } else this.vars.push({ name, value })
    }
    return value
  }

  evalCommand(cmd: Command, dot: unknown, final: unknown, hasFinal: boolean): unknown {
    const [first, ...rest] = cmd.args
    if (!first) this.fail('empty command')
    const finalArgs = hasFinal ? [final] : []
    if (first.type === 'identifier') {
      const fn = this.opts.funcs[first.name] ?? builtins[first.name]
      if (!fn) throw new TemplateError(`template: :${this.at.line}: function "${first.name}" not defined`)
      if (LAZY.has(first.name)) return this.callLazy(first.name, rest, dot, finalArgs)
      const args = [...rest.map((a) => this.evalArg(a, dot)), ...finalArgs]
      try {
        return fn(...args)
      } catch (err) {
        if (err instanceof TemplateError && err.message.startsWith('template:')) throw err
        this.fail(err instanceof Error ? err.message : String(err))
      }
    }
    const args = [...rest.map((a) => this.evalArg(a, dot)), ...finalArgs]
    if (first.type === 'field' || first.type === 'variable' || first.type === 'chain')
      return this.evalChain(first, dot, args)
    if (args.length > 0) this.fail(`can't give argument to non-function ${describe(first)}`)
    return this.evalArg(first, dot)
  }

  callLazy(name: string, rest: Operand[], dot: unknown, finalArgs: unknown[]): unknown {
    const thunks = [...rest.map((a) => () => this.evalArg(a, dot)), ...finalArgs.map((v) => () => v)]
    let v: unknown
    for (const t of thunks) {
      v = t()
      if (name === 'and' ? !truth(v) : truth(v)) return v
    }
    return v
  }

  evalArg(op: Operand, dot: unknown): unknown {
    switch (op.type) {
      case 'dot':
        return dot
      case 'string':
      case 'number':
      case 'bool':
        return op.value
      case 'nil':
        return null
      case 'pipe':
        return this.evalPipe(op.pipe, dot)
      case 'identifier': {
        const fn = this.opts.funcs[op.name] ?? builtins[op.name]
        if (!fn) throw new TemplateError(`template: :${this.at.line}: function "${op.name}" not defined`)
        return LAZY.has(op.name) ? this.callLazy(op.name, [], dot, []) : fn()
      }
      default:
        return this.evalChain(op, dot, [])
    }
  }

  evalChain(
    op: Extract<Operand, { type: 'field' | 'variable' | 'chain' }>,
    dot: unknown,
    args: unknown[],
  ): unknown {
    let base: unknown
    if (op.type === 'field') base = dot
    else if (op.type === 'variable') {
      const slot = this.vars.findLast((x) => x.name === op.name)
      if (!slot) throw new TemplateError(`template: :${this.at.line}: undefined variable "${op.name}"`)
      base = slot.value
    } else base = this.evalArg(op.operand, dot)
    if (op.path.length === 0) {
      if (args.length > 0)
        this.fail(`can't give argument to non-function ${op.type === 'variable' ? op.name : ''}`)
      return base
    }
    let cur = base
    op.path.forEach((name, i) => {
      cur = this.field(cur, name, i === op.path.length - 1 ? args : [], i === op.path.length - 1)
    })
    return cur
  }

  field(receiver: unknown, name: string, args: unknown[], last: boolean): unknown {
    if (receiver === null || receiver === undefined || receiver === NO_VALUE)
      this.fail(`nil pointer evaluating interface {}.${name}`)
    if (isMap(receiver)) {
      const v = Object.hasOwn(receiver, name) ? receiver[name] : undefined
      // A function in a map acts as a method (docker's table-header contexts use this for .Label).
      if (typeof v === 'function') return v(...args)
      if (args.length > 0 && last) this.fail(`${name} is not a method but has arguments`)
      if (Object.hasOwn(receiver, name)) return receiver[name]
      if (this.opts.missingKey === 'error') this.fail(`map has no entry for key "${name}"`)
      return NO_VALUE
    }
    if (isStruct(receiver) && name in receiver) {
      const v = (receiver as unknown as Record<string, unknown>)[name]
      if (typeof v === 'function') {
        try {
          return v.apply(receiver, args)
        } catch (err) {
          this.fail(`error calling ${name}: ${err instanceof Error ? err.message : String(err)}`)
        }
      }
      if (args.length > 0) this.fail(`${name} has arguments but cannot be invoked as function`)
      return v
    }
    this.fail(`can't evaluate field ${name} in type ${goTypeOf(receiver)}`)
  }
}

function describe(op: Operand): string {
  switch (op.type) {
    case 'string':
      return JSON.stringify(op.value)
    case 'number':
      return op.text
    case 'bool':
      return String(op.value)
    case 'dot':
      return '.'
    default:
      return op.type
  }
}
