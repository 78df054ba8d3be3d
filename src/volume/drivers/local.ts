// The `local` volume driver: a directory per volume under the data root, optionally with a
// filesystem mounted on it (options type/o/device, as `mount -t <type> -o <o> <device>`).
// Layout (under the data root):
//   volumes/
//   ├── <name>/
//   │   ├── volume.json      VolumeRecord, written atomically
//   │   └── _data/           the data; the mount point when options name a filesystem
//   ├── .tmp-<name>          a create in progress (rename makes it visible; removed at load)
//   └── .rm-<name>-<rand>    a remove in progress (finished at load)
// Does not decide whether a volume may be removed (the service checks it is unused).
import { randomBytes } from 'node:crypto'
import { lstat, mkdir, readdir, rename, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { ConflictError, InvalidArgumentError, isNotFound } from '../../lib/errors.ts'
import { run } from '../../lib/exec.ts'
import { readJsonIfExists, writeJsonAtomic } from '../../lib/fs-atomic.ts'
import type { Logger } from '../../lib/log.ts'
import { hasMountsUnder, isMountPoint } from '../mountinfo.ts'
import type { VolumeRecord } from '../types.ts'

const VALID_OPTIONS = new Set(['type', 'o', 'device', 'size'])
/** moby volume/local: an option that needs others to be meaningful. */
const MANDATORY: Record<string, string[]> = { device: ['type'], type: ['device'], o: ['device', 'type'] }

export function localVolumePaths(root: string, name: string) {
  const dir = join(root, 'volumes', name)
  return { dir, record: join(dir, 'volume.json'), data: join(dir, '_data') }
}

/** @throws InvalidArgumentError with moby's wording for options the local driver rejects. */
export function validateLocalOptions(opts: Record<string, string> | null): void {
  if (!opts) return
  for (const key of Object.keys(opts))
    if (!VALID_OPTIONS.has(key)) throw new InvalidArgumentError(`invalid option: "${key}"`)
  if (opts.type === '') throw new InvalidArgumentError('type option requires a value')
  if (opts.size !== undefined) throw new InvalidArgumentError('quota size requested but no quota support')
  for (const [opt, required] of Object.entries(MANDATORY)) {
    if (opts[opt] === undefined) continue
    for (const r of required)
      if (opts[r] === undefined) throw new InvalidArgumentError(`missing required option: "${r}"`)
  }
}

function needsMount(rec: VolumeRecord): boolean {
  return rec.options?.type !== undefined || rec.options?.device !== undefined
}

export class LocalDriver {
  readonly #root: string
  readonly #log: Logger

  constructor(root: string, log: Logger) {
    this.#root = root
    this.#log = log
  }

  paths(name: string) {
    return localVolumePaths(this.#root, name)
  }

  /** Reads every volume record; finishes interrupted removes and drops interrupted creates. */
  async load(): Promise<VolumeRecord[]> {
    const dir = join(this.#root, 'volumes')
    await mkdir(dir, { recursive: true, mode: 0o701 })
    const out: VolumeRecord[] = []
    for (const name of await readdir(dir)) {
      if (name.startsWith('.tmp-') || name.startsWith('.rm-')) {
        await this.#removeDir(join(dir, name))
        continue
      }
      const rec = await readJsonIfExists<VolumeRecord>(this.paths(name).record)
      // Never delete a directory we cannot account for: it may hold someone's data.
      if (!rec) this.#log.warn('ignoring volume directory without volume.json', { name })
      else out.push(rec)
    }
    return out
  }

  /** Creates the directory and record atomically. @throws ConflictError if it exists. */
  async create(rec: VolumeRecord): Promise<void> {
    validateLocalOptions(rec.options)
    const p = this.paths(rec.name)
    const staging = join(this.#root, 'volumes', `.tmp-${rec.name}`)
    await rm(staging, { recursive: true, force: true })
    await mkdir(join(staging, '_data'), { recursive: true, mode: 0o755 })
    await writeJsonAtomic(join(staging, 'volume.json'), rec)
    try {
      await rename(staging, p.dir)
    } catch (err) {
      await rm(staging, { recursive: true, force: true })
      throw new ConflictError(`volume ${rec.name} already exists`, { cause: err })
    }
  }

  /** Mounts the volume's filesystem if it has one and it is not mounted; returns the data path.
   *  Idempotent. @throws InternalError with mount's stderr. */
  async mount(rec: VolumeRecord): Promise<string> {
    const { data } = this.paths(rec.name)
    if (!needsMount(rec) || (await isMountPoint(data))) return data
    const o = rec.options ?? {}
    const args = ['-t', o.type ?? 'none']
    if (o.o) args.push('-o', o.o)
    await run('mount', [...args, o.device ?? 'none', data])
    return data
  }

  /** Unmounts the volume's filesystem if mounted. Idempotent. */
  async unmount(rec: VolumeRecord): Promise<void> {
    const { data } = this.paths(rec.name)
    if (!(await isMountPoint(data))) return
    const res = await run('umount', [data], { allowFailure: true })
    if (res.code !== 0) {
      this.#log.warn('volume umount failed; detaching lazily', { name: rec.name, err: res.stderr.trim() })
      await run('umount', ['-l', data])
    }
  }

  /** Unmounts and deletes the volume and its data. Refuses (ConflictError) while anything is
   *  still mounted below it: deleting through a bind mount would delete the host's files. */
  async remove(rec: VolumeRecord): Promise<void> {
    const p = this.paths(rec.name)
    await this.unmount(rec)
    if (await hasMountsUnder(p.dir))
      throw new ConflictError(`remove ${rec.name}: volume is still mounted at ${p.data}`)
    const doomed = join(this.#root, 'volumes', `.rm-${rec.name}-${randomBytes(4).toString('hex')}`)
    try {
      await rename(p.dir, doomed)
    } catch (err) {
      if (isNotFound(err)) return
      throw err
    }
    await this.#removeDir(doomed)
  }

  async #removeDir(dir: string): Promise<void> {
    if (await hasMountsUnder(dir)) {
      this.#log.warn('not removing a volume directory with mounts below it', { dir })
      return
    }
    await rm(dir, { recursive: true, force: true })
  }

  /** Bytes of file data in the volume (hardlinks counted once). */
  async usage(name: string): Promise<number> {
    return dirSize(this.paths(name).data, new Set())
  }
}

async function dirSize(dir: string, seen: Set<string>): Promise<number> {
  let names: string[]
  try {
    names = await readdir(dir)
  } catch (err) {
    if (isNotFound(err)) return 0
    throw err
  }
  let total = 0
  for (const name of names) {
    const st = await lstat(join(dir, name))
    if (st.isDirectory()) total += await dirSize(join(dir, name), seen)
    else if (!seen.has(`${st.dev}:${st.ino}`)) {
      seen.add(`${st.dev}:${st.ino}`)
      total += st.size
    }
  }
  return total
}
