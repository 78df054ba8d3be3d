// The shared loop of multi-target verbs (stop, kill, rm, rmi, pause …): act on each name, print it
// on success, collect failures and fail once at the end, exactly as docker's verbs do.
import type { CliContext } from '../context.ts'
import { StatusError } from '../context.ts'
import { errorText } from '../errors-text.ts'

export async function forEachName(
  ctx: CliContext,
  names: string[],
  act: (name: string) => Promise<unknown>,
): Promise<void> {
  const failed: string[] = []
  for (const name of names) {
    try {
      const printed = await act(name)
      ctx.out.line(typeof printed === 'string' ? printed : name)
    } catch (err) {
      failed.push(errorText(err))
    }
  }
  if (failed.length > 0) throw new StatusError(1, failed.join('\n'))
}
