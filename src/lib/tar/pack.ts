// Streams a directory tree as a tar archive (container export, docker cp, layer diffs).
// Never follows symlinks; hardlinked files become link entries. Optionally converts overlayfs
// whiteouts back to AUFS/OCI form and carries xattrs (read by one `getfattr` run).
import { constants, type Stats } from 'node:fs'
import { lstat, open, readdir, readlink } from 'node:fs/promises'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { run } from '../exec.ts'
import { BLOCK, encodeHeader, padding, type TarEntryType, type TarHeader } from './format.ts'

export interface PackOptions {
  /** 'aufs' writes a 0/0 character device as `.wh.<name>` and an opaque directory
   *  (trusted.overlay.opaque=y) with a `.wh..wh..opq` entry, as image layers need. */
  whiteouts?: 'aufs' | 'keep'
  /** xattr names to carry (exact names); default none. Docker carries security.capability. */
  xattrs?: string[]
  /** Prefix for every entry name (e.g. "rootfs/"); default none. */
  prefix?: string
  /** Leaves out an entry (and, for a directory, everything below it); `rel` has no leading slash. */
  skip?: (rel: string, st: Stats) => boolean
}

function devMajor(rdev: number): number {
  return ((rdev >>> 8) & 0xfff) | (Math.floor(rdev / 2 ** 32) & ~0xfff)
}
function devMinor(rdev: number): number {
  return (rdev & 0xff) | ((rdev >>> 12) & ~0xff & 0xfffff)
}

function typeOf(st: Stats): TarEntryType | undefined {
  if (st.isFile()) return 'file'
  if (st.isDirectory()) return 'directory'
  if (st.isSymbolicLink()) return 'symlink'
  if (st.isCharacterDevice()) return 'char'
  if (st.isBlockDevice()) return 'block'
  if (st.isFIFO()) return 'fifo'
  return undefined // sockets are not archived, as with GNU tar
}

/** Reads xattrs of the whole tree with one getfattr run; keys are paths relative to dir. */
export async function readXattrs(dir: string, names: string[]): Promise<Map<string, Record<string, Buffer>>> {
  const out = new Map<string, Record<string, Buffer>>()
  const pattern = `^(${names.map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})$`
  const res = await run('getfattr', ['-R', '-P', '-h', '-d', '-e', 'hex', '-m', pattern, '.'], {
    cwd: dir,
    allowFailure: true,
  })
  let file = ''
  for (const line of res.stdout.split('\n')) {
    if (line.startsWith('# file: ')) {
      const raw = line
        .slice(8)
        .replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(Number.parseInt(o, 8)))
      file = Buffer.from(raw, 'latin1')
        .toString('utf8')
        .replace(/^\.\/?/, '')
      continue
    }
    const eq = line.indexOf('=')
    if (eq === -1) continue
    const value = line.slice(eq + 1)
    const buf = value.startsWith('0x')
      ? Buffer.from(value.slice(2), 'hex')
      : Buffer.from(value.replace(/^"|"$/g, ''))
    out.set(file, { ...out.get(file), [line.slice(0, eq)]: buf })
  }
  return out
}

/** A regular file's bytes for a tar entry of `size` bytes, read in ≤1 MiB chunks (zero-filled if
 *  the file shrank meanwhile, so the header stays true). Opened without following a symlink
 *  unless `follow`. The caller adds the entry's padding. */
export async function* fileData(
  abs: string,
  size: number,
  opts: { follow?: boolean } = {},
): AsyncGenerator<Buffer> {
  const fh = await open(abs, constants.O_RDONLY | (opts.follow ? 0 : constants.O_NOFOLLOW))
  try {
    let left = size
    const buf = Buffer.alloc(Math.min(Math.max(size, 1), 1 << 20))
    while (left > 0) {
      const { bytesRead } = await fh.read(buf, 0, Math.min(buf.length, left), null)
      if (bytesRead === 0) break
      left -= bytesRead
      yield Buffer.from(buf.subarray(0, bytesRead))
    }
    if (left > 0) yield Buffer.alloc(left) // the file shrank while being read: keep the header honest
  } finally {
    await fh.close()
  }
}

async function* walk(
  dir: string,
  rel: string,
  skip: PackOptions['skip'],
): AsyncGenerator<{ rel: string; st: Stats }> {
  const names = (await readdir(join(dir, rel))).sort()
  for (const name of names) {
    const r = rel === '' ? name : `${rel}/${name}`
    const st = await lstat(join(dir, r))
    if (skip?.(r, st)) continue
    yield { rel: r, st }
    if (st.isDirectory()) yield* walk(dir, r, skip)
  }
}

async function* entries(dir: string, opts: PackOptions): AsyncGenerator<Buffer> {
  const wanted = [...(opts.xattrs ?? [])]
  if (opts.whiteouts === 'aufs') wanted.push('trusted.overlay.opaque')
  const xattrs = wanted.length > 0 ? await readXattrs(dir, wanted) : new Map<string, Record<string, Buffer>>()
  const inodes = new Map<string, string>()
  const prefix = opts.prefix ?? ''
  for await (const { rel, st } of walk(dir, '', opts.skip)) {
    const type = typeOf(st)
    if (!type) continue
    const attrs = { ...xattrs.get(rel) }
    const opaque = attrs['trusted.overlay.opaque']?.toString() === 'y'
    delete attrs['trusted.overlay.opaque']
    const h: TarHeader = {
      name: prefix + rel + (type === 'directory' ? '/' : ''),
      type,
      mode: st.mode & 0o7777,
      uid: st.uid,
      gid: st.gid,
      size: 0,
      mtime: Math.floor(st.mtimeMs / 1000),
      linkname: '',
      devmajor: 0,
      devminor: 0,
      xattrs: attrs,
    }
    if (opts.whiteouts === 'aufs' && type === 'char' && st.rdev === 0) {
      const slash = rel.lastIndexOf('/')
      yield encodeHeader({
        ...h,
        type: 'file',
        mode: 0o644,
        name: `${prefix}${rel.slice(0, slash + 1)}.wh.${rel.slice(slash + 1)}`,
      })
      continue
    }
    if (type === 'char' || type === 'block') {
      h.devmajor = devMajor(st.rdev)
      h.devminor = devMinor(st.rdev)
    }
    if (type === 'symlink') h.linkname = await readlink(join(dir, rel))
    if (type === 'file' && st.nlink > 1) {
      const key = `${st.dev}:${st.ino}`
      const first = inodes.get(key)
      if (first !== undefined) {
        yield encodeHeader({ ...h, type: 'link', linkname: prefix + first })
        continue
      }
      inodes.set(key, rel)
    }
    if (type === 'file') h.size = st.size
    yield encodeHeader(h)
    if (type === 'file') {
      yield* fileData(join(dir, rel), st.size)
      if (padding(st.size) > 0) yield Buffer.alloc(padding(st.size))
    }
    if (opaque) {
      yield encodeHeader({
        ...h,
        type: 'file',
        mode: 0o644,
        name: `${prefix}${rel}/.wh..wh..opq`,
        xattrs: {},
      })
    }
  }
  yield Buffer.alloc(BLOCK * 2)
}

/** A tar stream of everything under `dir` (the directory itself has no entry). */
export function packDirectory(dir: string, opts: PackOptions = {}): Readable {
  return Readable.from(entries(dir, opts), { objectMode: false })
}
