// Container root filesystems: an overlay of an image's layers (read-only lowers) with a
// private upper/work directory per key, mounted on merged/. Mount state is read from
// /proc/self/mountinfo so every operation is idempotent across daemon restarts.
// Layout: see paths.ts. Does not decide whether a rootfs may be removed (the container service does).
import { existsSync } from 'node:fs'
import { lstat, mkdir, readdir, readFile, rename, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { InvalidArgumentError, isNotFound, NotFoundError } from '../lib/errors.ts'
import { run } from '../lib/exec.ts'
import { writeJsonAtomic } from '../lib/fs-atomic.ts'
import type { Logger } from '../lib/log.ts'
import { type Digest, encodedOf } from '../oci/index.ts'
import type { Rootfs } from './image-service-contract.ts'
import type { LayerStore } from './layer-store.ts'
import type { StorePaths } from './paths.ts'

interface RootfsRecord {
  key: string
  imageId: string
  chainIds: Digest[]
  /** lowerdir relative to overlay/, topmost first. */
  lower: string
}

const KEY_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/
// The kernel copies mount data into one page.
const MOUNT_DATA_MAX = 4095

function unescapeMountinfo(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(Number.parseInt(o, 8)))
}

/** Mount points from /proc/self/mountinfo (field 5). */
export async function mountPoints(): Promise<Set<string>> {
  const text = await readFile('/proc/self/mountinfo', 'utf8')
  const out = new Set<string>()
  for (const line of text.split('\n')) {
    const f = line.split(' ')
    if (f[4] !== undefined) out.add(unescapeMountinfo(f[4]))
  }
  return out
}

export class RootfsStore {
  readonly #paths: StorePaths
  readonly #layers: LayerStore
  readonly #log: Logger
  readonly #records = new Map<string, RootfsRecord>()
  #extraOptions = ''

  constructor(paths: StorePaths, layers: LayerStore, log: Logger) {
    this.#paths = paths
    this.#layers = layers
    this.#log = log
  }

  async init(): Promise<void> {
    // index=off lets an upper directory be mounted again over different lowers (Docker does the same).
    if (existsSync('/sys/module/overlay/parameters/index')) this.#extraOptions = ',index=off'
    for (const key of await readdir(this.#paths.containersDir)) {
      try {
        const rec = JSON.parse(
          await readFile(join(this.#paths.container(key), 'rootfs.json'), 'utf8'),
        ) as RootfsRecord
        this.#records.set(key, rec)
      } catch (err) {
        // A crash between mkdir and rename leaves no rootfs.json: that rootfs never existed.
        this.#log.warn('removing incomplete rootfs', { key, error: String(err) })
        await rm(this.#paths.container(key), { recursive: true, force: true })
      }
    }
  }

  #checkKey(key: string): void {
    if (!KEY_RE.test(key)) throw new InvalidArgumentError(`invalid rootfs key: ${JSON.stringify(key)}`)
  }

  #toRootfs(rec: RootfsRecord): Rootfs {
    const dir = this.#paths.container(rec.key)
    const lowerDirs =
      rec.chainIds.length === 0
        ? [this.#paths.emptyDir]
        : rec.chainIds.map((c) => this.#layers.diffDir(c)).reverse()
    return {
      lowerDirs,
      upperDir: join(dir, 'upper'),
      workDir: join(dir, 'work'),
      mergedDir: join(dir, 'merged'),
    }
  }

  /** Chain ids any rootfs is built on (they must not be deleted). */
  chainsInUse(): Set<string> {
    const out = new Set<string>()
    for (const r of this.#records.values()) for (const c of r.chainIds) out.add(encodedOf(c))
    return out
  }

  async create(key: string, imageId: string, chain: Digest[]): Promise<Rootfs> {
    this.#checkKey(key)
    const existing = this.#records.get(key)
    if (existing) return this.#toRootfs(existing)
    const rec: RootfsRecord = { key, imageId, chainIds: chain, lower: this.#layers.lowerSpec(chain) }
    const staging = join(this.#paths.overlayTmp, `rootfs-${key}`)
    await rm(staging, { recursive: true, force: true })
    for (const d of ['upper', 'work', 'merged'])
      await mkdir(join(staging, d), { recursive: true, mode: 0o755 })
    await writeJsonAtomic(join(staging, 'rootfs.json'), rec)
    await rename(staging, this.#paths.container(key))
    this.#records.set(key, rec)
    return this.#toRootfs(rec)
  }

  /** @throws NotFoundError. */
  get(key: string): Rootfs {
    const rec = this.#records.get(key)
    if (!rec) throw new NotFoundError(`no rootfs for ${key}`)
    return this.#toRootfs(rec)
  }

  async mount(key: string): Promise<string> {
    const rec = this.#records.get(key)
    if (!rec) throw new NotFoundError(`no rootfs for ${key}`)
    const merged = join(this.#paths.container(key), 'merged')
    if ((await mountPoints()).has(merged)) return merged
    const rel = `containers/${key}`
    // Relative paths (resolved against cwd = overlay/) keep the option short: ~30 bytes a layer.
    const data = `lowerdir=${rec.lower},upperdir=${rel}/upper,workdir=${rel}/work${this.#extraOptions}`
    if (data.length > MOUNT_DATA_MAX)
      throw new InvalidArgumentError(`too many layers to mount (${rec.chainIds.length})`)
    await run('mount', ['-t', 'overlay', 'overlay', '-o', data, `${rel}/merged`], {
      cwd: this.#paths.overlayDir,
    })
    return merged
  }

  async unmount(key: string): Promise<void> {
    if (!this.#records.has(key)) return
    const merged = join(this.#paths.container(key), 'merged')
    if (!(await mountPoints()).has(merged)) return
    const res = await run('umount', [merged], { allowFailure: true })
    if (res.code !== 0) {
      this.#log.warn('umount failed; detaching lazily', { key, error: res.stderr.trim() })
      await run('umount', ['-l', merged])
    }
  }

  async remove(key: string): Promise<void> {
    if (!KEY_RE.test(key)) return
    await this.unmount(key)
    this.#records.delete(key)
    const doomed = join(this.#paths.overlayTmp, `rm-rootfs-${key}`)
    try {
      await rename(this.#paths.container(key), doomed)
    } catch (err) {
      if (isNotFound(err)) return
      throw err
    }
    await rm(doomed, { recursive: true, force: true })
  }

  /** Bytes of file data in the writable layer. */
  async usage(key: string): Promise<number> {
    const { upperDir } = this.get(key)
    return dirSize(upperDir, new Set())
  }
}

export async function dirSize(dir: string, seen: Set<string>): Promise<number> {
  let total = 0
  let names: string[]
  try {
    names = await readdir(dir)
  } catch (err) {
    if (isNotFound(err)) return 0
    throw err
  }
  for (const name of names) {
    const p = join(dir, name)
    const st = await lstat(p)
    if (st.isDirectory()) total += await dirSize(p, seen)
    else if (st.isFile() || st.isSymbolicLink()) {
      const id = `${st.dev}:${st.ino}`
      if (seen.has(id)) continue
      seen.add(id)
      total += st.size
    }
  }
  return total
}
