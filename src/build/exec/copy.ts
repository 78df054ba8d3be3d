// COPY and ADD: expand the words, select sources (context, --from stage or image, heredocs,
// ADD URLs and local archives), key the step on the selected content, and on a miss write the
// files into a worktree of the parent image and commit its upper directory as the layer.
import { stat } from 'node:fs/promises'
import { posix } from 'node:path'
import { resolveUser } from '../../container/index.ts'
import { InvalidArgumentError, NotImplementedError } from '../../lib/errors.ts'
import { expand, expandHeredoc } from '../dockerfile/expand.ts'
import type { AddInstruction, CopyInstruction } from '../dockerfile/types.ts'
import { type BuildRun, cachedStep, cacheKey, commitWith } from './build-run.ts'
import { applyItems } from './copy-apply.ts'
import {
  type CopyItem,
  contextItems,
  hashItems,
  hasWildcard,
  hostItems,
  selectContext,
  selectHost,
} from './copy-sources.ts'
import { fetchUrl } from './fetch-url.ts'
import { fromImage } from './run.ts'
import { lookupOf, type StageScope } from './stage.ts'
import { ensureBase } from './workdir.ts'
import { Worktree } from './worktree.ts'

/** One selected source: a directory's contents, a single file, or an archive to unpack. */
interface Group {
  kind: 'dir' | 'file' | 'archive'
  /** Source path (relative to its root) for --parents and messages. */
  path: string
  /** Items with targets relative to the group's destination ('' = the destination itself). */
  items: CopyItem[]
}

export async function copyStep(
  run: BuildRun,
  s: StageScope,
  ins: CopyInstruction | AddInstruction,
): Promise<void> {
  const ex = (w: string) => expand(w, lookupOf(s, run), { escape: run.directives.escape })
  const words = ins.sources.map(ex)
  const destRaw = ex(ins.dest)
  const chown = ins.chown ? ex(ins.chown) : undefined
  const chmod = ins.chmod ? parseChmod(ex(ins.chmod)) : undefined
  const exclude = ins.exclude.map(ex)
  const from = ins.kind === 'COPY' && ins.from ? ex(ins.from) : undefined
  const fromId = from ? await fromImage(run, from) : undefined
  const groups: Group[] = []
  for (const h of ins.heredocs) {
    const content = h.expand ? expandHeredoc(h.content, lookupOf(s, run)) : h.content
    groups.push(fileGroup(h.path, Buffer.from(content), 0o644))
  }
  if (fromId === undefined) await selectFromContext(run, ins, words, exclude, groups)
  const total = groups.length + (fromId ? words.length : 0)
  const anyWildcard = words.some(hasWildcard)
  if ((total > 1 || (fromId && anyWildcard)) && !destRaw.endsWith('/'))
    throw new InvalidArgumentError(
      `When using ${ins.kind} with more than one source file, the destination must be a directory and end with a /`,
    )
  const dest = posix.resolve(s.config.WorkingDir || '/', destRaw) + (destRaw.endsWith('/') ? '/' : '')
  const hash = groups.map((g) => hashItems(g.items, [g.kind, g.path])).join(',')
  const key = cacheKey(s.imageId, [
    ins.kind,
    fromId ?? 'context',
    words,
    hash,
    dest,
    chown ?? '',
    chmod ?? '',
    exclude,
    ins.parents,
  ])
  const createdBy = `/bin/sh -c #(nop) ${ins.kind} ${fromId ? `from:${from} ` : ''}${words.length > 0 ? `multi:${hash.slice(0, 64)}` : 'heredoc'} in ${dest} `
  await cachedStep(run, s, s.out, { key, description: ins.original }, async () => {
    await ensureBase(run, s)
    const t0 = performance.now()
    const tree = await Worktree.open(run.deps.images, s.imageId!, run.deps.cache.worktrees)
    let srcTree: Worktree | undefined
    try {
      if (fromId) srcTree = await Worktree.open(run.deps.images, fromId, run.deps.cache.worktrees)
      const t1 = performance.now()
      if (srcTree) await selectFromHost(srcTree.root, words, exclude, groups)
      const owner = chown ? await resolveUser(tree.root, chown) : undefined
      const items = await place(tree, groups, dest, ins.parents, total)
      await applyItems(tree.root, items, { owner, mode: chmod, ctx: run.ctx })
      const t2 = performance.now()
      const img = await commitWith(run, s, { createdBy, layer: await tree.layer(), layerDir: tree.upper })
      run.deps.log.debug('copy step', {
        openMs: Math.round(t1 - t0),
        writeMs: Math.round(t2 - t1),
        commitMs: Math.round(performance.now() - t2),
      })
      return img
    } finally {
      await srcTree?.dispose()
      await tree.dispose()
    }
  })
}

async function selectFromContext(
  run: BuildRun,
  ins: CopyInstruction | AddInstruction,
  words: string[],
  exclude: string[],
  groups: Group[],
): Promise<void> {
  for (const w of words) {
    if (ins.kind === 'ADD' && /^https?:\/\//.test(w)) {
      const got = await fetchUrl(w, { checksum: ins.checksum, signal: run.signal })
      const g = fileGroup(got.name, got.data, 0o600)
      g.items[0]!.mtime = got.mtime
      groups.push(g)
      continue
    }
    if (ins.kind === 'ADD' && (/^git@/.test(w) || /\.git(#.*)?$/.test(w)))
      throw new NotImplementedError(`ADD of a git repository is not supported: ${w}`)
    const paths = selectContext(run.ctx, w)
    if (paths.length === 0)
      throw new InvalidArgumentError(
        `${ins.kind} failed: file not found in build context or excluded by .dockerignore: stat ${w}: file does not exist`,
      )
    for (const p of paths) {
      const f = run.ctx.get(p)!
      if (f.type === 'directory') {
        groups.push({ kind: 'dir', path: p, items: contextItems(run.ctx, p, '', { exclude }) })
      } else if (ins.kind === 'ADD' && ins.unpack !== false && isArchive(await run.ctx.read(f))) {
        const [item] = contextItems(run.ctx, p, '', { exclude: [] })
        groups.push({ kind: 'archive', path: p, items: [{ ...item!, unpack: true }] })
      } else {
        groups.push({ kind: 'file', path: p, items: contextItems(run.ctx, p, '', { exclude: [] }) })
      }
    }
  }
}

async function selectFromHost(
  root: string,
  words: string[],
  exclude: string[],
  groups: Group[],
): Promise<void> {
  for (const w of words) {
    const paths = await selectHost(root, w)
    if (paths.length === 0) throw new InvalidArgumentError(`COPY failed: stat ${w}: file does not exist`)
    for (const p of paths) {
      const items = await hostItems(root, p, '', { exclude })
      groups.push({
        kind: items[0]?.type === 'directory' ? 'dir' : 'file',
        path: p.replace(/^\//, ''),
        items,
      })
    }
  }
}

function fileGroup(name: string, data: Buffer, mode: number): Group {
  return {
    kind: 'file',
    path: name,
    items: [
      { target: '', type: 'file', mode, uid: 0, gid: 0, mtime: 0, linkname: '', source: { bytes: data } },
    ],
  }
}

/** Absolute targets: a directory's contents go into dest; a file becomes dest, or dest/name when
 *  dest is a directory (trailing slash, several sources, or an existing directory). */
async function place(
  tree: Worktree,
  groups: Group[],
  dest: string,
  parents: boolean,
  total: number,
): Promise<CopyItem[]> {
  const destClean = dest.replace(/\/+$/, '') || '/'
  const existing = await tree.resolve(destClean, { followLast: true })
  const isDir =
    dest.endsWith('/') ||
    total > 1 ||
    (await stat(existing).then(
      (st) => st.isDirectory(),
      () => false,
    ))
  const out: CopyItem[] = []
  for (const g of groups) {
    const base = parents
      ? posix.join(destClean, g.kind === 'dir' ? g.path : posix.dirname(g.path))
      : destClean
    for (const it of g.items) {
      let target: string
      if (g.kind === 'file') target = isDir || parents ? posix.join(base, posix.basename(g.path)) : destClean
      else target = it.target === '' ? base : posix.join(base, it.target)
      out.push({ ...it, target })
    }
  }
  return out
}

function parseChmod(s: string): number {
  if (!/^[0-7]{3,4}$/.test(s)) throw new InvalidArgumentError(`invalid chmod parameter: ${s}`)
  return Number.parseInt(s, 8)
}

/** gzip, bzip2, xz or zstd magic, or a ustar header: Docker's ADD unpacks these. */
function isArchive(b: Buffer): boolean {
  if (b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b) return true
  if (b.length >= 4 && b.readUInt32BE(0) === 0x28b52ffd) return true
  if (b.length >= 3 && b.subarray(0, 3).toString('latin1') === 'BZh') return true
  if (b.length >= 6 && b.subarray(0, 6).equals(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]))) return true
  return b.length >= 262 && b.subarray(257, 262).toString('latin1') === 'ustar'
}
