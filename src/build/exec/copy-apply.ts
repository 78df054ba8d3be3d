// Writes planned COPY/ADD items into a mounted worktree: every target is resolved inside the
// root first (symlinks in the image never lead out), parents are created as needed (0755,
// owned by the --chown user or root), files replace what was there, times are kept, and ADD
// archives are unpacked with the safe extractor. Owners and modes follow --chown/--chmod.
import { constants, createReadStream } from 'node:fs'
import { chmod, lchown, lstat, lutimes, mkdir, open, readdir, rm, symlink } from 'node:fs/promises'
import { join, posix } from 'node:path'
import { Readable } from 'node:stream'
import { errnoOf } from '../../lib/errors.ts'
import { decompress, extractTar } from '../../lib/tar/index.ts'
import type { BuildContext } from '../context/build-context.ts'
import type { CopyItem } from './copy-sources.ts'
import { resolveInRoot } from './worktree.ts'

export interface ApplyOptions {
  /** --chown resolved to numbers; undefined keeps each item's own owner. */
  owner?: { uid: number; gid: number }
  /** --chmod for files and directories. */
  mode?: number
  ctx: BuildContext
}

export async function applyItems(root: string, items: CopyItem[], opts: ApplyOptions): Promise<void> {
  for (const it of items) {
    const parent = await resolveInRoot(root, posix.dirname(it.target), { followLast: true })
    await mkdirAll(root, parent, opts.owner)
    const target = posix.join(parent, posix.basename(it.target))
    const abs = join(root, target)
    const uid = opts.owner?.uid ?? it.uid
    const gid = opts.owner?.gid ?? it.gid
    const mode = opts.mode ?? it.mode
    if (it.unpack) {
      await unpackInto(abs, it, opts)
      continue
    }
    const existing = await lstat(abs).catch(() => undefined)
    if (it.type === 'directory') {
      if (existing?.isDirectory()) {
        if (opts.mode !== undefined || opts.owner !== undefined) {
          await chmod(abs, mode)
          await lchown(abs, uid, gid)
        }
        continue
      }
      if (existing) await rm(abs, { recursive: true, force: true })
      await mkdir(abs)
      await chmod(abs, mode)
      await lchown(abs, uid, gid)
      continue
    }
    if (existing) await rm(abs, { recursive: existing.isDirectory(), force: true })
    if (it.type === 'symlink') {
      await symlink(it.linkname, abs)
      await lchown(abs, uid, gid)
    } else {
      await writeItem(abs, it, opts.ctx)
      await chmod(abs, mode)
      await lchown(abs, uid, gid)
    }
    await lutimes(abs, it.mtime, it.mtime)
  }
}

async function writeItem(abs: string, it: CopyItem, ctx: BuildContext): Promise<void> {
  const fh = await open(
    abs,
    constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW,
    0o600,
  )
  try {
    const src = it.source
    if (!src) return
    if ('bytes' in src) await fh.writeFile(src.bytes)
    else if ('ctx' in src) for await (const c of ctx.stream(src.ctx)) await fh.write(c)
    else for await (const c of createReadStream(src.host)) await fh.write(c as Buffer)
  } finally {
    await fh.close()
  }
}

/** mkdir -p of a resolved container path; new directories are 0755 and owned by `owner`. */
export async function mkdirAll(
  root: string,
  path: string,
  owner?: { uid: number; gid: number },
): Promise<void> {
  const parts = path.split('/').filter(Boolean)
  let cur = root
  for (const p of parts) {
    cur = join(cur, p)
    try {
      await mkdir(cur, { mode: 0o755 })
      await chmod(cur, 0o755)
      if (owner) await lchown(cur, owner.uid, owner.gid)
    } catch (err) {
      if (errnoOf(err) !== 'EEXIST') throw err
    }
  }
}

async function unpackInto(abs: string, it: CopyItem, opts: ApplyOptions): Promise<void> {
  await mkdir(abs, { recursive: true })
  const src = it.source
  const raw: AsyncIterable<Uint8Array> | Iterable<Uint8Array> =
    src === undefined
      ? []
      : 'bytes' in src
        ? [src.bytes]
        : 'ctx' in src
          ? opts.ctx.stream(src.ctx)
          : createReadStream(src.host)
  const { stream } = await decompress(Readable.from(raw as Iterable<Uint8Array>))
  await extractTar(stream, abs, { whiteouts: 'keep' })
  if (opts.owner) await chownTree(abs, opts.owner)
}

async function chownTree(dir: string, owner: { uid: number; gid: number }): Promise<void> {
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
    await lchown(join(e.parentPath, e.name), owner.uid, owner.gid)
  }
  await lchown(dir, owner.uid, owner.gid)
}
