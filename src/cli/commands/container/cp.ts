// `berth cp`: files between a container and the host through the archive API, with docker's
// path rules (into an existing directory keeps the source's name, else it takes the
// destination's; `src/.` copies the contents; `-` is a tar on stdin/stdout; -L follows a
// symlink at the source; -a keeps uid/gid). Local extraction uses lib/tar's safe extractor.
import type { Stats } from 'node:fs'
import { lstat, readlink, stat } from 'node:fs/promises'
import { basename, dirname, posix, resolve } from 'node:path'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import type { ContainerPathStat } from '../../../client/index.ts'
import { isEngineApiError } from '../../../client/index.ts'
import {
  BLOCK,
  encodeHeader,
  endOfArchive,
  entryBytes,
  extractTar,
  fileData,
  headerFromStats,
  packDirectory,
  padding,
  readTar,
} from '../../../lib/tar/index.ts'
import type { CommandModule } from '../../command.ts'
import { type CliContext, StatusError } from '../../context.ts'
import { flag } from '../../flags.ts'

export const spec: CommandModule['spec'] = {
  usage: '[OPTIONS] CONTAINER:SRC_PATH DEST_PATH|-\n\tberth cp [OPTIONS] SRC_PATH|- CONTAINER:DEST_PATH',
  short: 'Copy files/folders between a container and the local filesystem',
  args: { min: 2, max: 2 },
  flags: [
    { long: 'archive', short: 'a', type: 'bool', description: 'Archive mode (copy all uid/gid information)' },
    { long: 'follow-link', short: 'L', type: 'bool', description: 'Always follow symbol link in SRC_PATH' },
    { long: 'quiet', short: 'q', type: 'bool', description: 'Suppress progress output during copy' },
  ],
}

const MODE_DIR = 2 ** 31
const MODE_SYMLINK = 2 ** 27

/** docker's splitCpArg: "ctr:path", or a local path (absolute or starting with "." never names a container). */
function splitArg(arg: string): { container?: string; path: string } {
  if (arg.startsWith('/') || arg.startsWith('.')) return { path: arg }
  const i = arg.indexOf(':')
  if (i <= 0) return { path: arg }
  return { container: arg.slice(0, i), path: arg.slice(i + 1) }
}

export const run: CommandModule['run'] = async (ctx, flags, args) => {
  const src = splitArg(args[0] ?? '')
  const dst = splitArg(args[1] ?? '')
  const opts = { archive: flag.bool(flags, 'archive'), followLink: flag.bool(flags, 'follow-link') }
  if (src.container && dst.container) throw new StatusError(1, 'copying between containers is not supported')
  if (src.container) return copyFromContainer(ctx, src.container, src.path, dst.path, opts)
  if (dst.container) return copyToContainer(ctx, src.path, dst.container, dst.path, opts)
  throw new StatusError(1, 'must specify at least one container source')
}

/** The last path component docker rebases entries onto ("." for `dir/.`). */
function baseOf(p: string): string {
  return posix.basename(p.replace(/\/+$/, '')) || '.'
}

const contentsOnly = (p: string) => p.endsWith('/.') || p === '.'

async function copyFromContainer(
  ctx: CliContext,
  container: string,
  srcPath: string,
  dstPath: string,
  opts: { archive: boolean; followLink: boolean },
): Promise<void> {
  let path = srcPath
  if (opts.followLink) {
    const st = await ctx.client.containerArchiveInfo(container, path)
    if (st.mode >= MODE_DIR ? false : Math.floor(st.mode / MODE_SYMLINK) % 2 === 1) path = st.linkTarget
  }
  const { stat: srcStat, tar } = await ctx.client.containerArchive(container, path)
  if (dstPath === '-') {
    await pipeline(tar, ctx.out.stream, { end: false })
    return
  }
  const srcIsDir = srcStat.mode >= MODE_DIR
  const dst = resolve(dstPath)
  const dstStat = await stat(dst).catch(() => undefined)
  let into = dst
  let rename: { from: string; to: string } | undefined
  if (dstStat?.isDirectory()) {
    // Into an existing directory: keep the source's name (or its contents for `dir/.`).
  } else if (dstStat) {
    if (srcIsDir)
      throw new StatusError(1, `cannot overwrite non-directory "${dst}" with directory "${srcPath}"`)
    into = dirname(dst)
    rename = { from: baseOf(path), to: basename(dst) }
  } else {
    if (dstPath.endsWith('/') && !srcIsDir)
      throw new StatusError(1, `destination directory "${dst}" does not exist`)
    const parent = await stat(dirname(dst)).catch(() => undefined)
    if (!parent?.isDirectory()) throw new StatusError(1, `no such directory: "${dirname(dst)}"`)
    into = dirname(dst)
    rename = { from: baseOf(path), to: basename(dst) }
  }
  await extractTar(renameEntries(tar, rename), into, { sameOwner: opts.archive || process.getuid?.() === 0 })
}

/** Re-emits a tar with its first path component `from` replaced by `to` (docker's RebaseArchiveEntries). */
async function* renameEntries(
  src: AsyncIterable<Uint8Array>,
  rename: { from: string; to: string } | undefined,
): AsyncGenerator<Uint8Array> {
  for await (const { header, body } of readTar(src)) {
    let h = header
    if (rename) {
      const parts = header.name.split('/')
      if (parts[0] === rename.from) h = { ...header, name: [rename.to, ...parts.slice(1)].join('/') }
    }
    yield* entryBytes(h, body)
  }
  yield endOfArchive()
}

async function copyToContainer(
  ctx: CliContext,
  srcPath: string,
  container: string,
  dstPath: string,
  opts: { archive: boolean; followLink: boolean },
): Promise<void> {
  const put = (dir: string, tar: Readable) =>
    ctx.client.putContainerArchive(container, dir, tar, {
      noOverwriteDirNonDir: true,
      copyUIDGID: opts.archive,
    })
  if (srcPath === '-') {
    await put(dstPath, Readable.from(ctx.stdin as AsyncIterable<Uint8Array>))
    return
  }
  const src = resolve(srcPath)
  const srcStat = await (opts.followLink ? stat(src) : lstat(src)).catch(() => {
    throw new StatusError(1, `lstat ${src}: no such file or directory`)
  })
  const dst = await containerDestination(ctx, container, dstPath)
  let dir = dstPath
  let name = contentsOnly(srcPath) ? '.' : basename(src)
  if (dst?.isDir) {
    dir = dst.path
  } else {
    if (dst && srcStat.isDirectory()) throw new StatusError(1, 'cannot copy a directory to a file')
    // A trailing slash asserts a directory: on a file the daemon's stat fails (ENOTDIR) and
    // docker takes the destination for missing.
    if (dstPath.endsWith('/')) throw new StatusError(1, `destination directory "${dstPath}" does not exist`)
    dir = posix.dirname(dstPath)
    name = posix.basename(dstPath)
  }
  await put(dir, hostTar(src, name, srcStat, opts.followLink))
}

/** The destination's stat in the container (following a symlink), undefined when it does not exist. */
async function containerDestination(
  ctx: CliContext,
  container: string,
  path: string,
): Promise<{ path: string; isDir: boolean } | undefined> {
  let st: ContainerPathStat
  try {
    st = await ctx.client.containerArchiveInfo(container, path)
    if (st.mode < MODE_DIR && Math.floor(st.mode / MODE_SYMLINK) % 2 === 1) {
      path = st.linkTarget
      st = await ctx.client.containerArchiveInfo(container, path)
    }
  } catch (err) {
    if (isEngineApiError(err, 404)) return undefined
    throw err
  }
  return { path, isDir: st.mode >= MODE_DIR }
}

/** A tar of one host path named `name`: a directory with its contents, or a single entry. */
function hostTar(path: string, name: string, st: Stats, follow: boolean): Readable {
  async function* gen(): AsyncGenerator<Buffer> {
    if (st.isDirectory()) {
      const prefix = `${name}/`
      yield encodeHeader(headerFromStats(st, prefix, 'directory'))
      yield* packDirectory(path, { prefix }) as AsyncIterable<Buffer>
      return
    }
    if (st.isSymbolicLink()) yield encodeHeader(headerFromStats(st, name, 'symlink', await readlink(path)))
    else if (st.isFile()) {
      yield encodeHeader(headerFromStats(st, name, 'file'))
      yield* fileData(path, st.size, { follow })
      if (padding(st.size) > 0) yield Buffer.alloc(padding(st.size))
    } else throw new StatusError(1, `cannot copy ${path}: unsupported file type`)
    yield Buffer.alloc(BLOCK * 2)
  }
  return Readable.from(gen())
}
