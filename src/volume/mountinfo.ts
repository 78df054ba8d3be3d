// Reads /proc/self/mountinfo: which paths are mount points right now. Mount state is never
// cached, so every volume mount/unmount stays idempotent across daemon restarts.
import { readFile } from 'node:fs/promises'

function unescapeMountinfo(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(Number.parseInt(o, 8)))
}

/** Mount points (field 5 of mountinfo). */
export async function mountPoints(): Promise<string[]> {
  const text = await readFile('/proc/self/mountinfo', 'utf8')
  const out: string[] = []
  for (const line of text.split('\n')) {
    const f = line.split(' ')
    if (f[4] !== undefined) out.push(unescapeMountinfo(f[4]))
  }
  return out
}

export async function isMountPoint(path: string): Promise<boolean> {
  return (await mountPoints()).includes(path)
}

/** True when `dir` or anything below it is a mount point. */
export async function hasMountsUnder(dir: string): Promise<boolean> {
  const prefix = `${dir}/`
  return (await mountPoints()).some((m) => m === dir || m.startsWith(prefix))
}
