// `berth import`: POST /images/create?fromSrc=… with a file or stdin ("-") as the body, or a URL
// the daemon fetches itself; prints the new image id from the progress stream.
import { createReadStream } from 'node:fs'
import type { Readable } from 'node:stream'
import { parseNormalizedNamed } from '../../../oci/index.ts'
import type { CommandModule } from '../../command.ts'
import { flag } from '../../flags.ts'
import { displayJSONMessages } from '../../output/jsonmessage.ts'

export const spec: CommandModule['spec'] = {
  usage: '[OPTIONS] file|URL|- [REPOSITORY[:TAG]]',
  short: 'Import the contents from a tarball to create a filesystem image',
  args: { min: 1, max: 2 },
  flags: [
    {
      long: 'change',
      short: 'c',
      type: 'list',
      description: 'Apply Dockerfile instruction to the created image',
    },
    { long: 'message', short: 'm', type: 'string', description: 'Set commit message for imported image' },
    { long: 'platform', type: 'string', description: 'Set platform if server is multi-platform capable' },
  ],
}

export const run: CommandModule['run'] = async (ctx, flags, [src = '', target]) => {
  let fromSrc = src
  let source: Readable | undefined
  if (src === '-') source = ctx.stdin as Readable
  else if (!/^https?:\/\//.test(src)) {
    fromSrc = '-'
    source = createReadStream(src)
    await new Promise<void>((resolve, reject) => source?.once('open', () => resolve()).once('error', reject))
  }
  let repo: string | undefined
  let tag: string | undefined
  if (target) {
    const ref = parseNormalizedNamed(target)
    repo = ref.domain === '' ? ref.path : `${ref.domain}/${ref.path}`
    tag = ref.tag
  }
  const stream = ctx.client.imageCreate({
    fromSrc,
    repo,
    tag,
    message: flag.str(flags, 'message'),
    changes: flag.list(flags, 'change'),
    platform: flag.str(flags, 'platform'),
    source,
  })
  await displayJSONMessages(stream, ctx.out, ctx.stdoutIsTTY)
}
