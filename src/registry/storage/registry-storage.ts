// RegistryStorage: the repository semantics over one StorageDriver, built in one place.
// Transport (routes/) calls these stores; they never see HTTP.

import { BlobStore } from './blobs.ts'
import { listRepositories } from './catalog.ts'
import type { StorageDriver } from './driver/driver.ts'
import { collectGarbage, type GcResult } from './gc.ts'
import { ManifestStore } from './manifests.ts'
import { TagStore } from './tags.ts'
import { UploadStore } from './uploads.ts'

export class RegistryStorage {
  readonly driver: StorageDriver
  readonly blobs: BlobStore
  readonly uploads: UploadStore
  readonly tags: TagStore
  readonly manifests: ManifestStore

  constructor(driver: StorageDriver) {
    this.driver = driver
    this.blobs = new BlobStore(driver)
    this.uploads = new UploadStore(driver, this.blobs)
    this.tags = new TagStore(driver)
    this.manifests = new ManifestStore(driver, this.blobs, this.tags)
  }

  /** Every repository name, ASCII-sorted. */
  repositories(): Promise<string[]> {
    return listRepositories(this.driver)
  }

  /** Deletes upload sessions idle for longer than `maxAgeMs` (or only reports them). */
  async purgeUploads(opts: { maxAgeMs: number; dryRun?: boolean; now?: number }) {
    return await this.uploads.purge(await listRepositories(this.driver, { withUploads: true }), opts)
  }

  /** Deletes unreferenced blob bytes (or only reports them with dryRun). */
  collectGarbage(opts: { dryRun?: boolean } = {}): Promise<GcResult> {
    return collectGarbage(this.driver, opts)
  }
}
