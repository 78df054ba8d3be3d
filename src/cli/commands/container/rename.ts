// `berth rename`: POST /containers/{id}/rename.
import type { CommandModule } from '../../command.ts'
import { StatusError } from '../../context.ts'
import { errorText } from '../../errors-text.ts'

export const spec: CommandModule['spec'] = {
  usage: 'CONTAINER NEW_NAME',
  short: 'Rename a container',
  args: { min: 2, max: 2 },
  flags: [],
}

export const run: CommandModule['run'] = async (ctx, _flags, [oldName = '', newName = '']) => {
  if (newName.trim() === '') throw new StatusError(1, 'Error: neither old nor new names may be empty')
  try {
    await ctx.client.containerRename(oldName.trim(), newName.trim())
  } catch (err) {
    throw new StatusError(1, `${errorText(err)}\nError: failed to rename container named ${oldName}`)
  }
}
