// ContainerStore: the persisted container records and the in-memory id/name index.
// Layout (under the data root):
//   containers/
//   └── <id>/
//       ├── config.json      ContainerRecord, replaced atomically on every change
//       ├── container.log    the monitor's log (k8s-file format)
//       ├── hostname, hosts, resolv.conf   files bind-mounted into the container
// A directory without config.json is a create that crashed half-way; load() removes it.
import { mkdir, readdir, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { InvalidArgumentError } from '../lib/errors.ts'
import { readJsonIfExists, writeJsonAtomic } from '../lib/fs-atomic.ts'
import type { Logger } from '../lib/log.ts'
import { NoSuchContainerError } from './errors.ts'
import type { ContainerRecord } from './types.ts'

export function containerPaths(root: string, id: string) {
  const dir = join(root, 'containers', id)
  return {
    dir,
    record: join(dir, 'config.json'),
    log: join(dir, 'container.log'),
    hostname: join(dir, 'hostname'),
    hosts: join(dir, 'hosts'),
    resolvConf: join(dir, 'resolv.conf'),
  }
}

export class ContainerStore {
  readonly #root: string
  readonly #byId = new Map<string, ContainerRecord>()
  readonly #byName = new Map<string, string>()
  readonly #log: Logger

  constructor(root: string, log: Logger) {
    this.#root = root
    this.#log = log
  }

  async load(): Promise<void> {
    const dir = join(this.#root, 'containers')
    await mkdir(dir, { recursive: true })
    for (const id of await readdir(dir)) {
      const rec = await readJsonIfExists<ContainerRecord>(containerPaths(this.#root, id).record)
      if (!rec) {
        this.#log.warn('removing incomplete container directory', { id })
        await rm(join(dir, id), { recursive: true, force: true })
        continue
      }
      this.#byId.set(rec.id, rec)
      this.#byName.set(rec.name, rec.id)
    }
  }

  paths(id: string) {
    return containerPaths(this.#root, id)
  }

  all(): ContainerRecord[] {
    return [...this.#byId.values()]
  }

  /** Finds by full id, name (with or without "/"), or unique id prefix.
   *  @throws NoSuchContainerError; InvalidArgumentError when a prefix is ambiguous. */
  get(ref: string): ContainerRecord {
    const byId = this.#byId.get(ref)
    if (byId) return byId
    const name = ref.startsWith('/') ? ref : `/${ref}`
    const named = this.#byName.get(name)
    if (named) return this.#byId.get(named)!
    if (/^[0-9a-f]+$/.test(ref)) {
      const hits = [...this.#byId.keys()].filter((id) => id.startsWith(ref))
      if (hits.length === 1) return this.#byId.get(hits[0]!)!
      if (hits.length > 1) throw new InvalidArgumentError(`multiple IDs found with provided prefix: ${ref}`)
    }
    throw new NoSuchContainerError(ref)
  }

  find(ref: string): ContainerRecord | undefined {
    try {
      return this.get(ref)
    } catch {
      // Not found or ambiguous: the caller only asks whether one exists.
      return undefined
    }
  }

  idByName(name: string): string | undefined {
    return this.#byName.get(name.startsWith('/') ? name : `/${name}`)
  }

  /** Reserves a name for an id before anything is written (so concurrent creates conflict). */
  reserveName(name: string, id: string): void {
    this.#byName.set(name, id)
  }

  releaseName(name: string): void {
    this.#byName.delete(name)
  }

  async save(rec: ContainerRecord): Promise<void> {
    this.#byId.set(rec.id, rec)
    this.#byName.set(rec.name, rec.id)
    await writeJsonAtomic(this.paths(rec.id).record, rec)
  }

  async rename(rec: ContainerRecord, newName: string): Promise<void> {
    this.#byName.delete(rec.name)
    rec.name = newName
    await this.save(rec)
  }

  async delete(id: string): Promise<void> {
    const rec = this.#byId.get(id)
    if (!rec) return
    // Remove the record first: a crash after this leaves a directory load() cleans up.
    await rm(this.paths(id).record, { force: true })
    this.#byId.delete(id)
    if (this.#byName.get(rec.name) === id) this.#byName.delete(rec.name)
    await rm(this.paths(id).dir, { recursive: true, force: true })
  }
}
