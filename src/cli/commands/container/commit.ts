// `berth commit`: POST /commit; prints the new image id as docker does ("sha256:…").
import { familiarName, parseNormalizedNamed } from '../../../oci/index.ts'
import type { CommandModule } from '../../command.ts'
import { StatusError } from '../../context.ts'
import { flag } from '../../flags.ts'

export const spec: CommandModule['spec'] = {
  usage: '[OPTIONS] CONTAINER [REPOSITORY[:TAG]]',
  short: "Create a new image from a container's changes",
  args: { min: 1, max: 2 },
  flags: [
    {
      long: 'author',
      short: 'a',
      type: 'string',
      description: 'Author (e.g., "John Hannibal Smith <hannibal@a-team.com>")',
    },
    {
      long: 'change',
      short: 'c',
      type: 'list',
      description: 'Apply Dockerfile instruction to the created image',
    },
    { long: 'message', short: 'm', type: 'string', description: 'Commit message' },
    { long: 'pause', short: 'p', type: 'bool', description: 'Pause container during commit (default true)' },
  ],
}

export const run: CommandModule['run'] = async (ctx, flags, [container = '', target]) => {
  let repo: string | undefined
  let tag: string | undefined
  if (target) {
    // docker's client: the familiar name and the tag ("latest" when none), never a digest.
    const ref = parseNormalizedNamed(target)
    if (ref.digest !== undefined) throw new StatusError(1, 'refusing to create a tag with a digest reference')
    repo = familiarName(ref)
    tag = ref.tag ?? 'latest'
  }
  const res = await ctx.client.imageCommit({
    container,
    repo,
    tag,
    comment: flag.str(flags, 'message'),
    author: flag.str(flags, 'author'),
    // docker's --pause defaults to true: only an explicit --pause=false turns it off.
    pause: !flags.changed.has('pause') || flag.bool(flags, 'pause'),
    changes: flag.list(flags, 'change'),
  })
  ctx.out.line(res.Id)
}
