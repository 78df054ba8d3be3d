// The StorageDriver interface: a small path → bytes store the registry's repository semantics
// sit on (distribution's storagedriver model). Paths are absolute, "/"-separated, and made only
// by storage/paths.ts. Drivers know nothing about blobs, tags or manifests.
import type { Readable } from 'node:stream'
import { InvalidArgumentError } from '../../../lib/errors.ts'

export interface FileInfo {
  path: string
  size: number
  isDir: boolean
  modTime: Date
}

/** Every method is safe to call concurrently; a single path's consistency is the caller's
 *  concern only for append() (uploads are serialised per session by the upload store). */
export interface StorageDriver {
  readonly name: string
  /** Whole content of a file. @throws NotFoundError if there is no file at `path`. */
  getContent(path: string): Promise<Buffer>
  /** Replaces (or creates) a file atomically: readers see the old bytes or the new ones. Idempotent. */
  putContent(path: string, data: Uint8Array | string): Promise<void>
  /** A stream of the file from `offset` (default 0) for `length` bytes (default: to the end).
   *  @throws NotFoundError if there is no file; InvalidArgumentError if offset > size. */
  reader(path: string, opts?: { offset?: number; length?: number }): Promise<Readable>
  /** Appends every chunk of `data` to the file (created if missing) and returns its new size.
   *  If `data` throws, bytes already appended stay; the caller re-reads the size with stat(). */
  append(path: string, data: AsyncIterable<Uint8Array>): Promise<number>
  /** @throws NotFoundError if nothing exists at `path`. */
  stat(path: string): Promise<FileInfo>
  /** Names (not paths) of the direct children of a directory, sorted.
   *  @throws NotFoundError if `path` is not a directory. */
  list(path: string): Promise<string[]>
  /** Moves a file to `dest` atomically, replacing `dest` if it exists.
   *  @throws NotFoundError if `source` does not exist. */
  move(source: string, dest: string): Promise<void>
  /** Removes a file or a whole tree. @throws NotFoundError if nothing exists at `path`. */
  delete(path: string): Promise<void>
}

const SEGMENT_RE = /^[A-Za-z0-9._+=-]+$/

/** Checks a driver path: absolute, "/"-separated, no empty, "." or ".." segments.
 *  @throws InvalidArgumentError. */
export function checkPath(path: string): string[] {
  if (path === '/') return []
  const segs = path.split('/').slice(1)
  if (!path.startsWith('/') || segs.some((s) => !SEGMENT_RE.test(s) || s === '.' || s === '..')) {
    throw new InvalidArgumentError(`invalid storage path ${JSON.stringify(path)}`)
  }
  return segs
}
