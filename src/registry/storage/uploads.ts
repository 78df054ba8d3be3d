// UploadStore: blob upload sessions (spec "Pushing blobs"). A session is a data file plus an
// info record in the driver, so a restart keeps it; appends to one session are serialised
// here. The running hash is cached in memory and rebuilt from the data file when missing.
import { createHash, type Hash, randomUUID } from 'node:crypto'
import { NotFoundError } from '../../lib/errors.ts'
import { algorithmOf, type Digest } from '../../oci/index.ts'
import { BlobUploadUnknownError, DigestInvalidError, RangeNotSatisfiableError } from '../errors.ts'
import type { BlobStore } from './blobs.ts'
import type { StorageDriver } from './driver/driver.ts'
import type { DigestAlgorithm } from './names.ts'
import { paths } from './paths.ts'

export interface UploadState {
  id: string
  name: string
  /** Bytes received so far; the next chunk must start here. */
  size: number
  algorithm: DigestAlgorithm
  startedAt: string
}

interface UploadInfo {
  algorithm: DigestAlgorithm
  startedAt: string
}

interface HashState {
  algorithm: string
  hash: Hash
  offset: number
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

export class UploadStore {
  readonly #driver: StorageDriver
  readonly #blobs: BlobStore
  readonly #hashes = new Map<string, HashState>()
  readonly #locks = new Map<string, Promise<unknown>>()

  constructor(driver: StorageDriver, blobs: BlobStore) {
    this.#driver = driver
    this.#blobs = blobs
  }

  /** Opens a new empty session. */
  async start(name: string, opts: { algorithm?: DigestAlgorithm } = {}): Promise<UploadState> {
    const id = randomUUID()
    const info: UploadInfo = { algorithm: opts.algorithm ?? 'sha256', startedAt: new Date().toISOString() }
    await this.#driver.putContent(paths.uploadData(name, id), '')
    await this.#driver.putContent(paths.uploadInfo(name, id), JSON.stringify(info))
    this.#hashes.set(`${name}/${id}`, {
      algorithm: info.algorithm,
      hash: createHash(info.algorithm),
      offset: 0,
    })
    return { id, name, size: 0, ...info }
  }

  /** @throws BlobUploadUnknownError. */
  async get(name: string, id: string): Promise<UploadState> {
    if (!UUID_RE.test(id)) throw new BlobUploadUnknownError(`blob upload unknown: ${id}`)
    try {
      const info = JSON.parse(
        (await this.#driver.getContent(paths.uploadInfo(name, id))).toString(),
      ) as UploadInfo
      const { size } = await this.#driver.stat(paths.uploadData(name, id))
      return { id, name, size, ...info }
    } catch (err) {
      if (err instanceof NotFoundError) throw new BlobUploadUnknownError(`blob upload unknown: ${id}`)
      throw err
    }
  }

  /** Appends a chunk. `rangeStart` (from Content-Range) must equal the bytes received so far.
   *  @throws BlobUploadUnknownError, RangeNotSatisfiableError. */
  async append(
    name: string,
    id: string,
    body: AsyncIterable<Uint8Array>,
    opts: { rangeStart?: number } = {},
  ): Promise<UploadState> {
    return await this.#locked(name, id, async () => {
      const state = await this.get(name, id)
      if (opts.rangeStart !== undefined && opts.rangeStart !== state.size) {
        throw new RangeNotSatisfiableError(`chunk starts at ${opts.rangeStart}, upload is at ${state.size}`)
      }
      const key = `${name}/${id}`
      const cached = this.#hashes.get(key)
      const hs = cached && cached.offset === state.size ? cached : undefined
      this.#hashes.delete(key)
      const counted = hashing(body, hs)
      const size = await this.#driver.append(paths.uploadData(name, id), counted)
      if (hs && hs.offset === size) this.#hashes.set(key, hs)
      return { ...state, size }
    })
  }

  /** Appends a final chunk (if any), verifies `digest` and commits the blob into `name`.
   *  @throws BlobUploadUnknownError, RangeNotSatisfiableError, DigestInvalidError (session kept). */
  async finish(
    name: string,
    id: string,
    digest: Digest,
    body?: AsyncIterable<Uint8Array>,
    opts: { rangeStart?: number } = {},
  ): Promise<{ digest: Digest; size: number }> {
    if (body) await this.append(name, id, body, opts)
    return await this.#locked(name, id, async () => {
      const state = await this.get(name, id)
      const actual = await this.#digestOf(name, id, algorithmOf(digest), state.size)
      if (actual !== digest) {
        throw new DigestInvalidError(`digest mismatch: content is ${actual}, client said ${digest}`)
      }
      await this.#blobs.commitFile(name, paths.uploadData(name, id), digest)
      await this.#drop(name, id)
      return { digest, size: state.size }
    })
  }

  /** Cancels a session and frees its data. @throws BlobUploadUnknownError. */
  async cancel(name: string, id: string): Promise<void> {
    await this.#locked(name, id, async () => {
      await this.get(name, id)
      await this.#drop(name, id)
    })
  }

  /** Deletes every session of `names` idle (no data appended, not started) for longer than
   *  `maxAgeMs`, or only lists them with dryRun. Each is re-checked under its session lock, so
   *  a chunk or a finish running at that moment wins and the session stays. */
  async purge(
    names: string[],
    opts: { maxAgeMs: number; dryRun?: boolean; now?: number },
  ): Promise<Array<{ name: string; id: string }>> {
    const purged: Array<{ name: string; id: string }> = []
    const now = opts.now ?? Date.now()
    for (const name of names) {
      for (const id of await this.#sessionIds(name)) {
        const stale = await this.#locked(name, id, async () => {
          const idle = await this.#idleSince(name, id)
          if (idle === undefined || now - idle <= opts.maxAgeMs) return false
          if (!opts.dryRun) await this.#drop(name, id)
          return true
        })
        if (stale) purged.push({ name, id })
      }
    }
    return purged
  }

  async #sessionIds(name: string): Promise<string[]> {
    try {
      return await this.#driver.list(paths.uploadsRoot(name))
    } catch (err) {
      if (err instanceof NotFoundError) return []
      throw err
    }
  }

  /** When a session last changed (its start or its last append); undefined if it is gone. */
  async #idleSince(name: string, id: string): Promise<number | undefined> {
    let started = 0
    try {
      const info = JSON.parse(
        (await this.#driver.getContent(paths.uploadInfo(name, id))).toString(),
      ) as UploadInfo
      started = Date.parse(info.startedAt) || 0
    } catch (err) {
      // A session without a readable info record (crash between the two writes) ages by its data.
      if (!(err instanceof NotFoundError) && !(err instanceof SyntaxError)) throw err
    }
    try {
      const st = await this.#driver.stat(paths.uploadData(name, id))
      return Math.max(started, st.modTime.getTime())
    } catch (err) {
      if (!(err instanceof NotFoundError)) throw err
      return started || undefined
    }
  }

  async #drop(name: string, id: string): Promise<void> {
    this.#hashes.delete(`${name}/${id}`)
    await this.#driver.delete(paths.upload(name, id)).catch((err: unknown) => {
      // Already gone: a concurrent cancel won; the outcome is the same.
      if (!(err instanceof NotFoundError)) throw err
    })
  }

  async #digestOf(name: string, id: string, algorithm: string, size: number): Promise<Digest> {
    const hs = this.#hashes.get(`${name}/${id}`)
    if (hs && hs.algorithm === algorithm && hs.offset === size) {
      return `${algorithm}:${hs.hash.copy().digest('hex')}` as Digest
    }
    const hash = createHash(algorithm)
    for await (const chunk of await this.#driver.reader(paths.uploadData(name, id)))
      hash.update(chunk as Buffer)
    return `${algorithm}:${hash.digest('hex')}` as Digest
  }

  async #locked<T>(name: string, id: string, fn: () => Promise<T>): Promise<T> {
    const key = `${name}/${id}`
    const prev = this.#locks.get(key) ?? Promise.resolve()
    const run = prev.then(fn, fn)
    const tail = run.catch(() => undefined)
    this.#locks.set(key, tail)
    try {
      return await run
    } finally {
      if (this.#locks.get(key) === tail) this.#locks.delete(key)
    }
  }
}

/** Passes chunks through, feeding the running hash when there is one. */
async function* hashing(
  body: AsyncIterable<Uint8Array>,
  hs: HashState | undefined,
): AsyncIterable<Uint8Array> {
  for await (const chunk of body) {
    if (hs) {
      hs.hash.update(chunk)
      hs.offset += chunk.length
    }
    yield chunk
  }
}
