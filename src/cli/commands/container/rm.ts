// `berth rm`: DELETE /containers/{id} for each container (-f kills first, -v removes anonymous volumes).
import type { CommandModule } from '../../command.ts'
import { flag } from '../../flags.ts'
import { forEachName } from '../each.ts'

export const spec: CommandModule['spec'] = {
  usage: '[OPTIONS] CONTAINER [CONTAINER...]',
  short: 'Remove one or more containers',
  args: { min: 1 },
  flags: [
    {
      long: 'force',
      short: 'f',
      type: 'bool',
      description: 'Force the removal of a running container (uses SIGKILL)',
    },
    { long: 'link', short: 'l', type: 'bool', description: 'Remove the specified link' },
    {
      long: 'volumes',
      short: 'v',
      type: 'bool',
      description: 'Remove anonymous volumes associated with the container',
    },
  ],
}

export const run: CommandModule['run'] = async (ctx, flags, names) => {
  const opts = {
    force: flag.bool(flags, 'force'),
    volumes: flag.bool(flags, 'volumes'),
    link: flag.bool(flags, 'link'),
  }
  await forEachName(ctx, names, async (name) => {
    // docker strips a leading "/" and refuses empty names before calling the daemon.
    const id = name.replace(/^\/+/, '')
    if (id === '') throw new Error('Container name cannot be empty')
    await ctx.client.containerDelete(id, opts)
  })
}
