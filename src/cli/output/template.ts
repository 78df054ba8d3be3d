// Go text/template for docker's --format, hand-written: no JS library implements Go's template
// semantics (pipelines, field chains, Go value printing, trim markers). Parsing is in template/parse.ts,
// execution in template/exec.ts, functions in template/funcs.ts. No define/template/block.
import { execute } from './template/exec.ts'
import { dockerFuncs, type FuncMap, headerFuncs } from './template/funcs.ts'
import { TemplateError } from './template/lexer.ts'
import { type Node, parse } from './template/parse.ts'

export { TemplateError } from './template/lexer.ts'
export { formatValue, goQuote, type StructLike } from './template/values.ts'

export interface Template {
  /** Renders `data`; throws TemplateError on execution errors (message as Go prints it). */
  execute(data: unknown, opts?: { missingKey?: 'default' | 'error'; header?: boolean }): string
}

/** Parses a template; throws TemplateError with Go's message on syntax errors. */
export function parseTemplate(src: string, extraFuncs: FuncMap = {}): Template {
  const nodes: Node[] = parse(src)
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
