// docker's formatter.Context: turns `--format` (""/"table"/"table …"/"json"/template) plus items
// into text, with the header row from a field→title map and tabwriter alignment for tables.
import { tabwrite } from './table.ts'
import { parseTemplate, TemplateError } from './template.ts'

export interface ListFormat {
  /** The user's --format ('' = default). */
  format: string
  /** e.g. "table {{.ID}}\t{{.Image}}…" */
  defaultTable: string
  quiet?: boolean
  /** Template for -q, e.g. "{{.ID}}". */
  quietFormat?: string
  /** Field name → column title, e.g. { ID: 'CONTAINER ID' }. */
  headers: Record<string, unknown>
}

/** Resolves docker's format keywords to a template and whether it is a table. */
export function resolveFormat(f: ListFormat): { template: string; table: boolean } {
  let format = f.format
  if (f.quiet && (format === '' || format === 'table')) format = f.quietFormat ?? '{{.ID}}'
  else if (format === '' || format === 'table') format = f.defaultTable
  else if (format === 'json') format = '{{json .}}'
  const table = format.startsWith('table')
  let template = table ? format.slice('table'.length) : format
  template = template
    .replace(/^ +| +$/g, '')
    .replaceAll('\\t', '\t')
    .replaceAll('\\n', '\n')
  return { template, table }
}

/** Renders items; TemplateError messages carry docker's "failed to parse/execute template: " prefix. */
export function renderList(f: ListFormat, items: unknown[]): string {
  const { template, table } = resolveFormat(f)
  let tmpl: ReturnType<typeof parseTemplate>
  try {
    tmpl = parseTemplate(template)
  } catch (err) {
    if (err instanceof TemplateError) throw new TemplateError(`failed to parse template: ${err.message}`)
    throw err
  }
  try {
    let body = ''
    for (const item of items) body += `${tmpl.execute(item)}\n`
    if (!table) return body
    const header = tmpl.execute(f.headers, { header: true })
    return tabwrite(`${header}\n${body}`)
  } catch (err) {
    if (err instanceof TemplateError) throw new TemplateError(`failed to execute template: ${err.message}`)
    throw err
  }
}

/** True when the user's format mentions `{{.Field}}` (docker requests sizes only then). */
export function formatUses(format: string, field: string): boolean {
  return new RegExp(`\\.${field}\\b`).test(format)
}
