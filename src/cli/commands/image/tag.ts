// `berth tag`: POST /images/{name}/tag with the target split into repo and tag as docker's client does.
import { parseNormalizedNamed } from '../../../oci/index.ts'
import type { CommandModule } from '../../command.ts'

export const spec: CommandModule['spec'] = {
  usage: 'SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG]',
  short: 'Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE',
  args: { min: 2, max: 2 },
  flags: [],
}

export const run: CommandModule['run'] = async (ctx, _flags, [source = '', target = '']) => {
  const ref = parseNormalizedNamed(target)
  if (ref.digest !== undefined) throw new Error('refusing to create a tag with a digest reference')
  const repo = ref.domain === '' ? ref.path : `${ref.domain}/${ref.path}`
  await ctx.client.imageTag(source, { repo, tag: ref.tag ?? 'latest' })
}
