// Unpacked image layers, keyed by chainId: each layer is unpacked once (into tmp/, then
// renamed into layers/ complete) and shared by every image that has it. Also hands out the
// short `l/<id>` names used in overlay lowerdir options. Layout: see paths.ts.
import { randomBytes } from 'node:crypto'
import { mkdir, readdir, readFile, readlink, rename, rm, stat, symlink, unlink } from 'node:fs/promises'
import { join } from 'node:path'
import type { Readable } from 'node:stream'
import { errnoOf, isNotFound } from '../lib/errors.ts'
import { writeJsonAtomic } from '../lib/fs-atomic.ts'
import type { Logger } from '../lib/log.ts'
import { extractTar } from '../lib/tar/index.ts'
import { chainIds, type Digest, encodedOf } from '../oci/index.ts'
import type { StorePaths } from './paths.ts'

export interface LayerInfo {
  chainId: Digest
  diffId: Digest
  parent?: Digest
  /** Name under overlay/l/. */
  link: string
  /** Bytes of file data in the layer. */
  size: number
}

/** A layer tar unpacked into a staging directory (see LayerStore.stage). */
export interface StagedLayer {
  dir: string
  /** Bytes of file data. */
  size: number
  warnings: string[]
}

const LINK_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'

function newLinkName(): string {
  // 26 base32 characters, like Docker's overlay2 `l/` names.
  return [...randomBytes(26)].map((b) => LINK_ALPHABET[b % 32]).join('')
}

export class LayerStore {
  readonly #paths: StorePaths
  readonly #log: Logger
  readonly #layers = new Map<string, LayerInfo>()
  readonly #inflight = new Map<string, Promise<LayerInfo>>()

  constructor(paths: StorePaths, log: Logger) {
    this.#paths = paths
    this.#log = log
  }

  /** Loads layer metadata and drops staging leftovers and dangling short links. */
  async init(): Promise<void> {
    await rm(this.#paths.overlayTmp, { recursive: true, force: true })
    await mkdir(this.#paths.overlayTmp, { recursive: true })
    for (const hex of await readdir(this.#paths.layersDir)) {
      try {
        const info = JSON.parse(
          await readFile(join(this.#paths.layersDir, hex, 'layer.json'), 'utf8'),
        ) as LayerInfo
        this.#layers.set(hex, info)
      } catch (err) {
        this.#log.warn('ignoring unreadable layer', { layer: hex, error: String(err) })
      }
    }
    const linked = new Set([...this.#layers.values()].map((l) => l.link))
    for (const name of await readdir(this.#paths.linksDir)) {
      if (!linked.has(name))
        await unlink(join(this.#paths.linksDir, name)).catch((err) =>
          this.#log.warn('removing stale link', { name, error: String(err) }),
        )
    }
  }

  get(chainId: Digest): LayerInfo | undefined {
    return this.#layers.get(encodedOf(chainId))
  }

  all(): LayerInfo[] {
    return [...this.#layers.values()]
  }

  diffDir(chainId: Digest): string {
    return join(this.#paths.layer(chainId), 'diff')
  }

  /** overlay lowerdir value relative to overlay/ (topmost first), for image layers bottom-first. */
  lowerSpec(chain: Digest[]): string {
    if (chain.length === 0) return 'empty'
    return chain
      .map((c) => `l/${this.get(c)?.link ?? ''}`)
      .reverse()
      .join(':')
  }

  /** Makes sure every layer of `diffIds` is unpacked, reading missing ones from `open(diffId)`
   *  (an uncompressed tar whose sha256 has been verified). Idempotent; concurrent calls for the
   *  same layer share one unpack. Returns the chainIds. */
  async ensure(diffIds: Digest[], openLayer: (diffId: Digest) => Readable): Promise<Digest[]> {
    const chain = chainIds(diffIds)
    for (let i = 0; i < chain.length; i++) {
      const c = chain[i]!
      if (this.get(c)) continue
      const key = encodedOf(c)
      let p = this.#inflight.get(key)
      if (!p) {
        p = this.#unpack(c, diffIds[i]!, chain[i - 1], openLayer).finally(() => this.#inflight.delete(key))
        this.#inflight.set(key, p)
      }
      await p
    }
    return chain
  }

  async #unpack(
    chainId: Digest,
    diffId: Digest,
    parent: Digest | undefined,
    openLayer: (d: Digest) => Readable,
  ): Promise<LayerInfo> {
    const staged = await this.stage(openLayer(diffId))
    try {
      return await this.#install(chainId, diffId, parent, staged)
    } finally {
      await this.discard(staged)
    }
  }

  /** Unpacks a layer tar into a staging directory, not yet a layer: the caller verifies the
   *  tar's digest meanwhile, then commitStaged() (in layer order) or discard(). Staging
   *  directories left by a crash are dropped by init(). */
  async stage(src: AsyncIterable<Uint8Array>, signal?: AbortSignal): Promise<StagedLayer> {
    const dir = join(this.#paths.overlayTmp, randomBytes(8).toString('hex'))
    await mkdir(join(dir, 'diff'), { recursive: true, mode: 0o755 })
    try {
      const res = await extractTar(src, join(dir, 'diff'), { whiteouts: 'overlay', signal })
      return { dir, size: res.size, warnings: res.warnings }
    } catch (err) {
      await rm(dir, { recursive: true, force: true })
      throw err
    }
  }

  /** Makes a staged unpack of the last of `diffIds` a layer (its parents must be present; a
   *  layer already present is kept and the staged one dropped). Returns the chainIds. */
  async commitStaged(diffIds: Digest[], staged: StagedLayer): Promise<Digest[]> {
    const chain = chainIds(diffIds)
    const c = chain[chain.length - 1]
    try {
      if (c !== undefined && !this.get(c)) {
        const key = encodedOf(c)
        const p = this.#install(c, diffIds[diffIds.length - 1]!, chain[chain.length - 2], staged).finally(
          () => this.#inflight.delete(key),
        )
        this.#inflight.set(key, p)
        await p
      }
      return chain
    } finally {
      await this.discard(staged)
    }
  }

  /** Drops a staged unpack. Idempotent. */
  async discard(staged: StagedLayer): Promise<void> {
    await rm(staged.dir, { recursive: true, force: true })
  }

  async #install(
    chainId: Digest,
    diffId: Digest,
    parent: Digest | undefined,
    staged: StagedLayer,
  ): Promise<LayerInfo> {
    for (const w of staged.warnings) this.#log.warn(w, { layer: chainId })
    const link = newLinkName()
    const info: LayerInfo = { chainId, diffId, parent, link, size: staged.size }
    await writeJsonAtomic(join(staged.dir, 'layer.json'), info)
    await symlink(`../layers/${encodedOf(chainId)}/diff`, join(this.#paths.linksDir, link))
    try {
      await rename(staged.dir, this.#paths.layer(chainId))
    } catch (err) {
      await unlink(join(this.#paths.linksDir, link))
      if (errnoOf(err) !== 'ENOTEMPTY' && errnoOf(err) !== 'EEXIST') throw err
      // Another process unpacked it first: use theirs.
      const theirs = JSON.parse(
        await readFile(join(this.#paths.layer(chainId), 'layer.json'), 'utf8'),
      ) as LayerInfo
      this.#layers.set(encodedOf(chainId), theirs)
      return theirs
    }
    this.#layers.set(encodedOf(chainId), info)
    return info
  }

  /** Makes `dir` (an unpacked layer in overlay form whose tar has digest `diffIds`' last) the
   *  layer's diff directory by renaming it (same filesystem), instead of unpacking the tar again.
   *  The builder uses it for layers it has just written. A layer already present is kept and
   *  `dir` is left alone. Returns the chainIds. */
  async adopt(diffIds: Digest[], dir: string, size: number): Promise<Digest[]> {
    const chain = chainIds(diffIds)
    const c = chain[chain.length - 1]
    if (c === undefined || this.get(c)) return chain
    const staging = join(this.#paths.overlayTmp, randomBytes(8).toString('hex'))
    await mkdir(staging, { recursive: true, mode: 0o755 })
    const link = newLinkName()
    try {
      await rename(dir, join(staging, 'diff'))
      const info: LayerInfo = {
        chainId: c,
        diffId: diffIds[diffIds.length - 1]!,
        parent: chain[chain.length - 2],
        link,
        size,
      }
      await writeJsonAtomic(join(staging, 'layer.json'), info)
      await symlink(`../layers/${encodedOf(c)}/diff`, join(this.#paths.linksDir, link))
      try {
        await rename(staging, this.#paths.layer(c))
      } catch (err) {
        await unlink(join(this.#paths.linksDir, link))
        if (errnoOf(err) !== 'ENOTEMPTY' && errnoOf(err) !== 'EEXIST') throw err
        // A concurrent build made the same layer first: use theirs.
        const theirs = JSON.parse(
          await readFile(join(this.#paths.layer(c), 'layer.json'), 'utf8'),
        ) as LayerInfo
        this.#layers.set(encodedOf(c), theirs)
        return chain
      }
      this.#layers.set(encodedOf(c), info)
      return chain
    } finally {
      await rm(staging, { recursive: true, force: true })
    }
  }

  /** Deletes a layer (callers check nothing uses it). Idempotent. */
  async remove(chainId: Digest): Promise<void> {
    const info = this.get(chainId)
    this.#layers.delete(encodedOf(chainId))
    if (info)
      await unlink(join(this.#paths.linksDir, info.link)).catch((err) => {
        if (!isNotFound(err)) throw err
      })
    // Rename first so a crash never leaves a half-deleted layer under its real name.
    const doomed = join(this.#paths.overlayTmp, `rm-${encodedOf(chainId)}`)
    try {
      await rename(this.#paths.layer(chainId), doomed)
    } catch (err) {
      if (isNotFound(err)) return
      throw err
    }
    await rm(doomed, { recursive: true, force: true })
  }

  /** Checks the short link of a layer resolves (used by tests and fsck-like checks). */
  async linkOk(chainId: Digest): Promise<boolean> {
    const info = this.get(chainId)
    if (!info) return false
    try {
      await readlink(join(this.#paths.linksDir, info.link))
      await stat(join(this.#paths.linksDir, info.link))
      return true
    } catch (err) {
      if (isNotFound(err)) return false
      throw err
    }
  }
}
