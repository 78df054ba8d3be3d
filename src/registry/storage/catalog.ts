// Catalog: the names of every repository, found by walking /repositories for directories
// that hold repository data (_layers, _manifests, …). Sorted in ASCII order.
import { NotFoundError } from '../../lib/errors.ts'
import type { StorageDriver } from './driver/driver.ts'
import { asciiSort } from './pagination.ts'
import { paths, REPO_MARKERS } from './paths.ts'

export async function listRepositories(driver: StorageDriver): Promise<string[]> {
  const out: string[] = []
  await walk(driver, paths.reposRoot(), '', out)
  return asciiSort(out)
}

async function walk(driver: StorageDriver, dir: string, name: string, out: string[]): Promise<void> {
  let children: string[]
  try {
    children = await driver.list(dir)
  } catch (err) {
    // A repository deleted while we walk simply is not listed.
    if (err instanceof NotFoundError) return
    throw err
  }
  const markers: readonly string[] = REPO_MARKERS
  if (name !== '' && children.some((c) => c === '_layers' || c === '_manifests')) out.push(name)
  for (const c of children) {
    if (markers.includes(c)) continue
    await walk(driver, `${dir}/${c}`, name === '' ? c : `${name}/${c}`, out)
  }
}
