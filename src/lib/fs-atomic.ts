// Crash-safe file writes: write a temporary sibling, fsync, rename over the target, fsync the
// directory. A reader sees the old content or the new one, never a torn file.
import { open, readFile, rename, rm } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { isNotFound } from './errors.ts'

let tmpSeq = 0

export async function writeFileAtomic(path: string, data: string | Uint8Array, mode = 0o644): Promise<void> {
  // Unique without node:crypto (whose load costs the CLI ~8 ms of start-up): pid + counter.
  const tmp = join(dirname(path), `.tmp-${process.pid}-${++tmpSeq}-${Date.now().toString(36)}`)
  const fh = await open(tmp, 'w', mode)
  try {
    await fh.writeFile(data)
    await fh.sync()
  } finally {
    await fh.close()
  }
  try {
    await rename(tmp, path)
  } catch (err) {
    await rm(tmp, { force: true })
    throw err
  }
  await syncDir(dirname(path))
}

export async function writeJsonAtomic(path: string, value: unknown): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify(value)}\n`)
}

/** Reads JSON; undefined when the file does not exist. */
export async function readJsonIfExists<T>(path: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as T
  } catch (err) {
    if (isNotFound(err)) return undefined
    throw err
  }
}

async function syncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r')
  try {
    await fh.sync()
  } finally {
    await fh.close()
  }
}
