// VolumeService: named and anonymous volumes over the local driver. Owns the name index, the
// in-use rules (a volume any container references cannot be removed) and volume events.
// Does not know containers: the daemon registers a usage probe that answers "who uses it?".
import { randomBytes } from 'node:crypto'
import type { Publisher } from '../events/index.ts'
import { InvalidArgumentError, isNotFound } from '../lib/errors.ts'
import type { Logger } from '../lib/log.ts'
import { LocalDriver } from './drivers/local.ts'
import { InvalidVolumeNameError, NoSuchVolumeError, VolumeInUseError } from './errors.ts'
import {
  ANONYMOUS_LABEL,
  type Volume,
  type VolumeCreateOptions,
  type VolumeListOptions,
  type VolumePruneReport,
  type VolumeRecord,
} from './types.ts'

const NAME_RE = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/
const LIST_FILTERS = new Set(['dangling', 'driver', 'label', 'name'])
const PRUNE_FILTERS = new Set(['label', 'label!', 'all'])

export interface VolumeServiceDeps {
  /** The daemon's data root; volumes live in <root>/volumes. */
  root: string
  publisher: Publisher
  log: Logger
}

/** Container ids referencing a volume (running or not). */
export type VolumeUsageProbe = (name: string) => string[]

export class VolumeService {
  readonly #d: VolumeServiceDeps
  readonly #driver: LocalDriver
  readonly #records = new Map<string, VolumeRecord>()
  /** Containers that currently have a volume mounted (drives driver mount/unmount). */
  readonly #mounts = new Map<string, Set<string>>()
  readonly #locks = new Map<string, Promise<unknown>>()
  #usage: VolumeUsageProbe = () => []

  constructor(deps: VolumeServiceDeps) {
    this.#d = deps
    this.#driver = new LocalDriver(deps.root, deps.log)
  }

  async init(): Promise<void> {
    for (const rec of await this.#driver.load()) this.#records.set(rec.name, rec)
  }

  setUsageProbe(probe: VolumeUsageProbe): void {
    this.#usage = probe
  }

  #withLock<T>(name: string, fn: () => Promise<T>): Promise<T> {
    const next = (this.#locks.get(name) ?? Promise.resolve()).then(fn, fn)
    const tail = next.catch(() => undefined)
    this.#locks.set(name, tail)
    void tail.then(() => {
      if (this.#locks.get(name) === tail) this.#locks.delete(name)
    })
    return next
  }

  #toVolume(rec: VolumeRecord): Volume {
    return { ...rec, mountpoint: this.#driver.paths(rec.name).data, scope: 'local' }
  }

  /** Creates a volume, or returns the existing one of that name (Docker: create is idempotent).
   *  No name: an anonymous volume (random 64-hex name, labelled com.docker.volume.anonymous).
   *  @throws InvalidArgumentError for a bad name, driver or driver options. */
  async create(opts: VolumeCreateOptions = {}): Promise<Volume> {
    const anonymous = !opts.name
    const name = opts.name || randomBytes(32).toString('hex')
    if (!NAME_RE.test(name)) throw new InvalidVolumeNameError(name)
    const driver = opts.driver || 'local'
    if (driver !== 'local')
      throw new InvalidArgumentError(
        `create ${name}: error looking up volume plugin ${driver}: plugin "${driver}" not found`,
      )
    return this.#withLock(name, async () => {
      const existing = this.#records.get(name)
      if (existing) return this.#toVolume(existing)
      const labels = anonymous ? { ...opts.labels, [ANONYMOUS_LABEL]: '' } : (opts.labels ?? null)
      const options = opts.options && Object.keys(opts.options).length > 0 ? { ...opts.options } : null
      const rec: VolumeRecord = {
        name,
        driver: 'local',
        createdAt: rfc3339(new Date()),
        labels,
        options: options ?? (opts.options ? {} : null),
      }
      await this.#driver.create(rec)
      this.#records.set(name, rec)
      this.#d.publisher.publish('volume', 'create', name, { driver: 'local' })
      return this.#toVolume(rec)
    })
  }

  /** @throws NoSuchVolumeError. */
  get(name: string): Volume {
    const rec = this.#records.get(name)
    if (!rec) throw new NoSuchVolumeError('get', name)
    return this.#toVolume(rec)
  }

  /** @throws InvalidArgumentError for an unknown filter. */
  list(opts: VolumeListOptions = {}): Volume[] {
    const f = opts.filters ?? {}
    for (const k of Object.keys(f))
      if (!LIST_FILTERS.has(k)) throw new InvalidArgumentError(`invalid filter '${k}'`)
    const dangling = f.dangling?.[0]
    if (dangling !== undefined && !['true', 'false', '1', '0'].includes(dangling))
      throw new InvalidArgumentError(`invalid filter 'dangling=${dangling}'`)
    return [...this.#records.values()]
      .filter((r) => {
        if (f.name && !f.name.some((n) => r.name.includes(n))) return false
        if (f.driver && !f.driver.includes(r.driver)) return false
        if (f.label && !f.label.every((l) => labelMatches(r.labels, l))) return false
        if (dangling !== undefined) {
          const isDangling = this.#usage(r.name).length === 0
          if (isDangling !== (dangling === 'true' || dangling === '1')) return false
        }
        return true
      })
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((r) => this.#toVolume(r))
  }

  /** Deletes an unused volume and its data. `force` ignores a missing volume.
   *  @throws NoSuchVolumeError; VolumeInUseError (409) when any container references it. */
  async remove(name: string, opts: { force?: boolean } = {}): Promise<void> {
    await this.#withLock(name, async () => {
      const rec = this.#records.get(name)
      if (!rec) {
        if (opts.force) return
        throw new NoSuchVolumeError('get', name)
      }
      const users = this.#usage(name)
      if (users.length > 0) throw new VolumeInUseError(name, users)
      await this.#driver.remove(rec)
      this.#records.delete(name)
      this.#mounts.delete(name)
      this.#d.publisher.publish('volume', 'destroy', name, { driver: rec.driver })
    })
  }

  /** Removes unused volumes: anonymous ones only, unless the filter all=true (API ≥ 1.42).
   *  Filters: label, label!, all. */
  async prune(opts: { filters?: Record<string, string[]> } = {}): Promise<VolumePruneReport> {
    const f = opts.filters ?? {}
    for (const k of Object.keys(f))
      if (!PRUNE_FILTERS.has(k)) throw new InvalidArgumentError(`invalid filter '${k}'`)
    const all = ['true', '1'].includes(f.all?.[0] ?? '')
    const report: VolumePruneReport = { deleted: [], spaceReclaimed: 0 }
    for (const rec of [...this.#records.values()]) {
      if (!all && rec.labels?.[ANONYMOUS_LABEL] === undefined) continue
      if (f.label && !f.label.every((l) => labelMatches(rec.labels, l))) continue
      if (f['label!']?.some((l) => labelMatches(rec.labels, l))) continue
      if (this.#usage(rec.name).length > 0) continue
      const size = await this.#driver.usage(rec.name).catch(() => 0)
      try {
        await this.remove(rec.name)
      } catch (err) {
        // Taken into use (or already removed) since we looked: prune skips it, as Docker does.
        this.#d.log.debug('prune skipped a volume', { name: rec.name, err: String(err) })
        continue
      }
      report.deleted.push(rec.name)
      report.spaceReclaimed += size
    }
    return report
  }

  /** Makes the volume's data available for container `containerId` and returns its host path
   *  (mounting the driver's filesystem on first use). Idempotent per container.
   *  @throws NoSuchVolumeError; InternalError when the driver mount fails. */
  mount(
    name: string,
    ref: { containerId: string; destination: string; rw: boolean; propagation: string },
  ): Promise<string> {
    return this.#withLock(name, async () => {
      const rec = this.#records.get(name)
      if (!rec) throw new NoSuchVolumeError('get', name)
      const path = await this.#driver.mount(rec)
      const users = this.#mounts.get(name) ?? new Set()
      users.add(ref.containerId)
      this.#mounts.set(name, users)
      this.#d.publisher.publish('volume', 'mount', name, {
        container: ref.containerId,
        destination: ref.destination,
        driver: rec.driver,
        propagation: ref.propagation,
        'read/write': String(ref.rw),
      })
      return path
    })
  }

  /** Releases the container's use; the driver's filesystem is unmounted when no container
   *  has it mounted. Idempotent; a missing volume is ignored. */
  unmount(name: string, ref: { containerId: string }): Promise<void> {
    return this.#withLock(name, async () => {
      const rec = this.#records.get(name)
      if (!rec) return
      const users = this.#mounts.get(name)
      const had = users?.delete(ref.containerId) ?? false
      if (!users || users.size === 0) {
        this.#mounts.delete(name)
        await this.#driver.unmount(rec)
      }
      if (had)
        this.#d.publisher.publish('volume', 'unmount', name, {
          container: ref.containerId,
          driver: rec.driver,
        })
    })
  }

  /** Bytes used by a volume's data (0 when it is gone). */
  async usage(name: string): Promise<number> {
    return this.#driver.usage(name).catch((err) => {
      if (isNotFound(err)) return 0
      throw err
    })
  }

  /** Container ids that reference the volume. */
  usedBy(name: string): string[] {
    return this.#usage(name)
  }
}

function labelMatches(labels: Record<string, string> | null, expr: string): boolean {
  const eq = expr.indexOf('=')
  if (eq < 0) return labels?.[expr] !== undefined
  return labels?.[expr.slice(0, eq)] === expr.slice(eq + 1)
}

/** Go's time.RFC3339 in UTC ("2024-05-01T10:00:00Z"), as Docker's CreatedAt. */
function rfc3339(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z')
}
