// Where `save` and `export` write their tarball: -o FILE (written beside it, then renamed, so a
// failure leaves no partial file) or stdout when it is not a terminal, as docker refuses a tar
// on a terminal.
import { createWriteStream, renameSync, rmSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import { pipeline } from 'node:stream/promises'
import { type CliContext, StatusError } from '../context.ts'

/** Checks the destination before the daemon is asked for anything. */
export function checkTarOutput(ctx: CliContext, output: string | undefined): void {
  if (!output && ctx.stdoutIsTTY)
    throw new StatusError(1, 'cowardly refusing to save to a terminal. Use the -o flag or redirect')
}

/** Writes `tar` to `output` (or stdout); `what` names the failure, e.g. "save image". */
export async function writeTarOutput(
  ctx: CliContext,
  tar: NodeJS.ReadableStream,
  output: string | undefined,
  what: string,
): Promise<void> {
  if (!output) {
    await pipeline(tar, ctx.out.stream, { end: false })
    return
  }
  const tmp = join(dirname(output), `.${basename(output)}.${process.pid}.tmp`)
  try {
    await pipeline(tar, createWriteStream(tmp))
    renameSync(tmp, output)
  } catch (err) {
    rmSync(tmp, { force: true })
    throw new StatusError(1, `failed to ${what}: ${(err as Error).message}`)
  }
}
