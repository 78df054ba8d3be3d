// MemoryStorageDriver: the in-memory StorageDriver, a fake for tests and a `storage: memory`
// registry. Files live in one Map keyed by path; directories are implied by file paths.
import { Readable } from 'node:stream'
import { InvalidArgumentError, NotFoundError } from '../../../lib/errors.ts'
import { checkPath, type FileInfo, type StorageDriver } from './driver.ts'

interface MemFile {
  data: Buffer
  modTime: Date
}

export class MemoryStorageDriver implements StorageDriver {
  readonly name = 'memory'
  readonly #files = new Map<string, MemFile>()

  async getContent(path: string): Promise<Buffer> {
    return Buffer.from(this.#file(path).data)
  }

  async putContent(path: string, data: Uint8Array | string): Promise<void> {
    checkPath(path)
    this.#files.set(path, { data: Buffer.from(data), modTime: new Date() })
  }

  async reader(path: string, opts: { offset?: number; length?: number } = {}): Promise<Readable> {
    const { data } = this.#file(path)
    const offset = opts.offset ?? 0
    if (offset > data.length) throw new InvalidArgumentError(`offset ${offset} beyond end of ${path}`)
    const end = opts.length === undefined ? data.length : Math.min(data.length, offset + opts.length)
    return Readable.from([data.subarray(offset, end)])
  }

  async append(path: string, data: AsyncIterable<Uint8Array>): Promise<number> {
    checkPath(path)
    let file = this.#files.get(path)
    if (!file) {
      file = { data: Buffer.alloc(0), modTime: new Date() }
      this.#files.set(path, file)
    }
    for await (const chunk of data) {
      file.data = Buffer.concat([file.data, chunk])
      file.modTime = new Date()
    }
    return file.data.length
  }

  async stat(path: string): Promise<FileInfo> {
    checkPath(path)
    const file = this.#files.get(path)
    if (file) return { path, size: file.data.length, isDir: false, modTime: file.modTime }
    const prefix = path === '/' ? '/' : `${path}/`
    let modTime: Date | undefined
    for (const [p, f] of this.#files) {
      if (p.startsWith(prefix) && (!modTime || f.modTime > modTime)) modTime = f.modTime
    }
    if (!modTime) throw new NotFoundError(`no such path: ${path}`)
    return { path, size: 0, isDir: true, modTime }
  }

  async list(path: string): Promise<string[]> {
    checkPath(path)
    const prefix = path === '/' ? '/' : `${path}/`
    const names = new Set<string>()
    for (const p of this.#files.keys()) {
      if (p.startsWith(prefix)) names.add(p.slice(prefix.length).split('/')[0]!)
    }
    if (names.size === 0) throw new NotFoundError(`no such directory: ${path}`)
    return [...names].sort()
  }

  async move(source: string, dest: string): Promise<void> {
    checkPath(dest)
    const file = this.#file(source)
    this.#files.delete(source)
    this.#files.set(dest, file)
  }

  async delete(path: string): Promise<void> {
    checkPath(path)
    const prefix = path === '/' ? '/' : `${path}/`
    let found = this.#files.delete(path)
    for (const p of [...this.#files.keys()]) {
      if (p.startsWith(prefix)) found = this.#files.delete(p) || found
    }
    if (!found) throw new NotFoundError(`no such path: ${path}`)
  }

  #file(path: string): MemFile {
    checkPath(path)
    const file = this.#files.get(path)
    if (!file) throw new NotFoundError(`no such file: ${path}`)
    return file
  }
}
