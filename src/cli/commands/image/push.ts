// `berth push`: POST /images/{name}/push?tag= with X-Registry-Auth from the docker config,
// rendering docker's progress ("<tag>: digest: sha256:… size: N" ends each tag).
import { DEFAULT_TAG, parseNormalizedNamed, refString } from '../../../oci/index.ts'
import type { CommandModule } from '../../command.ts'
import { flag } from '../../flags.ts'
import { displayJSONMessages } from '../../output/jsonmessage.ts'
import { registryAuthFor } from '../system/credentials.ts'

export const spec: CommandModule['spec'] = {
  usage: '[OPTIONS] NAME[:TAG]',
  short: 'Upload an image to a registry',
  args: { min: 1, max: 1 },
  flags: [
    {
      long: 'all-tags',
      short: 'a',
      type: 'bool',
      description: 'Push all tags of an image to the repository',
    },
    { long: 'disable-content-trust', type: 'bool', description: 'Skip image signing (default true)' },
    {
      long: 'platform',
      type: 'string',
      description: 'Push a platform-specific manifest as a single-platform image',
    },
    { long: 'quiet', short: 'q', type: 'bool', description: 'Suppress verbose output' },
  ],
}

export const run: CommandModule['run'] = async (ctx, flags, [image = '']) => {
  const ref = parseNormalizedNamed(image)
  const all = flag.bool(flags, 'all-tags')
  if (all && ref.tag !== undefined) throw new Error("tag can't be used with --all-tags/-a")
  if (ref.digest !== undefined) throw new Error('cannot push a digest reference')
  const named = { domain: ref.domain, path: ref.path }
  const tag = all ? undefined : (ref.tag ?? DEFAULT_TAG)
  const stream = ctx.client.imagePush(refString(named), {
    tag,
    registryAuth: await registryAuthFor(ctx.env, image),
  })
  if (flag.bool(flags, 'quiet')) {
    for await (const m of stream)
      if (m.error || m.errorDetail?.message) throw new Error(m.errorDetail?.message ?? m.error)
    ctx.out.line(refString(tag === undefined ? named : { ...named, tag }))
    return
  }
  await displayJSONMessages(stream, ctx.out, ctx.stdoutIsTTY)
}
