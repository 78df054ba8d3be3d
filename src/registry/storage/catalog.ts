// Catalog: the names of every repository, found by walking /repositories for directories
// that hold repository data (_layers, _manifests, …). Sorted in ASCII order.
import { NotFoundError } from '../../lib/errors.ts'
import type { StorageDriver } from './driver/driver.ts'
import { asciiSort } from './pagination.ts'
import { paths, REPO_MARKERS } from './paths.ts'

/** With `withUploads`, names that hold only upload sessions are listed too (upload purging). */
export async function listRepositories(
  driver: StorageDriver,
  opts: { withUploads?: boolean } = {},
): Promise<string[]> {
  const out: string[] = []
  const kinds = opts.withUploads ? ['_layers', '_manifests', '_uploads'] : ['_layers', '_manifests']
  await walk(driver, paths.reposRoot(), '', out, kinds)
  return asciiSort(out)
}

async function walk(
  driver: StorageDriver,
  dir: string,
  name: string,
  out: string[],
  kinds: string[],
): Promise<void> {
  let children: string[]
  try {
    children = await driver.list(dir)
  } catch (err) {
    // A repository deleted while we walk simply is not listed.
    if (err instanceof NotFoundError) return
    throw err
  }
  const markers: readonly string[] = REPO_MARKERS
  if (name !== '' && children.some((c) => kinds.includes(c))) out.push(name)
  for (const c of children) {
    if (markers.includes(c)) continue
    await walk(driver, `${dir}/${c}`, name === '' ? c : `${name}/${c}`, out, kinds)
  }
}
