// `docker diff` (Engine API GET /containers/{id}/changes): what a container's writable layer
// changed, read from the overlay upper directory against the image's layers, following moby's
// pkg/archive changes() for overlay. Does not look inside mounts (volumes, binds, tmpfs).
import type { Stats } from 'node:fs'
import { lstat, readdir } from 'node:fs/promises'
import { join, posix } from 'node:path'
import { isNotFound } from '../lib/errors.ts'
import { readXattrs } from '../lib/tar/index.ts'

/** Engine API FilesystemChange Kind: 0 modified, 1 added, 2 deleted. */
export type ChangeKind = 0 | 1 | 2
export const ChangeKind = { modified: 0, added: 1, deleted: 2 } as const

export interface Change {
  /** Absolute path inside the container, e.g. "/etc/passwd". */
  path: string
  kind: ChangeKind
}

/** An overlayfs whiteout: a 0/0 character device. */
export function isWhiteout(st: Stats): boolean {
  return st.isCharacterDevice() && st.rdev === 0
}

/** The entry at `rel` (no leading slash) in the union of `lowerDirs` (topmost first), honouring
 *  whiteouts in the layers themselves; undefined when no layer shows it.
 *  TODO(image): honour opaque directories inside image layers — each check costs a getfattr run. */
export async function lowerStat(lowerDirs: string[], rel: string): Promise<Stats | undefined> {
  const parts = rel.split('/')
  for (const layer of lowerDirs) {
    let hidden = false
    let missing = false
    for (let i = 1; i < parts.length && !missing; i++) {
      const anc = await lstatOrUndefined(join(layer, ...parts.slice(0, i)))
      if (anc === undefined) missing = true
      else if (!anc.isDirectory()) hidden = true
      if (hidden) break
    }
    if (hidden) return undefined
    if (missing) continue
    const st = await lstatOrUndefined(join(layer, rel))
    if (st === undefined) continue
    return isWhiteout(st) ? undefined : st
  }
  return undefined
}

async function lstatOrUndefined(p: string): Promise<Stats | undefined> {
  try {
    return await lstat(p)
  } catch (err) {
    if (isNotFound(err) || (err as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined
    throw err
  }
}

/** Names in the union of the lower layers' directory `rel` ('' is the root), whiteouts excluded. */
async function lowerNames(lowerDirs: string[], rel: string): Promise<string[]> {
  const names = new Set<string>()
  for (const layer of lowerDirs) {
    let list: string[]
    try {
      list = await readdir(join(layer, rel))
    } catch (err) {
      if (isNotFound(err) || (err as NodeJS.ErrnoException).code === 'ENOTDIR') continue
      throw err
    }
    for (const n of list) names.add(n)
  }
  const out: string[] = []
  for (const n of [...names].sort()) if (await lowerStat(lowerDirs, join(rel, n))) out.push(n)
  return out
}

/** Same directory metadata as moby's check: size, mode and mtime (an untouched copied-up dir). */
function sameDir(a: Stats, b: Stats): boolean {
  return (
    a.isDirectory() && b.isDirectory() && a.size === b.size && a.mode === b.mode && a.mtimeMs === b.mtimeMs
  )
}

interface Walk {
  /** Relative paths left out, and their parent directories (compared by mode only). */
  exclude: Set<string>
  excludeParents: Set<string>
  upperDir: string
  lowerDirs: string[]
  opaque: Set<string>
  changedDirs: Set<string>
  out: Change[]
}

/** Changes of `upperDir` over `lowerDirs` (topmost first), in walk order like moby: a path in a
 *  lower layer is modified, a whiteout deleted, anything else added; an unchanged copied-up
 *  directory is skipped, but the parent of an added or deleted path is reported as modified. */
export async function rootfsChanges(
  upperDir: string,
  lowerDirs: string[],
  opts: { exclude?: string[] } = {},
): Promise<Change[]> {
  const xattrs = await readXattrs(upperDir, ['trusted.overlay.opaque'])
  const opaque = new Set<string>()
  for (const [rel, attrs] of xattrs) if (attrs['trusted.overlay.opaque']?.toString() === 'y') opaque.add(rel)
  const exclude = new Set((opts.exclude ?? []).map((p) => p.replace(/^\/+/, '')))
  const excludeParents = new Set([...exclude].map((p) => posix.dirname(p)))
  const w: Walk = { exclude, excludeParents, upperDir, lowerDirs, opaque, changedDirs: new Set(), out: [] }
  await walkDir(w, '', false)
  return w.out
}

function record(w: Walk, rel: string, kind: ChangeKind): void {
  const path = `/${rel}`
  if (kind !== ChangeKind.modified) {
    const parent = posix.dirname(path)
    if (parent !== '/' && !w.changedDirs.has(parent)) {
      w.out.push({ path: parent, kind: ChangeKind.modified })
      w.changedDirs.add(parent)
    }
  }
  w.out.push({ path, kind })
}

/** `hidden`: an opaque directory above hides the lower layers from here down. */
async function walkDir(w: Walk, rel: string, hidden: boolean): Promise<void> {
  const names = (await readdir(join(w.upperDir, rel))).sort()
  for (const name of names) {
    const r = rel === '' ? name : `${rel}/${name}`
    if (w.exclude.has(r)) continue
    const st = await lstat(join(w.upperDir, r))
    if (isWhiteout(st)) {
      record(w, r, ChangeKind.deleted)
      continue
    }
    const lower = hidden ? undefined : await lowerStat(w.lowerDirs, r)
    const isOpaque = st.isDirectory() && w.opaque.has(r)
    const unchanged =
      lower !== undefined &&
      !isOpaque &&
      (w.excludeParents.has(r)
        ? st.isDirectory() && lower.isDirectory() && st.mode === lower.mode
        : sameDir(st, lower))
    if (unchanged) {
      await walkDir(w, r, hidden)
      continue
    }
    if (st.isDirectory()) w.changedDirs.add(`/${r}`)
    record(w, r, lower === undefined ? ChangeKind.added : ChangeKind.modified)
    if (!st.isDirectory()) continue
    await walkDir(w, r, hidden || isOpaque)
    if (isOpaque && lower !== undefined) await recordHidden(w, r)
  }
}

/** An opaque directory replaced a lower one: what the lower one had and upper lacks is deleted. */
async function recordHidden(w: Walk, rel: string): Promise<void> {
  const upper = new Set(await readdir(join(w.upperDir, rel)))
  for (const n of await lowerNames(w.lowerDirs, rel))
    if (!upper.has(n)) record(w, `${rel}/${n}`, ChangeKind.deleted)
}
