// `berth system df`: GET /system/df summarised per type as docker's disk-usage formatter does
// (sizes with 4 significant digits, reclaimable percentages); -v lists each object.
import type { SystemDataUsageResponse } from '../../../api/types/index.ts'
import type { CommandModule } from '../../command.ts'
import { flag } from '../../flags.ts'
import { ContainerContext, truncateId } from '../../output/container-format.ts'
import { renderList } from '../../output/formatter.ts'
import { humanSince, humanSize } from '../../output/units.ts'

export const spec: CommandModule['spec'] = {
  usage: '[OPTIONS]',
  short: 'Show docker disk usage',
  args: { max: 0 },
  flags: [
    { long: 'format', type: 'string', description: 'Format output using a custom template' },
    { long: 'verbose', short: 'v', type: 'bool', description: 'Show detailed information on space usage' },
  ],
}

const HEADERS = {
  Type: 'TYPE',
  TotalCount: 'TOTAL',
  Active: 'ACTIVE',
  Size: 'SIZE',
  Reclaimable: 'RECLAIMABLE',
}
const DEFAULT = 'table {{.Type}}\t{{.TotalCount}}\t{{.Active}}\t{{.Size}}\t{{.Reclaimable}}'

const size4 = (n: number) => humanSize(n, 4)
const pct = (part: number, total: number) =>
  total > 0 ? `${size4(part)} (${Math.trunc((part * 100) / total)}%)` : size4(part)

/** The four summary rows (docker's diskUsage*Context types). */
export function usageRows(du: SystemDataUsageResponse): Record<string, string>[] {
  const images = du.Images ?? []
  const containers = du.Containers ?? []
  const volumes = du.Volumes ?? []
  const cache = du.BuildCache ?? []
  const usedByImages = images
    .filter((i) => i.Containers !== 0 && i.Size !== -1 && i.SharedSize !== -1)
    .reduce((a, i) => a + i.Size - i.SharedSize, 0)
  const active = (s: string) => ['running', 'paused', 'restarting'].includes(s.toLowerCase())
  const ctrSize = containers.reduce((a, c) => a + (c.SizeRw ?? 0), 0)
  const ctrReclaim = containers.filter((c) => !active(c.State)).reduce((a, c) => a + (c.SizeRw ?? 0), 0)
  const volSized = volumes.filter((v) => (v.UsageData?.Size ?? -1) !== -1)
  const volSize = volSized.reduce((a, v) => a + (v.UsageData?.Size ?? 0), 0)
  const volReclaim = volSized
    .filter((v) => (v.UsageData?.RefCount ?? 0) === 0)
    .reduce((a, v) => a + (v.UsageData?.Size ?? 0), 0)
  const cacheSize = cache.filter((b) => !b.Shared).reduce((a, b) => a + b.Size, 0)
  const cacheReclaim = cache.filter((b) => !b.Shared && !b.InUse).reduce((a, b) => a + b.Size, 0)
  return [
    {
      Type: 'Images',
      TotalCount: String(images.length),
      Active: String(images.filter((i) => i.Containers > 0).length),
      Size: size4(du.LayersSize),
      Reclaimable: pct(du.LayersSize - usedByImages, du.LayersSize),
    },
    {
      Type: 'Containers',
      TotalCount: String(containers.length),
      Active: String(containers.filter((c) => active(c.State)).length),
      Size: size4(ctrSize),
      Reclaimable: pct(ctrReclaim, ctrSize),
    },
    {
      Type: 'Local Volumes',
      TotalCount: String(volumes.length),
      Active: String(volumes.filter((v) => (v.UsageData?.RefCount ?? 0) > 0).length),
      Size: size4(volSize),
      Reclaimable: pct(volReclaim, volSize),
    },
    {
      Type: 'Build Cache',
      TotalCount: String(cache.length),
      Active: String(cache.filter((b) => b.InUse).length),
      Size: size4(cacheSize),
      Reclaimable: size4(cacheReclaim),
    },
  ]
}

export const run: CommandModule['run'] = async (ctx, flags) => {
  const du = await ctx.client.systemDataUsage()
  const format = flag.str(flags, 'format') ?? ''
  if (!flag.bool(flags, 'verbose')) {
    // Rows are maps with docker's JSON key order (sorted) for `--format json`.
    const rows = usageRows(du).map((r) =>
      Object.fromEntries(Object.entries(r).sort(([a], [b]) => (a < b ? -1 : 1))),
    )
    ctx.out.write(renderList({ format, defaultTable: DEFAULT, headers: HEADERS }, rows))
    return
  }
  ctx.out.write(verbose(du, ctx.now()))
}

function verbose(du: SystemDataUsageResponse, now: Date): string {
  const imageRows = (du.Images ?? []).flatMap((i) => {
    const tags = i.RepoTags?.length ? i.RepoTags : ['<none>:<none>']
    return tags.map((t) => {
      const colon = t.lastIndexOf(':')
      return {
        Repository: t.slice(0, colon),
        Tag: t.slice(colon + 1),
        ID: truncateId(i.Id),
        CreatedSince: humanSince(i.Created, now),
        Size: humanSize(i.Size),
        SharedSize: i.SharedSize === -1 ? 'N/A' : humanSize(i.SharedSize),
        UniqueSize: i.SharedSize === -1 ? 'N/A' : humanSize(i.Size - i.SharedSize),
        Containers: String(i.Containers),
      }
    })
  })
  const images = renderList(
    {
      format:
        'table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}\t{{.SharedSize}}\t{{.UniqueSize}}\t{{.Containers}}',
      defaultTable: '',
      headers: {
        Repository: 'REPOSITORY',
        Tag: 'TAG',
        ID: 'IMAGE ID',
        CreatedSince: 'CREATED',
        Size: 'SIZE',
        SharedSize: 'SHARED SIZE',
        UniqueSize: 'UNIQUE SIZE',
        Containers: 'CONTAINERS',
      },
    },
    imageRows,
  )
  const ctrs = (du.Containers ?? []).map((c) => {
    const cc = new ContainerContext(c, { trunc: true, now })
    return {
      ID: cc.ID(),
      Image: cc.Image(),
      Command: cc.Command(),
      LocalVolumes: cc.LocalVolumes(),
      Size: humanSize(c.SizeRw ?? 0),
      RunningFor: cc.RunningFor(),
      Status: cc.Status(),
      Names: cc.Names(),
    }
  })
  const containers = renderList(
    {
      format:
        'table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.LocalVolumes}}\t{{.Size}}\t{{.RunningFor}}\t{{.Status}}\t{{.Names}}',
      defaultTable: '',
      headers: {
        ID: 'CONTAINER ID',
        Image: 'IMAGE',
        Command: 'COMMAND',
        LocalVolumes: 'LOCAL VOLUMES',
        Size: 'SIZE',
        RunningFor: 'CREATED',
        Status: 'STATUS',
        Names: 'NAMES',
      },
    },
    ctrs,
  )
  const vols = (du.Volumes ?? []).map((v) => ({
    Name: v.Name,
    Links: String(v.UsageData?.RefCount ?? 0),
    Size: humanSize(v.UsageData?.Size ?? 0),
  }))
  const volumes = renderList(
    {
      format: 'table {{.Name}}\t{{.Links}}\t{{.Size}}',
      defaultTable: '',
      headers: { Name: 'VOLUME NAME', Links: 'LINKS', Size: 'SIZE' },
    },
    vols,
  )
  const cache = (du.BuildCache ?? []).map((b) => ({
    ID: b.ID.slice(0, 12),
    Type: b.Type,
    Size: humanSize(b.Size),
    CreatedSince: b.CreatedAt,
    LastUsedSince: b.LastUsedAt ?? '',
    UsageCount: String(b.UsageCount),
    Shared: String(b.Shared),
  }))
  const buildCache = renderList(
    {
      format:
        'table {{.ID}}\t{{.Type}}\t{{.Size}}\t{{.CreatedSince}}\t{{.LastUsedSince}}\t{{.UsageCount}}\t{{.Shared}}',
      defaultTable: '',
      headers: {
        ID: 'CACHE ID',
        Type: 'CACHE TYPE',
        Size: 'SIZE',
        CreatedSince: 'CREATED',
        LastUsedSince: 'LAST USED',
        UsageCount: 'USAGE',
        Shared: 'SHARED',
      },
    },
    cache,
  )
  return `Images space usage:\n\n${images}\nContainers space usage:\n\n${containers}\nLocal Volumes space usage:\n\n${volumes}\nBuild cache usage: ${humanSize(cache.length)}\n\n${buildCache}`
}
