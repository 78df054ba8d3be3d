// COPY/ADD source selection: which files a step takes (from the context, another stage's or an
// image's filesystem, heredocs, downloads), where each lands, and the content hash that keys the
// step's cache entry (path, type, mode, owner, link target and content digest; never mtimes).
// Writing the files is copy-apply.ts's job.
import { createHash } from 'node:crypto'
import { lstat, readdir, readlink } from 'node:fs/promises'
import { join, posix } from 'node:path'
import { InvalidArgumentError } from '../../lib/errors.ts'
import type { BuildContext, ContextFile } from '../context/build-context.ts'
import { resolveInRoot } from './worktree.ts'

/** One thing to create in the destination, in creation order (parents first). */
export interface CopyItem {
  /** Absolute container path, not yet symlink-resolved. */
  target: string
  type: 'file' | 'directory' | 'symlink'
  mode: number
  uid: number
  gid: number
  mtime: number
  linkname: string
  /** File content: a context file, a host file, or bytes. */
  source?: { ctx: ContextFile } | { host: string } | { bytes: Buffer }
  /** ADD: a local archive to unpack into `target` (a directory). */
  unpack?: boolean
}

export interface SourceRoot {
  kind: 'context'
  ctx: BuildContext
}
export interface HostRoot {
  kind: 'host'
  /** Host directory that is the source filesystem's root (a mounted image). */
  root: string
}

const WILDCARD = /[*?[]/

export function hasWildcard(s: string): boolean {
  return WILDCARD.test(s)
}

/** Go's filepath.Match for a whole slash-separated path (`*` never crosses `/`). */
export function matchPath(pattern: string, path: string): boolean {
  let re = '^'
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!
    if (c === '*') re += '[^/]*'
    else if (c === '?') re += '[^/]'
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 1)
      if (end === -1) throw new InvalidArgumentError(`syntax error in pattern: ${pattern}`)
      let cls = pattern.slice(i + 1, end)
      if (cls.startsWith('^') || cls.startsWith('!')) cls = `^${cls.slice(1)}`
      re += `[${cls.replace(/\\/g, '\\\\')}]`
      i = end
    } else if (c === '\\' && i + 1 < pattern.length) re += `\\${pattern[++i]}`
    else re += c.replace(/[.+^${}()|\\]/g, '\\$&')
  }
  return new RegExp(`${re}$`).test(path)
}

/** --exclude: a pattern matches the path or one of its parent directories; `**` spans directories. */
export function excluded(patterns: string[], rel: string): boolean {
  if (patterns.length === 0) return false
  const parts = rel.split('/')
  for (const p of patterns) {
    const clean = posix.normalize(p).replace(/^\/+|\/+$/g, '')
    if (clean.includes('**')) {
      const re = new RegExp(
        `^${clean
          .split('**')
          .map((s) =>
            s
              .replace(/[.+^${}()|\\]/g, '\\$&')
              .replace(/\*/g, '[^/]*')
              .replace(/\?/g, '[^/]'),
          )
          .join('.*')}(/.*)?$`,
      )
      if (re.test(rel)) return true
      continue
    }
    for (let n = 1; n <= parts.length; n++) if (matchPath(clean, parts.slice(0, n).join('/'))) return true
  }
  return false
}

/** The context paths a source word names (symlinks resolved in the context), sorted. */
export function selectContext(ctx: BuildContext, word: string): string[] {
  const clean = posix.normalize(`/${word}`).slice(1).replace(/\/$/, '')
  if (hasWildcard(clean)) {
    const depth = clean.split('/').length
    return ctx.paths().filter((p) => p.split('/').length === depth && matchPath(clean, p))
  }
  const resolved = ctx.resolve(clean)
  return ctx.get(resolved) ? [resolved] : []
}

/** Items for one context path copied to `dest` (a directory's contents go into dest). */
export function contextItems(
  ctx: BuildContext,
  path: string,
  dest: string,
  opts: { exclude: string[] },
): CopyItem[] {
  const root = ctx.get(path)
  if (!root) return []
  const out: CopyItem[] = []
  for (const f of ctx.walk(path)) {
    const rel = f.path === path ? '' : path === '' ? f.path : f.path.slice(path.length + 1)
    // BuildKit matches --exclude against paths relative to the source being copied.
    if (rel !== '' && excluded(opts.exclude, rel)) continue
    if (rel === '' && root.type === 'directory') {
      out.push(item(dest, f, { ctx: f }))
      continue
    }
    out.push(item(rel === '' ? dest : posix.join(dest, rel), f, f.type === 'file' ? { ctx: f } : undefined))
  }
  return out
}

function item(target: string, f: ContextFile, source: CopyItem['source']): CopyItem {
  return {
    target,
    type: f.type,
    mode: f.mode,
    uid: f.uid,
    gid: f.gid,
    mtime: f.mtime,
    linkname: f.linkname,
    ...(source && f.type === 'file' ? { source } : {}),
  }
}

/** Paths a source word names inside a host root (an image's filesystem), resolved in scope. */
export async function selectHost(root: string, word: string): Promise<string[]> {
  const clean = posix.normalize(`/${word}`)
  if (!hasWildcard(clean)) {
    const p = await resolveInRoot(root, clean, { followLast: true })
    return (await exists(join(root, p))) ? [p] : []
  }
  const parts = clean.split('/').filter(Boolean)
  let cur = ['/']
  for (const part of parts) {
    const next: string[] = []
    for (const dir of cur) {
      const names = await readdir(join(root, dir)).catch(() => [] as string[])
      for (const n of names.sort()) if (matchPath(part, n)) next.push(posix.join(dir, n))
    }
    cur = next
  }
  return cur
}

/** Items for one host path copied to `dest`; ownership kept from the source. */
export async function hostItems(
  root: string,
  path: string,
  dest: string,
  opts: { exclude: string[] },
): Promise<CopyItem[]> {
  const out: CopyItem[] = []
  const walk = async (abs: string, rel: string): Promise<void> => {
    const st = await lstat(abs)
    if (rel !== '' && excluded(opts.exclude, rel)) return
    const type = st.isDirectory()
      ? 'directory'
      : st.isSymbolicLink()
        ? 'symlink'
        : st.isFile()
          ? 'file'
          : undefined
    if (!type) return
    out.push({
      target: rel === '' ? dest : posix.join(dest, rel),
      type,
      mode: st.mode & 0o7777,
      uid: st.uid,
      gid: st.gid,
      mtime: Math.floor(st.mtimeMs / 1000),
      linkname: type === 'symlink' ? await readlink(abs) : '',
      ...(type === 'file' ? { source: { host: abs } } : {}),
    })
    if (type === 'directory')
      for (const n of (await readdir(abs)).sort()) await walk(join(abs, n), rel === '' ? n : `${rel}/${n}`)
  }
  await walk(join(root, path), '')
  return out
}

/** The cache hash of a list of items: metadata and content digests, never times. */
export function hashItems(items: CopyItem[], extra: string[]): string {
  const h = createHash('sha256')
  for (const e of extra) h.update(`${e}\0`)
  for (const i of items) {
    const src = i.source
    const digest =
      src === undefined
        ? ''
        : 'ctx' in src
          ? src.ctx.digest
          : 'bytes' in src
            ? createHash('sha256').update(src.bytes).digest('hex')
            : `host:${src.host}`
    h.update(
      `${i.target}\0${i.type}\0${i.mode}\0${i.uid}:${i.gid}\0${i.linkname}\0${digest}\0${i.unpack ? 1 : 0}\n`,
    )
  }
  return h.digest('hex')
}

async function exists(p: string): Promise<boolean> {
  return lstat(p).then(
    () => true,
    () => false,
  )
}
