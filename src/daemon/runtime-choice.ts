// Which OCI runtime berthd drives when the administrator names none: crun where it is installed
// (a C program: about half of runc's CPU time per container, and `exec` without a Go start-up and
// a seccomp compilation per call: ~7 ms against runc's ~30 ms on the project's hosts), else runc.
// The choice belongs to the data root: containers that outlive berthd are known only to the
// runtime that created them, so it is recorded on first start and kept; a data root that already
// held containers before the record existed was runc's (the earlier default).
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { writeFileAtomic } from '../lib/fs-atomic.ts'

export interface RuntimeChoiceInput {
  dataRoot: string
  /** --default-runtime or daemon.json's default-runtime; '' when neither names one. */
  configured: string
  /** Whether a crun binary is installed. */
  crunInstalled: boolean
}

/** The runtime name to use, recorded in `<dataRoot>/runtime` so the next start keeps it.
 *  A configured name always wins (and becomes the record). */
export async function chooseRuntime(input: RuntimeChoiceInput): Promise<string> {
  const record = join(input.dataRoot, 'runtime')
  const recorded = (await readFile(record, 'utf8').catch(() => '')).trim()
  const chosen =
    input.configured ||
    recorded ||
    ((await hasContainers(input.dataRoot)) ? 'runc' : input.crunInstalled ? 'crun' : 'runc')
  if (chosen !== recorded) await writeFileAtomic(record, `${chosen}\n`)
  return chosen
}

async function hasContainers(dataRoot: string): Promise<boolean> {
  const entries = await readdir(join(dataRoot, 'containers')).catch(() => [])
  return entries.length > 0
}
