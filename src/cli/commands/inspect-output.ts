// docker's inspect printing: a JSON array indented with four spaces, or one rendered --format
// template per object (raw JSON field names, missing keys are errors). Missing objects are
// reported after the found ones print, and make the command fail.
import { EngineApiError } from '../../client/index.ts'
import type { CliContext } from '../context.ts'
import { StatusError } from '../context.ts'
import { errorText } from '../errors-text.ts'
import { parseTemplate, TemplateError } from '../output/template.ts'

export async function printInspect(
  ctx: CliContext,
  names: string[],
  format: string | undefined,
  get: (name: string) => Promise<unknown>,
): Promise<void> {
  const found: unknown[] = []
  const failed: string[] = []
  for (const name of names) {
    try {
      found.push(await get(name))
    } catch (err) {
      failed.push(err instanceof EngineApiError ? errorText(err) : `Error: ${errorText(err)}`)
    }
  }
  if (!format || format === 'json') {
    ctx.out.line(found.length === 0 ? '[]' : JSON.stringify(found, null, 4))
  } else {
    let tmpl: ReturnType<typeof parseTemplate>
    try {
      tmpl = parseTemplate(format.replaceAll('\\t', '\t').replaceAll('\\n', '\n'))
    } catch (err) {
      // docker exits 64 (usage) when --format does not parse.
      if (err instanceof TemplateError) throw new StatusError(64, `template parsing error: ${err.message}`)
      throw err
    }
    for (const obj of found) {
      try {
        ctx.out.line(tmpl.execute(obj, { missingKey: 'error' }))
      } catch (err) {
        if (!(err instanceof TemplateError)) throw err
        ctx.out.line('')
        throw new StatusError(1, `template parsing error: ${err.message}`)
      }
    }
  }
  if (failed.length > 0) throw new StatusError(1, failed.join('\n'))
}
