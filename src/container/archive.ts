// ArchiveService: files in and out of a container (Engine API /containers/{id}/archive and
// /export), running or stopped. A running (or paused) container is seen through
// `/proc/<pid>/root`, its own mount namespace: binds, volumes, tmpfs mounts and mounts nested
// below an archived directory appear as the container sees them (the kernel's /proc, /sys and
// /dev contents are left out of directory archives). A stopped one is seen through its mounted
// rootfs plus its binds and volumes. Either way paths resolve component by component inside the
// container (container-paths.ts: no symlink or `..` leaves the root); uploads go through
// lib/tar's safe extraction. Export archives the rootfs alone.
import type { Stats } from 'node:fs'
import { lstat, readlink } from 'node:fs/promises'
import { posix } from 'node:path'
import { Readable } from 'node:stream'
import type { ImageServiceContract } from '../image/image-service-contract.ts'
import { errnoOf, ForbiddenError, InvalidArgumentError, NotFoundError } from '../lib/errors.ts'
import type { Logger } from '../lib/log.ts'
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
} from '../lib/tar/index.ts'
import { hostPathOf, mountOf, type RootView, resolveInContainer } from './container-paths.ts'
import type { ContainerService } from './container-service.ts'
import { mountPointsOf } from './mounts.ts'
import type { ContainerRecord } from './types.ts'
import { resolveUser } from './user.ts'

/** Engine API ContainerPathStat (the X-Docker-Container-Path-Stat header, base64 JSON). */
export interface PathStat {
  name: string
  size: number
  /** Go's os.FileMode: permission bits plus type bits (ModeDir = 1<<31, ModeSymlink = 1<<27 …). */
  mode: number
  mtime: string
  /** For a symlink: its target resolved inside the container; else "". */
  linkTarget: string
}

export interface ArchiveServiceDeps {
  containers: ContainerService
  images: ImageServiceContract
  log: Logger
}

interface Session {
  rec: ContainerRecord
  view: RootView
  /** The merged rootfs (what export archives: no mounts). */
  rootfs: string
  /** Seen through the container's own mount namespace (/proc/<pid>/root). */
  live: boolean
  writable: (ctrPath: string) => boolean
  release: () => void
}

/** Runtime-made mounts a directory archive of a running container leaves out (as Docker's,
 *  which archives the rootfs and Docker's own mounts). */
const KERNEL_DIRS = ['/proc', '/sys', '/dev']

export class ArchiveService {
  readonly #d: ArchiveServiceDeps

  constructor(deps: ArchiveServiceDeps) {
    this.#d = deps
  }

  /** HEAD archive. @throws NoSuchContainerError; NotFoundError when the path does not exist. */
  async stat(ref: string, path: string): Promise<PathStat> {
    const s = await this.#open(ref)
    try {
      return (await this.#stat(s, ref, path)).stat
    } finally {
      s.release()
    }
  }

  /** GET archive: a tar of `path` whose entries are named after its last component (for
   *  `dir/.` the contents, named `./…`). The container stays locked until the tar is consumed.
   *  @throws as stat. */
  async get(ref: string, path: string): Promise<{ stat: PathStat; tar: Readable }> {
    const s = await this.#open(ref)
    try {
      const { stat, host, st } = await this.#stat(s, ref, path)
      const base = posix.basename(path.replace(/\/+$/, '')) || '.'
      const ctrPath = s.live ? await this.#resolve(s, path, false) : ''
      const skip = s.live ? kernelDirSkip(ctrPath) : undefined
      const tar = st.isDirectory()
        ? directoryTar(host, base, st, skip)
        : Readable.from(singleEntryTar(host, base, st))
      tar.once('close', s.release)
      return { stat, tar }
    } catch (err) {
      s.release()
      throw err
    }
  }

  /** PUT archive: extracts `tar` into the directory `path`. Entries cannot leave it (`..`,
   *  absolute names, symlinks are confined by lib/tar). `noOverwriteDirNonDir` refuses to replace
   *  a directory with a non-directory and the reverse; `copyUIDGID` gives every file the
   *  container user's ids (Config.User), else the archive's ids are kept.
   *  @throws NotFoundError; InvalidArgumentError when `path` is no directory or the tar is bad;
   *  ForbiddenError for a read-only root or volume. */
  async put(
    ref: string,
    path: string,
    tar: AsyncIterable<Uint8Array>,
    opts: { noOverwriteDirNonDir: boolean; copyUIDGID: boolean },
  ): Promise<void> {
    const s = await this.#open(ref)
    try {
      const ctrPath = await this.#resolve(s, path, true)
      const host = hostPathOf(s.view, ctrPath)
      const st = await lstat(host).catch((err) => {
        throw notFound(err, path, ref)
      })
      if (!st.isDirectory()) throw new InvalidArgumentError('extraction point is not a directory')
      if (!s.writable(ctrPath)) {
        throw new ForbiddenError(
          mountOf(s.view, ctrPath)
            ? 'mounted volume is marked read-only'
            : 'container rootfs is marked read-only',
        )
      }
      const owner =
        opts.copyUIDGID && s.rec.config.User ? await resolveUser(s.view.root, s.rec.config.User) : undefined
      const checked = checkEntries(tar, host, { noOverwriteDirNonDir: opts.noOverwriteDirNonDir, owner })
      await extractTar(checked, host, { sameOwner: true, resolvedDest: s.live }).catch((err) => {
        // Seen live, a read-only mount is the kernel's to refuse.
        if (errnoOf(err) === 'EROFS')
          throw new ForbiddenError('mounted volume is marked read-only', { cause: err })
        throw err
      })
    } finally {
      s.release()
    }
  }

  /** GET export: the container's root filesystem as a tar (mounts not included). */
  async export(ref: string): Promise<Readable> {
    const s = await this.#open(ref)
    const tar = packDirectory(s.rootfs)
    tar.once('close', s.release)
    return tar
  }

  #resolve(s: Session, path: string, followLast: boolean): Promise<string> {
    return resolveInContainer(s.view, posix.join('/', path), { followLast })
  }

  async #stat(s: Session, ref: string, path: string): Promise<{ stat: PathStat; host: string; st: Stats }> {
    const ctrPath = await this.#resolve(s, path, false)
    const host = hostPathOf(s.view, ctrPath)
    const st = await lstat(host).catch((err) => {
      throw notFound(err, path, ref)
    })
    const linkTarget = st.isSymbolicLink() ? await this.#resolve(s, path, true) : ''
    const clean = posix.join('/', path)
    return {
      host,
      st,
      stat: {
        name: clean === '/' ? '/' : posix.basename(clean),
        size: st.size,
        mode: goFileMode(st),
        mtime: st.mtime.toISOString(),
        linkTarget,
      },
    }
  }

  /** Locks the container and makes its files reachable: mounts the rootfs of a stopped
   *  container (unmounted again on release, if it is still stopped). */
  #open(ref: string): Promise<Session> {
    const rec = this.#d.containers.get(ref)
    return new Promise<Session>((resolve, reject) => {
      void this.#d.containers.withLock(rec.id, async () => {
        const running = rec.state.status === 'running' || rec.state.status === 'paused'
        let root: string
        try {
          root = await this.#d.images.mountRootfs(rec.id)
        } catch (err) {
          reject(err)
          return
        }
        const released = Promise.withResolvers<void>()
        resolve(sessionOf(rec, root, running, () => released.resolve()))
        await released.promise
        if (!running && rec.state.status !== 'running' && rec.state.status !== 'paused')
          await this.#d.images
            .unmountRootfs(rec.id)
            .catch((e) => this.#d.log.warn('unmount after archive failed', { id: rec.id, err: String(e) }))
      })
    })
  }
}

function sessionOf(rec: ContainerRecord, rootfs: string, running: boolean, release: () => void): Session {
  const mps = mountPointsOf(rec) ?? []
  const live = running && rec.state.pid > 0
  const mounts = [
    { destination: '/etc/resolv.conf', source: rec.resolvConfPath, rw: true },
    { destination: '/etc/hostname', source: rec.hostnamePath, rw: true },
    { destination: '/etc/hosts', source: rec.hostsPath, rw: true },
    ...mps
      .filter((m) => m.type !== 'tmpfs')
      .map((m) => ({ destination: m.destination, source: m.source, rw: m.rw })),
  ]
  // The trailing slash: lstat of the magic link itself would report a symlink.
  const view: RootView = live
    ? { root: `/proc/${rec.state.pid}/root/`, mounts: [] }
    : { root: rootfs, mounts }
  const known: RootView = { root: rootfs, mounts }
  const writable = (ctrPath: string) => {
    const m = mountOf(known, ctrPath)
    if (m) return mounts.find((x) => x.destination === m.destination)?.rw ?? true
    // A tmpfs mount of a running container is writable unless mounted read-only.
    const t = mps.find(
      (x) => x.type === 'tmpfs' && (ctrPath === x.destination || ctrPath.startsWith(`${x.destination}/`)),
    )
    if (t) return t.rw
    return !rec.hostConfig.ReadonlyRootfs
  }
  return { rec, view, rootfs, live, writable, release }
}

/** For a directory archive rooted at `ctrPath`: skip what lies in the kernel's own mounts. */
function kernelDirSkip(ctrPath: string): (rel: string) => boolean {
  return (rel) => {
    const p = posix.join(ctrPath, rel)
    return KERNEL_DIRS.some((k) => p.startsWith(`${k}/`))
  }
}

function notFound(err: unknown, path: string, ref: string): unknown {
  const code = errnoOf(err)
  if (code === 'ENOENT' || code === 'ENOTDIR')
    return new NotFoundError(`Could not find the file ${path} in container ${ref}`, { cause: err })
  return err
}

/** Go's os.FileMode of a stat (type bits above the permission bits; arithmetic: bit 31 overflows `|`). */
export function goFileMode(st: Stats): number {
  let m = st.mode & 0o777
  if (st.isDirectory()) m += 2 ** 31
  else if (st.isSymbolicLink()) m += 2 ** 27
  else if (st.isFIFO()) m += 2 ** 25
  else if (st.isSocket()) m += 2 ** 24
  else if (st.isBlockDevice()) m += 2 ** 26
  else if (st.isCharacterDevice()) m += 2 ** 26 + 2 ** 21
  if (st.mode & 0o4000) m += 2 ** 23
  if (st.mode & 0o2000) m += 2 ** 22
  if (st.mode & 0o1000) m += 2 ** 20
  return m
}

/** The directory's own entry, then its contents under `<base>/`. */
function directoryTar(host: string, base: string, st: Stats, skip?: (rel: string) => boolean): Readable {
  const prefix = `${base}/`
  async function* gen(): AsyncGenerator<Buffer> {
    yield encodeHeader(headerFromStats(st, prefix, 'directory'))
    yield* packDirectory(host, { prefix, skip }) as AsyncIterable<Buffer>
  }
  return Readable.from(gen())
}

/** A tar of one non-directory (file, symlink, fifo…), never following a symlink. */
async function* singleEntryTar(host: string, base: string, st: Stats): AsyncGenerator<Buffer> {
  if (st.isSymbolicLink()) {
    yield encodeHeader(headerFromStats(st, base, 'symlink', await readlink(host)))
  } else if (st.isFile()) {
    yield encodeHeader(headerFromStats(st, base, 'file'))
    yield* fileData(host, st.size)
    if (padding(st.size) > 0) yield Buffer.alloc(padding(st.size))
  } else if (st.isFIFO()) {
    yield encodeHeader(headerFromStats(st, base, 'fifo'))
  } else {
    throw new InvalidArgumentError(`cannot archive ${base}: unsupported file type`)
  }
  yield Buffer.alloc(BLOCK * 2)
}

/** Re-emits an uploaded tar after checking each entry against what exists in `dest`
 *  (Docker's NoOverwriteDirNonDir) and applying `owner`. The extraction itself does the
 *  confinement checks. */
async function* checkEntries(
  src: AsyncIterable<Uint8Array>,
  dest: string,
  opts: { noOverwriteDirNonDir: boolean; owner?: { uid: number; gid: number } },
): AsyncGenerator<Uint8Array> {
  for await (const { header, body } of readTar(src)) {
    const h = opts.owner ? { ...header, uid: opts.owner.uid, gid: opts.owner.gid } : header
    if (opts.noOverwriteDirNonDir) {
      const rel = header.name.split('/').filter((p) => p !== '' && p !== '.')
      if (rel.length > 0 && !rel.includes('..')) {
        const existing = await lstat(posix.join(dest, ...rel)).catch(() => undefined)
        const isDir = header.type === 'directory'
        if (existing?.isDirectory() && !isDir)
          throw new InvalidArgumentError(
            `cannot overwrite directory "/${rel.join('/')}" with non-directory "${header.name}"`,
          )
        if (existing && !existing.isDirectory() && isDir)
          throw new InvalidArgumentError(
            `cannot overwrite non-directory "/${rel.join('/')}" with directory "${header.name}"`,
          )
      }
    }
    yield* entryBytes(h, body)
  }
  yield endOfArchive()
}
