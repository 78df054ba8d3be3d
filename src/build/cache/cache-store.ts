// The builder's persistent state under <data-root>/build/: the layer-cache index (cache key →
// the unnamed image that step produced), RUN cache-mount directories and per-build scratch
// space. Images themselves live in the image store; this index only points at them, so a
// pruned or removed image simply misses. Every path is built here.
//
// <data-root>/build/
// ├── cache.json              {"version":1,"entries":{"<key>":CacheEntry}}, replaced atomically
// ├── mounts/<sha256(id)>/    one RUN --mount=type=cache directory (mount.json + data/)
// ├── worktrees/<key>         an image rootfs a COPY/ADD step holds (removed with it; found after a crash)
// └── tmp/<build>/            a build's context spill, materialised context, scripts; emptied at init
import { createHash } from 'node:crypto'
import { chmod, chown, mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { readJsonIfExists, writeJsonAtomic } from '../../lib/fs-atomic.ts'

export interface CacheEntry {
  imageId: string
  /** The image the step ran on ('' for scratch). */
  parent: string
  /** The step as shown to users (`COPY . /app`). */
  description: string
  createdAt: string
  lastUsedAt: string | null
  usageCount: number
}

export interface CacheMountInfo {
  id: string
  createdAt: string
  lastUsedAt: string
  usageCount: number
}

interface CacheFile {
  version: 1
  entries: Record<string, CacheEntry>
}

export class CacheStore {
  readonly root: string
  readonly #entries = new Map<string, CacheEntry>()
  #saving: Promise<void> = Promise.resolve()
  #dirty = false

  constructor(dataRoot: string) {
    this.root = join(dataRoot, 'build')
  }

  get tmpDir(): string {
    return join(this.root, 'tmp')
  }

  get mountsDir(): string {
    return join(this.root, 'mounts')
  }

  get worktreesDir(): string {
    return join(this.root, 'worktrees')
  }

  /** The journal of worktree rootfs keys (see Worktree.open). */
  readonly worktrees = {
    add: async (key: string) => {
      await writeFile(join(this.worktreesDir, key), '')
    },
    remove: async (key: string) => {
      await rm(join(this.worktreesDir, key), { force: true })
    },
  }

  /** Keys a crash left in the journal; the caller removes their rootfs and then the entry. */
  async leftoverWorktrees(): Promise<string[]> {
    return readdir(this.worktreesDir)
  }

  mountDir(id: string): string {
    return join(this.mountsDir, createHash('sha256').update(id).digest('hex'))
  }

  /** Loads the index and drops scratch leftovers of builds a crash interrupted. */
  async init(): Promise<void> {
    await rm(this.tmpDir, { recursive: true, force: true })
    await mkdir(this.tmpDir, { recursive: true, mode: 0o700 })
    await mkdir(this.mountsDir, { recursive: true, mode: 0o700 })
    await mkdir(this.worktreesDir, { recursive: true, mode: 0o700 })
    const file = await readJsonIfExists<CacheFile>(join(this.root, 'cache.json'))
    for (const [k, v] of Object.entries(file?.entries ?? {})) this.#entries.set(k, v)
  }

  get(key: string): CacheEntry | undefined {
    return this.#entries.get(key)
  }

  /** Marks a hit (saved with the next flush). */
  touch(key: string): void {
    const e = this.#entries.get(key)
    if (!e) return
    e.lastUsedAt = new Date().toISOString()
    e.usageCount++
    this.#dirty = true
  }

  set(key: string, entry: Omit<CacheEntry, 'createdAt' | 'lastUsedAt' | 'usageCount'>): void {
    this.#entries.set(key, { ...entry, createdAt: new Date().toISOString(), lastUsedAt: null, usageCount: 0 })
    this.#dirty = true
  }

  entries(): Array<[string, CacheEntry]> {
    return [...this.#entries]
  }

  delete(key: string): void {
    if (this.#entries.delete(key)) this.#dirty = true
  }

  /** Writes the index if it changed. Concurrent calls are serialised. */
  flush(): Promise<void> {
    const next = this.#saving.then(async () => {
      if (!this.#dirty) return
      this.#dirty = false
      const file: CacheFile = { version: 1, entries: Object.fromEntries(this.#entries) }
      await mkdir(this.root, { recursive: true })
      await writeJsonAtomic(join(this.root, 'cache.json'), file)
    })
    this.#saving = next.catch(() => undefined)
    return next
  }

  /** Cache-mount directories with their metadata. */
  async mounts(): Promise<Array<CacheMountInfo & { dir: string }>> {
    const out: Array<CacheMountInfo & { dir: string }> = []
    for (const name of await readdir(this.mountsDir)) {
      const dir = join(this.mountsDir, name)
      const info = await readJsonIfExists<CacheMountInfo>(join(dir, 'mount.json'))
      if (info) out.push({ ...info, dir })
    }
    return out
  }

  /** Creates (or reuses) the cache mount `id`; returns its data directory. */
  async useMount(id: string, init: { mode: number; uid: number; gid: number }): Promise<string> {
    const dir = this.mountDir(id)
    const data = join(dir, 'data')
    const meta = join(dir, 'mount.json')
    const now = new Date().toISOString()
    const info = (await readJsonIfExists<CacheMountInfo>(meta)) ?? {
      id,
      createdAt: now,
      lastUsedAt: now,
      usageCount: 0,
    }
    const fresh = !(await exists(data))
    await mkdir(data, { recursive: true, mode: init.mode })
    if (fresh) {
      await chmod(data, init.mode)
      await chown(data, init.uid, init.gid)
    }
    await writeJsonAtomic(meta, { ...info, lastUsedAt: now, usageCount: info.usageCount + 1 })
    return data
  }
}

async function exists(p: string): Promise<boolean> {
  return stat(p).then(
    () => true,
    () => false,
  )
}
