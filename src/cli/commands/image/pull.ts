// `berth pull`: POST /images/create?fromImage=&tag= with X-Registry-Auth from the docker config,
// rendering docker's progress, then printing the full reference as docker does.
import { DEFAULT_TAG, parseNormalizedNamed, type Reference, refString } from '../../../oci/index.ts'
import type { CommandModule } from '../../command.ts'
import { flag } from '../../flags.ts'
import { displayJSONMessages } from '../../output/jsonmessage.ts'
import { registryAuthFor } from '../system/credentials.ts'

export const spec: CommandModule['spec'] = {
  usage: '[OPTIONS] NAME[:TAG|@DIGEST]',
  short: 'Download an image from a registry',
  args: { min: 1, max: 1 },
  flags: [
    {
      long: 'all-tags',
      short: 'a',
      type: 'bool',
      description: 'Download all tagged images in the repository',
    },
    { long: 'disable-content-trust', type: 'bool', description: 'Skip image verification (default true)' },
    { long: 'platform', type: 'string', description: 'Set platform if server is multi-platform capable' },
    { long: 'quiet', short: 'q', type: 'bool', description: 'Suppress verbose output' },
  ],
}

export const run: CommandModule['run'] = async (ctx, flags, [image = '']) => {
  const ref = parseNormalizedNamed(image)
  const all = flag.bool(flags, 'all-tags')
  if (all && (ref.tag !== undefined || ref.digest !== undefined))
    throw new Error("tag can't be used with --all-tags/-a")
  const named = { domain: ref.domain, path: ref.path }
  const full: Reference = all
    ? named
    : ref.digest !== undefined
      ? { ...named, digest: ref.digest }
      : { ...named, tag: ref.tag ?? DEFAULT_TAG }
  const stream = ctx.client.imageCreate({
    fromImage: refString(named),
    tag: all ? undefined : (full.digest ?? full.tag),
    platform: flag.str(flags, 'platform'),
    registryAuth: await registryAuthFor(ctx.env, image),
  })
  if (flag.bool(flags, 'quiet')) {
    for await (const m of stream)
      if (m.error || m.errorDetail?.message) throw new Error(m.errorDetail?.message ?? m.error)
  } else {
    await displayJSONMessages(stream, ctx.out, ctx.stdoutIsTTY)
  }
  ctx.out.line(refString(full))
}
