// `berth images` / `image ls`: GET /images/json, one row per repository:tag as docker prints them.
import type { CommandModule } from '../../command.ts'
import { flag } from '../../flags.ts'
import { renderList } from '../../output/formatter.ts'
import {
  DEFAULT_IMAGE_TABLE,
  DEFAULT_IMAGE_TABLE_DIGEST,
  IMAGE_HEADERS,
  ImageContext,
  imageRows,
} from '../../output/image-format.ts'
import { parseFilterFlags } from '../filters.ts'

export const spec: CommandModule['spec'] = {
  usage: '[OPTIONS] [REPOSITORY[:TAG]]',
  short: 'List images',
  args: { max: 1 },
  flags: [
    {
      long: 'all',
      short: 'a',
      type: 'bool',
      description: 'Show all images (default hides intermediate images)',
    },
    { long: 'digests', type: 'bool', description: 'Show digests' },
    { long: 'filter', short: 'f', type: 'list', description: 'Filter output based on conditions provided' },
    { long: 'format', type: 'string', description: 'Format output using a custom template' },
    { long: 'no-trunc', type: 'bool', description: "Don't truncate output" },
    { long: 'quiet', short: 'q', type: 'bool', description: 'Only show image IDs' },
    { long: 'tree', type: 'bool', description: 'List multi-platform images as a tree (EXPERIMENTAL)' },
  ],
}

export const run: CommandModule['run'] = async (ctx, flags, args) => {
  const filters = parseFilterFlags(flag.list(flags, 'filter'))
  if (args[0]) filters.reference = [...(filters.reference ?? []), args[0]]
  const images = await ctx.client.imageList({ all: flag.bool(flags, 'all'), filters })
  const digests = flag.bool(flags, 'digests')
  const format = flag.str(flags, 'format') ?? ''
  const trunc = !flag.bool(flags, 'no-trunc')
  const now = ctx.now()
  // The digest column also shows when a custom format asks for .Digest.
  const showDigests = digests || /\.Digest\b/.test(format)
  const items = images.flatMap((img) =>
    imageRows(img, showDigests).map((row) => new ImageContext(img, row, { trunc, now })),
  )
  const defaultTable = digests ? DEFAULT_IMAGE_TABLE_DIGEST : DEFAULT_IMAGE_TABLE
  ctx.out.write(
    renderList(
      {
        format,
        defaultTable,
        quiet: flag.bool(flags, 'quiet'),
        quietFormat: '{{.ID}}',
        headers: IMAGE_HEADERS,
      },
      items,
    ),
  )
}
