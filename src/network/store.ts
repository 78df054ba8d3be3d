// NetworkStore: network records on disk, one JSON file per network, each replaced atomically
// (write-temp, rename). Endpoints and their addresses live in the record, so IPAM state
// survives a daemon crash. Endpoint changes skip fsync (they sit on every container start and
// exit, and endpoints mean nothing after a power loss, which ends every container too);
// creating or removing a network is fsynced.
//
//   <data-root>/network/
//   └── <network id>.json     NetworkRecord (config, IPAM subnets, endpoints)
import { randomBytes } from 'node:crypto'
import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { readJsonIfExists, writeJsonAtomic } from '../lib/fs-atomic.ts'
import type { NetworkRecord } from './types.ts'

export class NetworkStore {
  readonly #dir: string

  constructor(dataRoot: string) {
    this.#dir = join(dataRoot, 'network')
  }

  #path(id: string): string {
    return join(this.#dir, `${id}.json`)
  }

  async load(): Promise<NetworkRecord[]> {
    await mkdir(this.#dir, { recursive: true, mode: 0o700 })
    const out: NetworkRecord[] = []
    for (const f of await readdir(this.#dir)) {
      if (!f.endsWith('.json')) continue
      const rec = await readJsonIfExists<NetworkRecord>(join(this.#dir, f))
      if (rec) out.push(rec)
    }
    return out
  }

  /** Durable write (fsync): network create and config changes. */
  save(rec: NetworkRecord): Promise<void> {
    return writeJsonAtomic(this.#path(rec.id), rec)
  }

  /** Atomic but not fsynced: endpoint changes. */
  async saveEndpoints(rec: NetworkRecord): Promise<void> {
    const tmp = join(this.#dir, `.tmp-${randomBytes(6).toString('hex')}`)
    await writeFile(tmp, `${JSON.stringify(rec)}\n`)
    try {
      await rename(tmp, this.#path(rec.id))
    } catch (err) {
      await rm(tmp, { force: true })
      throw err
    }
  }

  async delete(id: string): Promise<void> {
    await rm(this.#path(id), { force: true })
  }
}
