// Garbage collection of blob bytes no repository references (mark and sweep). Roots are
// blob links, manifest revisions and everything those manifests reference. Blobs are listed
// before marking, and uploads write their link before their bytes (blobs.ts), so a blob
// committed while gc runs is never swept. Revisions and tags are never touched.
import { NotFoundError } from '../../lib/errors.ts'
import type { Digest } from '../../oci/index.ts'
import { listRepositories } from './catalog.ts'
import type { StorageDriver } from './driver/driver.ts'
import { parseManifest } from './manifest-parse.ts'
import { paths } from './paths.ts'

export interface GcResult {
  /** Digests whose bytes were (or, in a dry run, would be) deleted. */
  deleted: Digest[]
  marked: number
}

export async function collectGarbage(
  driver: StorageDriver,
  opts: { dryRun?: boolean } = {},
): Promise<GcResult> {
  const stored = await listBlobs(driver)
  const marked = new Set<string>()
  for (const name of await listRepositories(driver)) {
    for (const d of await listDigests(driver, paths.layersRoot(name))) marked.add(d)
    for (const d of await listDigests(driver, paths.revisionsRoot(name))) {
      marked.add(d)
      const rev = JSON.parse((await driver.getContent(paths.revisionLink(name, d as Digest))).toString()) as {
        mediaType: string
      }
      try {
        const m = parseManifest(await driver.getContent(paths.blobData(d as Digest)), rev.mediaType)
        for (const b of [...m.blobs, ...m.manifests]) marked.add(b.digest)
      } catch (err) {
        // Missing bytes reference nothing; anything else must stop the sweep.
        if (!(err instanceof NotFoundError)) throw err
      }
    }
  }
  const deleted = stored.filter((d) => !marked.has(d))
  if (!opts.dryRun) {
    for (const d of deleted) await driver.delete(paths.blob(d))
  }
  return { deleted, marked: marked.size }
}

async function listOrEmpty(driver: StorageDriver, dir: string): Promise<string[]> {
  try {
    return await driver.list(dir)
  } catch (err) {
    if (err instanceof NotFoundError) return []
    throw err
  }
}

async function listBlobs(driver: StorageDriver): Promise<Digest[]> {
  const out: Digest[] = []
  for (const alg of await listOrEmpty(driver, paths.blobsRoot())) {
    for (const prefix of await listOrEmpty(driver, `${paths.blobsRoot()}/${alg}`)) {
      for (const hex of await listOrEmpty(driver, `${paths.blobsRoot()}/${alg}/${prefix}`)) {
        out.push(`${alg}:${hex}` as Digest)
      }
    }
  }
  return out
}

/** Digests under an `<alg>/<hex>/…` tree (layer links, revisions). */
async function listDigests(driver: StorageDriver, root: string): Promise<string[]> {
  const out: string[] = []
  for (const alg of await listOrEmpty(driver, root)) {
    for (const hex of await listOrEmpty(driver, `${root}/${alg}`)) out.push(`${alg}:${hex}`)
  }
  return out
}
