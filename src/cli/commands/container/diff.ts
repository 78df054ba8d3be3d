// `berth diff`: GET /containers/{id}/changes, printed as docker does: "C /etc", "A /x", "D /y".
import type { FilesystemChange } from '../../../api/types/index.ts'
import type { CommandModule } from '../../command.ts'

export const spec: CommandModule['spec'] = {
  usage: 'CONTAINER',
  short: "Inspect changes to files or directories on a container's filesystem",
  args: { min: 1, max: 1 },
  flags: [],
}

const LETTER: Record<FilesystemChange['Kind'], string> = { 0: 'C', 1: 'A', 2: 'D' }

/** One line per change, in the daemon's order. */
export function formatChanges(changes: FilesystemChange[]): string[] {
  return changes.map((c) => `${LETTER[c.Kind] ?? '?'} ${c.Path}`)
}

export const run: CommandModule['run'] = async (ctx, _flags, [container = '']) => {
  for (const line of formatChanges(await ctx.client.containerChanges(container))) ctx.out.line(line)
}
