// A writable view of an image's filesystem for COPY/ADD: the image's overlay rootfs mounted
// under a private key, files written through it, and the overlay upper directory packed as the
// step's layer (so changed parent directories carry their existing metadata, as Docker's diff
// does). Paths are resolved inside the root: symlinks never lead out of it.
import { lstat, readlink } from 'node:fs/promises'
import { join } from 'node:path'
import type { Readable } from 'node:stream'
import { type ImageService, packUpperDir } from '../../image/index.ts'
import { errnoOf, InvalidArgumentError } from '../../lib/errors.ts'
import { newId } from '../../lib/ids.ts'

export class Worktree {
  readonly root: string
  readonly upper: string
  readonly #images: ImageService
  readonly #key: string
  readonly #journal: WorktreeJournal | undefined

  private constructor(
    images: ImageService,
    key: string,
    root: string,
    upper: string,
    journal?: WorktreeJournal,
  ) {
    this.#images = images
    this.#key = key
    this.#journal = journal
    this.root = root
    this.upper = upper
  }

  /** Mounts `imageId`'s rootfs with a fresh writable layer. Call dispose() in every case.
   *  `journal` records the key until dispose, so a crash's leftovers are found at the next start. */
  static async open(images: ImageService, imageId: string, journal?: WorktreeJournal): Promise<Worktree> {
    const key = `build-${newId().slice(0, 24)}`
    await journal?.add(key)
    try {
      const fs = await images.createRootfs(imageId, key)
      const root = await images.mountRootfs(key)
      return new Worktree(images, key, root, fs.upperDir, journal)
    } catch (err) {
      await images.removeRootfs(key).catch(() => undefined)
      await journal?.remove(key)
      throw err
    }
  }

  /** The host path of container path `path`, symlinks followed inside the root (the last
   *  component only with followLast); missing components are kept as written. */
  async resolve(path: string, opts: { followLast: boolean }): Promise<string> {
    return join(this.root, await resolveInRoot(this.root, path, opts))
  }

  /** Unmounts, then yields the layer tar of what was written. */
  async layer(): Promise<Readable> {
    await this.#images.unmountRootfs(this.#key)
    return packUpperDir(this.upper)
  }

  async dispose(): Promise<void> {
    await this.#images.removeRootfs(this.#key)
    await this.#journal?.remove(this.#key)
  }
}

/** Where open worktree keys are noted (CacheStore under <data-root>/build/worktrees/). */
export interface WorktreeJournal {
  add(key: string): Promise<void>
  remove(key: string): Promise<void>
}

const MAX_LINKS = 40

/** Resolves `path` inside `root` like the container would; returns a clean absolute path. */
export async function resolveInRoot(
  root: string,
  path: string,
  opts: { followLast: boolean },
): Promise<string> {
  const todo = path.split('/').filter((c) => c !== '' && c !== '.')
  const done: string[] = []
  let links = 0
  let missing = false
  while (todo.length > 0) {
    const comp = todo.shift()!
    if (comp === '..') {
      done.pop()
      continue
    }
    done.push(comp)
    if (missing || (todo.length === 0 && !opts.followLast)) continue
    let target: string
    try {
      const st = await lstat(join(root, ...done))
      if (!st.isSymbolicLink()) continue
      target = await readlink(join(root, ...done))
    } catch (err) {
      const code = errnoOf(err)
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw err
      missing = true
      continue
    }
    if (++links > MAX_LINKS) throw new InvalidArgumentError(`too many levels of symbolic links: ${path}`)
    done.pop()
    if (target.startsWith('/')) done.length = 0
    todo.unshift(...target.split('/').filter((c) => c !== '' && c !== '.'))
  }
  return `/${done.join('/')}`
}
