// `berth events`: streams GET /events, one line per event in docker's default layout
// ("<time> <type> <action> <id> (k=v, …)") or a user --format.
import type { EventMessage } from '../../../api/types/index.ts'
import type { CommandModule } from '../../command.ts'
import { StatusError } from '../../context.ts'
import { flag } from '../../flags.ts'
import { parseTemplate, TemplateError } from '../../output/template.ts'
import { parseFilterFlags } from '../filters.ts'
import { getTimestamp } from '../timestamp.ts'

export const spec: CommandModule['spec'] = {
  usage: '[OPTIONS]',
  short: 'Get real time events from the server',
  args: { max: 0 },
  flags: [
    { long: 'filter', short: 'f', type: 'list', description: 'Filter output based on conditions provided' },
    { long: 'format', type: 'string', description: 'Format output using a custom template' },
    { long: 'since', type: 'string', description: 'Show all events created since timestamp' },
    { long: 'until', type: 'string', description: 'Stream events until this timestamp' },
  ],
}

/** Go's "2006-01-02T15:04:05.000000000Z07:00" in local time, from nanoseconds. */
export function rfc3339NanoFixed(timeNano: number): string {
  const ms = Math.floor(timeNano / 1e6)
  const d = new Date(ms)
  const off = -d.getTimezoneOffset()
  const local = new Date(ms + off * 60000).toISOString().slice(0, 19)
  const nanos = String(Math.round(timeNano % 1e9)).padStart(9, '0')
  const a = Math.abs(off)
  const zone =
    off === 0
      ? 'Z'
      : `${off > 0 ? '+' : '-'}${String(Math.trunc(a / 60)).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}`
  return `${local}.${nanos}${zone}`
}

export function formatEvent(e: EventMessage): string {
  const timeNano = e.timeNano || e.time * 1e9
  let s = `${rfc3339NanoFixed(timeNano)} ${e.Type} ${e.Action} ${e.Actor?.ID ?? ''}`
  const attrs = e.Actor?.Attributes ?? {}
  const keys = Object.keys(attrs).sort()
  if (keys.length > 0) s += ` (${keys.map((k) => `${k}=${attrs[k]}`).join(', ')})`
  return s
}

export const run: CommandModule['run'] = async (ctx, flags) => {
  const now = ctx.now()
  const since = flag.str(flags, 'since')
  const until = flag.str(flags, 'until')
  const format = flag.str(flags, 'format') ?? ''
  const tmpl = format === '' ? undefined : parseTemplate(format === 'json' ? '{{json .}}' : format)
  const events = ctx.client.systemEvents({
    since: since ? getTimestamp(since, now) : undefined,
    until: until ? getTimestamp(until, now) : undefined,
    filters: parseFilterFlags(flag.list(flags, 'filter')),
  })
  for await (const e of events) {
    if (!tmpl) {
      ctx.out.line(formatEvent(e))
      continue
    }
    // Go field names for templates ({{.Type}} {{.Actor.ID}} {{.Time}}), wire names for json.
    const view = {
      ...e,
      Status: e.status,
      ID: e.id,
      From: e.from,
      Scope: e.scope,
      Time: e.time,
      TimeNano: e.timeNano,
    }
    try {
      ctx.out.line(tmpl.execute(format === 'json' ? e : view))
    } catch (err) {
      if (err instanceof TemplateError) throw new StatusError(1, `template parsing error: ${err.message}`)
      throw err
    }
  }
}
