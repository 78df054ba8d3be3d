// `berth inspect`: containers or images (--type, else container first, then image), as docker's
// top-level inspect does; a name matching neither is "No such object".
import { isEngineApiError } from '../../client/index.ts'
import type { CommandModule } from '../command.ts'
import { StatusError } from '../context.ts'
import { flag } from '../flags.ts'
import { printInspect } from './inspect-output.ts'

export const spec: CommandModule['spec'] = {
  usage: '[OPTIONS] NAME|ID [NAME|ID...]',
  short: 'Return low-level information on Docker objects',
  args: { min: 1 },
  flags: [
    { long: 'format', short: 'f', type: 'string', description: 'Format output using a custom template' },
    {
      long: 'size',
      short: 's',
      type: 'bool',
      description: 'Display total file sizes if the type is container',
    },
    { long: 'type', type: 'string', description: 'Only inspect objects of the given type' },
  ],
}

const TYPES = [
  'config',
  'container',
  'image',
  'network',
  'node',
  'plugin',
  'secret',
  'service',
  'task',
  'volume',
]

export const run: CommandModule['run'] = async (ctx, flags, names) => {
  const type = flag.str(flags, 'type') ?? ''
  if (type !== '' && !TYPES.includes(type))
    throw new StatusError(1, `"${type}" is not a valid value for --type`)
  const size = flag.bool(flags, 'size')
  const get = async (name: string): Promise<unknown> => {
    if (type === 'container') return ctx.client.containerInspect(name, { size })
    if (type === 'image') return ctx.client.imageInspect(name)
    if (type !== '') throw new Error(`No such object: ${name}`)
    try {
      return await ctx.client.containerInspect(name, { size })
    } catch (err) {
      if (!isEngineApiError(err, 404)) throw err
    }
    try {
      return await ctx.client.imageInspect(name)
    } catch (err) {
      if (!isEngineApiError(err, 404)) throw err
    }
    throw new Error(`No such object: ${name}`)
  }
  await printInspect(ctx, names, flag.str(flags, 'format'), get)
}
