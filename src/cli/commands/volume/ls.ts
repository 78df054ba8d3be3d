// `berth volume ls`: GET /volumes, as docker's table (DRIVER, VOLUME NAME), -q or --format.
import type { Volume } from '../../../api/types/index.ts'
import type { CommandModule } from '../../command.ts'
import { flag } from '../../flags.ts'
import { renderList } from '../../output/formatter.ts'
import { parseFilterFlags } from '../filters.ts'

export const spec: CommandModule['spec'] = {
  usage: '[OPTIONS]',
  short: 'List volumes',
  args: { max: 0 },
  flags: [
    {
      long: 'cluster',
      type: 'bool',
      description: 'Display only cluster volumes, and use cluster volume list formatting',
    },
    { long: 'filter', short: 'f', type: 'list', description: 'Provide filter values (e.g. "dangling=true")' },
    { long: 'format', type: 'string', description: 'Format output using a custom template' },
    { long: 'quiet', short: 'q', type: 'bool', description: 'Only display volume names' },
  ],
}

const HEADERS = {
  Name: 'VOLUME NAME',
  Driver: 'DRIVER',
  Scope: 'SCOPE',
  Mountpoint: 'MOUNTPOINT',
  Labels: 'LABELS',
  Links: 'LINKS',
  Size: 'SIZE',
}

/** docker's volumeContext: the fields `--format` can use. */
class VolumeContext {
  readonly goType = '*formatter.volumeContext'
  readonly #v: Volume
  constructor(v: Volume) {
    this.#v = v
  }
  Name(): string {
    return this.#v.Name
  }
  Driver(): string {
    return this.#v.Driver
  }
  Scope(): string {
    return this.#v.Scope
  }
  Mountpoint(): string {
    return this.#v.Mountpoint
  }
  Labels(): string {
    return Object.entries(this.#v.Labels ?? {})
      .map(([k, v]) => `${k}=${v}`)
      .join(',')
  }
  Label(name: string): string {
    return this.#v.Labels?.[name] ?? ''
  }
  Links(): string {
    return this.#v.UsageData ? String(this.#v.UsageData.RefCount) : 'N/A'
  }
  Size(): string {
    return this.#v.UsageData ? String(this.#v.UsageData.Size) : 'N/A'
  }
}

export const run: CommandModule['run'] = async (ctx, flags) => {
  const filters = parseFilterFlags(flag.list(flags, 'filter'))
  const res = await ctx.client.volumeList({ filters })
  const items = [...(res.Volumes ?? [])]
    .sort((a, b) => a.Name.localeCompare(b.Name))
    .map((v) => new VolumeContext(v))
  ctx.out.write(
    renderList(
      {
        format: flag.str(flags, 'format') ?? '',
        defaultTable: 'table {{.Driver}}\t{{.Name}}',
        quiet: flag.bool(flags, 'quiet'),
        quietFormat: '{{.Name}}',
        headers: HEADERS,
      },
      items,
    ),
  )
  for (const w of res.Warnings ?? []) ctx.err.line(w)
}
