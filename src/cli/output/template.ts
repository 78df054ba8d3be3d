// Go text/template for docker's --format, hand-written: no JS library implements Go's template
// semantics (pipelines, field chains, Go value printing, trim markers). Parsing is in template/parse.ts,
// execution in template/exec.ts, functions in template/funcs.ts. No define/template/block.
import { execute } from './template/exec.ts'
import { builtins, dockerFuncs, type FuncMap, headerFuncs } from './template/funcs.ts'
import { TemplateError } from './template/lexer.ts'
import { type Node, type Operand, type Pipe, parse } from './template/parse.ts'

export { TemplateError } from './template/lexer.ts'
export { formatValue, goQuote, type StructLike } from './template/values.ts'

export interface Template {
  /** Renders `data`; throws TemplateError on execution errors (message as Go prints it). */
  execute(data: unknown, opts?: { missingKey?: 'default' | 'error'; header?: boolean }): string
}

/** Parses a template; throws TemplateError with Go's message on syntax errors. */
export function parseTemplate(src: string, extraFuncs: FuncMap = {}): Template {
  const nodes: Node[] = parse(src)
  checkFunctions(nodes, (name) => name in dockerFuncs || name in builtins || name in extraFuncs)
  return {
    execute(data, opts = {}) {
      const funcs = { ...dockerFuncs, ...extraFuncs, ...(opts.header ? headerFuncs : {}) }
      return execute(nodes, data, { funcs, missingKey: opts.missingKey ?? 'default' })
    },
  }
}

/** Renders once: parse + execute. */
export function renderTemplate(
  src: string,
  data: unknown,
  opts?: { missingKey?: 'default' | 'error' },
): string {
  return parseTemplate(src).execute(data, opts)
}

export function isTemplateError(err: unknown): err is TemplateError {
  return err instanceof TemplateError
}

/** Go rejects calls to undefined functions when parsing, not when executing. */
function checkFunctions(nodes: Node[], known: (name: string) => boolean): void {
  const operand = (op: Operand): void => {
    if (op.type === 'identifier' && !known(op.name))
      throw new TemplateError(`template: :1: function "${op.name}" not defined`)
    if (op.type === 'pipe') pipe(op.pipe)
    if (op.type === 'chain') operand(op.operand)
  }
  const pipe = (p: Pipe): void => {
    for (const c of p.cmds) for (const a of c.args) operand(a)
  }
  for (const n of nodes) {
    if (n.type === 'action') pipe(n.pipe)
    if (n.type === 'if' || n.type === 'with' || n.type === 'range') {
      pipe(n.pipe)
      checkFunctions(n.list, known)
      if (n.elseList) checkFunctions(n.elseList, known)
    }
  }
}
