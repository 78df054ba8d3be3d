// Paths inside a container as seen from the host: which mount a container path falls in, and
// resolving a path the way the container would (symlinks followed inside the container's root,
// `..` stopping at it), so cp/archive and volume subpaths never leave the container or volume.
import { lstat, readlink } from 'node:fs/promises'
import { join } from 'node:path'
import { errnoOf, InvalidArgumentError } from '../lib/errors.ts'

/** A container's filesystem as seen from the host: its root and the host paths mounted in it. */
export interface RootView {
  root: string
  /** Container destination → host source (binds, volumes, the /etc files). */
  mounts: Array<{ destination: string; source: string }>
}

/** The host path of an already resolved (symlink-free, clean, absolute) container path:
 *  under the deepest mount containing it, else under the root. */
export function hostPathOf(view: RootView, ctrPath: string): string {
  let best: { destination: string; source: string } | undefined
  for (const m of view.mounts) {
    if (ctrPath === m.destination || ctrPath.startsWith(`${m.destination}/`)) {
      if (!best || m.destination.length > best.destination.length) best = m
    }
  }
  if (!best) return ctrPath === '/' ? view.root : join(view.root, ctrPath)
  const rest = ctrPath.slice(best.destination.length)
  return rest === '' ? best.source : join(best.source, rest)
}

/** The mount a resolved container path falls in, if any. */
export function mountOf(
  view: RootView,
  ctrPath: string,
): { destination: string; source: string } | undefined {
  return view.mounts
    .filter((m) => ctrPath === m.destination || ctrPath.startsWith(`${m.destination}/`))
    .sort((a, b) => b.destination.length - a.destination.length)[0]
}

const MAX_SYMLINKS = 40

/**
 * Resolves `path` as the container would see it: each component is looked up on the host
 * (through the mounts), symlinks are followed inside the container (an absolute target
 * restarts at the container's root, `..` stops at it). The last component is followed only
 * with `followLast`. Components that do not exist are kept as written.
 * @throws InvalidArgumentError after too many symlinks.
 */
export async function resolveInContainer(
  view: RootView,
  path: string,
  opts: { followLast: boolean },
): Promise<string> {
  const todo = path.split('/').filter((c) => c !== '' && c !== '.')
  const done: string[] = []
  let links = 0
  let missing = false
  while (todo.length > 0) {
    const comp = todo.shift() as string
    if (comp === '..') {
      done.pop()
      continue
    }
    done.push(comp)
    if (missing || (todo.length === 0 && !opts.followLast)) continue
    const host = hostPathOf(view, `/${done.join('/')}`)
    let isLink = false
    try {
      isLink = (await lstat(host)).isSymbolicLink()
    } catch (err) {
      const code = errnoOf(err)
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw err
      missing = true
      continue
    }
    if (!isLink) continue
    if (++links > MAX_SYMLINKS) throw new InvalidArgumentError(`too many levels of symbolic links: ${path}`)
    const target = await readlink(host)
    done.pop()
    if (target.startsWith('/')) done.length = 0
    todo.unshift(...target.split('/').filter((c) => c !== '' && c !== '.'))
  }
  return `/${done.join('/')}`
}
