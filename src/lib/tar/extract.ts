// Safe streaming extraction of a tar (image layer or rootfs) into a directory. Nothing is
// written outside `dest`: `..` components are rejected, a parent that is not a real directory
// (e.g. a symlink) is rejected, and files are opened with O_NOFOLLOW|O_EXCL. Device nodes,
// fifos and xattrs need tools Node lacks; they are batched into one `sh`/`setfattr` run each
// at the end. Does not decompress (see decompress.ts) and does not account for overlay lowers.
import { constants } from 'node:fs'
import {
  chmod,
  lchown,
  link,
  lstat,
  lutimes,
  mkdir,
  open,
  realpath,
  rm,
  symlink,
  utimes,
} from 'node:fs/promises'
import { join } from 'node:path'
import { errnoOf, InvalidArgumentError, isNotFound } from '../errors.ts'
import { run } from '../exec.ts'
import type { TarHeader } from './format.ts'
import { readTar } from './reader.ts'

export interface ExtractOptions {
  /** 'overlay' turns AUFS/OCI whiteouts (`.wh.<name>`, `.wh..wh..opq`) into overlayfs ones
   *  (a 0/0 character device, `trusted.overlay.opaque=y`); 'keep' writes them as files. */
  whiteouts?: 'overlay' | 'keep'
  /** Apply the archive's numeric uid/gid. Default: when running as root. */
  sameOwner?: boolean
  signal?: AbortSignal
  /** `dest` is already free of symlinks: use it as it is. Needed for a path through
   *  `/proc/<pid>/root`, which realpath would resolve against the host's root instead. */
  resolvedDest?: boolean
}

export interface ExtractResult {
  /** Bytes of regular file data written (hardlinks counted once). */
  size: number
  entries: number
  /** Non-fatal problems (xattrs the filesystem refused). */
  warnings: string[]
}

const WH_PREFIX = '.wh.'
const WH_OPAQUE = '.wh..wh..opq'
const WH_META_PREFIX = '.wh..wh.'

interface Node {
  type: 'char' | 'block' | 'fifo'
  mode: number
  uid: number
  gid: number
  devmajor: number
  devminor: number
  mtime: number
}

/** Normalises an entry name to a relative path ("" is the root). Leading "/" is dropped (the
 *  archive's root is dest). @throws InvalidArgumentError when a ".." component appears. */
export function cleanEntryName(name: string): string {
  const parts = name.split('/').filter((p) => p !== '' && p !== '.')
  if (parts.includes('..'))
    throw new InvalidArgumentError(`invalid tar entry "${name}": path escapes the target directory`)
  return parts.join('/')
}

function parentOf(rel: string): string {
  const i = rel.lastIndexOf('/')
  return i === -1 ? '' : rel.slice(0, i)
}

function shQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`
}

/** Escapes a path for a getfattr dump ("# file:" line): octal for anything unusual. */
function dumpQuote(s: string): string {
  return [...Buffer.from(s)]
    .map((b) =>
      /[A-Za-z0-9._/+-]/.test(String.fromCharCode(b))
        ? String.fromCharCode(b)
        : `\\${b.toString(8).padStart(3, '0')}`,
    )
    .join('')
}

class Extractor {
  readonly #dest: string
  readonly #opts: Required<Omit<ExtractOptions, 'signal' | 'resolvedDest'>>
  /** Relative paths known to be real directories reached through real directories. */
  readonly #dirs = new Set<string>([''])
  readonly #dirMeta = new Map<string, TarHeader>()
  readonly #nodes = new Map<string, Node>()
  readonly #nodeLinks: Array<{ rel: string; target: string }> = []
  readonly #xattrs = new Map<string, Record<string, Buffer>>()
  readonly result: ExtractResult = { size: 0, entries: 0, warnings: [] }

  constructor(dest: string, opts: Required<Omit<ExtractOptions, 'signal' | 'resolvedDest'>>) {
    this.#dest = dest
    this.#opts = opts
  }

  #abs(rel: string): string {
    return rel === '' ? this.#dest : join(this.#dest, rel)
  }

  /** Checks (and with `create`, makes) every parent of `rel` as a real directory. */
  async #parents(rel: string, cache: Set<string>, create: boolean): Promise<void> {
    const parts = rel.split('/')
    for (let i = 1; i < parts.length; i++) {
      const p = parts.slice(0, i).join('/')
      if (cache.has(p)) continue
      try {
        const st = await lstat(this.#abs(p))
        if (!st.isDirectory())
          throw new InvalidArgumentError(`invalid tar entry "${rel}": parent "${p}" is not a directory`)
      } catch (err) {
        if (!isNotFound(err) || !create) throw err
        await mkdir(this.#abs(p), 0o755)
      }
      cache.add(p)
    }
  }

  #forget(rel: string): void {
    this.#nodes.delete(rel)
    this.#xattrs.delete(rel)
    if (!this.#dirs.has(rel)) return
    const prefix = `${rel}/`
    for (const set of [this.#dirs, this.#dirMeta, this.#nodes, this.#xattrs]) {
      for (const k of set.keys()) if (k === rel || k.startsWith(prefix)) set.delete(k)
    }
  }

  /** Removes what is at `rel` unless it is a directory and `keepDir`. Returns true if a directory remains. */
  async #clear(rel: string, keepDir: boolean): Promise<boolean> {
    let st: Awaited<ReturnType<typeof lstat>>
    try {
      st = await lstat(this.#abs(rel))
    } catch (err) {
      if (isNotFound(err)) {
        this.#forget(rel)
        return false
      }
      throw err
    }
    if (st.isDirectory() && keepDir) return true
    this.#forget(rel)
    await rm(this.#abs(rel), { recursive: true, force: true })
    return false
  }

  async #owner(abs: string, h: { uid: number; gid: number }): Promise<void> {
    if (this.#opts.sameOwner) await lchown(abs, h.uid, h.gid)
  }

  async entry(h: TarHeader, body: AsyncIterable<Buffer>): Promise<void> {
    this.result.entries++
    const rel = cleanEntryName(h.name)
    const base = rel.slice(rel.lastIndexOf('/') + 1)
    if (this.#opts.whiteouts === 'overlay' && base.startsWith(WH_PREFIX)) return this.#whiteout(rel, base, h)
    if (rel === '') {
      if (h.type !== 'directory')
        throw new InvalidArgumentError(`invalid tar entry "${h.name}": root is not a directory`)
      this.#dirMeta.set('', h)
      return this.#owner(this.#dest, h)
    }
    await this.#parents(rel, this.#dirs, true)
    const abs = this.#abs(rel)
    if (h.type === 'directory') {
      if (!(await this.#clear(rel, true))) await mkdir(abs, 0o700)
      this.#dirs.add(rel)
      this.#dirMeta.set(rel, h)
      await this.#owner(abs, h)
    } else {
      await this.#clear(rel, false)
      if (h.type === 'file') await this.#file(abs, h, body)
      else if (h.type === 'symlink') {
        await symlink(h.linkname, abs)
        await this.#owner(abs, h)
        await lutimes(abs, h.mtime, h.mtime)
      } else if (h.type === 'link') await this.#hardlink(rel, h)
      else this.#nodes.set(rel, { ...h, type: h.type })
    }
    if (Object.keys(h.xattrs).length > 0) this.#xattrs.set(rel, { ...this.#xattrs.get(rel), ...h.xattrs })
  }

  async #file(abs: string, h: TarHeader, body: AsyncIterable<Buffer>): Promise<void> {
    const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW
    const fh = await open(abs, flags, 0o600)
    try {
      for await (const chunk of body) {
        let off = 0
        while (off < chunk.length) off += (await fh.write(chunk, off, chunk.length - off)).bytesWritten
        this.result.size += chunk.length
      }
      if (this.#opts.sameOwner) await fh.chown(h.uid, h.gid)
      await fh.chmod(h.mode & 0o7777)
      await fh.utimes(h.mtime, h.mtime)
    } finally {
      await fh.close()
    }
  }

  async #hardlink(rel: string, h: TarHeader): Promise<void> {
    const target = cleanEntryName(h.linkname)
    if (target === '') throw new InvalidArgumentError(`invalid tar entry "${h.name}": hard link to the root`)
    if (this.#nodes.has(target)) {
      this.#nodeLinks.push({ rel, target })
      return
    }
    await this.#parents(target, this.#dirs, false)
    try {
      await link(this.#abs(target), this.#abs(rel))
    } catch (err) {
      throw new InvalidArgumentError(
        `invalid tar entry "${h.name}": cannot link to "${h.linkname}" (${errnoOf(err)})`,
        { cause: err },
      )
    }
  }

  async #whiteout(rel: string, base: string, h: TarHeader): Promise<void> {
    await this.#parents(rel, this.#dirs, true)
    const dir = parentOf(rel)
    if (base === WH_OPAQUE) {
      this.#xattrs.set(dir, { ...this.#xattrs.get(dir), 'trusted.overlay.opaque': Buffer.from('y') })
      return
    }
    if (base.startsWith(WH_META_PREFIX)) return // AUFS bookkeeping (.wh..wh.plnk etc.)
    const target = (dir === '' ? '' : `${dir}/`) + base.slice(WH_PREFIX.length)
    await this.#clear(target, false)
    this.#nodes.set(target, {
      type: 'char',
      mode: 0,
      uid: h.uid,
      gid: h.gid,
      devmajor: 0,
      devminor: 0,
      mtime: h.mtime,
    })
  }

  /** Devices, fifos, links to them, xattrs, then directory modes and times (deepest first). */
  async finish(): Promise<void> {
    const fresh = new Set<string>([''])
    await this.#makeNodes(fresh)
    for (const { rel, target } of this.#nodeLinks) {
      await this.#parents(rel, fresh, false)
      await rm(this.#abs(rel), { recursive: true, force: true })
      await link(this.#abs(target), this.#abs(rel))
    }
    await this.#applyXattrs(fresh)
    const dirs = [...this.#dirMeta.entries()].sort((a, b) => b[0].split('/').length - a[0].split('/').length)
    for (const [rel, h] of dirs) {
      await this.#parents(rel, fresh, false)
      const st = await lstat(this.#abs(rel))
      if (!st.isDirectory()) continue
      await chmod(this.#abs(rel), h.mode & 0o7777)
      await utimes(this.#abs(rel), h.mtime, h.mtime)
    }
  }

  async #makeNodes(fresh: Set<string>): Promise<void> {
    if (this.#nodes.size === 0) return
    const lines = ['set -e']
    const nodes = [...this.#nodes]
    for (const [rel, n] of nodes) {
      await this.#parents(rel, fresh, false)
      await rm(this.#abs(rel), { recursive: true, force: true })
      const mode = (n.mode & 0o7777).toString(8)
      const kind =
        n.type === 'char'
          ? `c ${n.devmajor} ${n.devminor}`
          : n.type === 'block'
            ? `b ${n.devmajor} ${n.devminor}`
            : 'p'
      lines.push(`mknod -m ${mode} -- ${shQuote(`./${rel}`)} ${kind}`)
    }
    await run('sh', ['-c', lines.join('\n')], { cwd: this.#dest })
    for (const [rel, n] of nodes) {
      const abs = this.#abs(rel)
      await this.#owner(abs, n)
      await chmod(abs, n.mode & 0o7777) // after chown, which clears setuid bits
      await lutimes(abs, n.mtime, n.mtime)
    }
  }

  async #applyXattrs(fresh: Set<string>): Promise<void> {
    if (this.#xattrs.size === 0) return
    let dump = ''
    for (const [rel, attrs] of this.#xattrs) {
      await this.#parents(rel === '' ? '' : rel, fresh, false)
      dump += `# file: ${dumpQuote(rel === '' ? '.' : rel)}\n`
      for (const [k, v] of Object.entries(attrs)) dump += `${k}=0x${v.toString('hex')}\n`
      dump += '\n'
    }
    // -h: never follow a symlink; the paths' parents were just checked to be real directories.
    const res = await run('setfattr', ['-h', '--restore=-'], {
      cwd: this.#dest,
      input: dump,
      allowFailure: true,
    })
    if (res.code !== 0) this.result.warnings.push(`setting xattrs: ${res.stderr.trim()}`)
  }
}

/** Extracts an uncompressed tar stream into `dest` (which must exist).
 *  @throws InvalidArgumentError for a malformed or malicious archive (nothing outside dest is
 *  touched; what was extracted so far stays: callers extract into a temporary directory). */
export async function extractTar(
  src: AsyncIterable<Uint8Array>,
  dest: string,
  opts: ExtractOptions = {},
): Promise<ExtractResult> {
  const x = new Extractor(opts.resolvedDest ? dest : await realpath(dest), {
    whiteouts: opts.whiteouts ?? 'keep',
    sameOwner: opts.sameOwner ?? process.getuid?.() === 0,
  })
  for await (const { header, body } of readTar(src)) {
    opts.signal?.throwIfAborted()
    await x.entry(header, body)
  }
  await x.finish()
  return x.result
}
