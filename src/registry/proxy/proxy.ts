// Pull-through cache mode (distribution's `proxy:` config): before the ordinary manifest and
// blob handlers serve from local storage, ProxyCache makes sure storage holds what upstream
// has. A tag is looked up upstream on every request (falling back to the cached copy when
// upstream is down); digests and blobs are fetched once, verified by digest, and stored. Tag
// lists come from upstream while it answers.
// Pushes and deletes are refused (UNSUPPORTED), as distribution's proxy does.
import { createHash } from 'node:crypto'
import { algorithmOf, type Digest } from '../../oci/index.ts'
import {
  BlobUnknownError,
  DigestInvalidError,
  ManifestUnknownError,
  UpstreamUnavailableError,
} from '../errors.ts'
import type { Handler, RegistryRequest, Route } from '../http.ts'
import { nameOf } from '../http.ts'
import { pageParams, pageReply } from '../routes/tags.ts'
import {
  type DigestAlgorithm,
  type ManifestRef,
  parseExistingRef,
  parseRegistryDigest,
} from '../storage/names.ts'
import { asciiSort, paginate } from '../storage/pagination.ts'
import type { RegistryStorage } from '../storage/registry-storage.ts'
import type { Upstream } from './upstream.ts'

export class ProxyCache {
  readonly #storage: RegistryStorage
  readonly #upstream: Upstream
  /** In-flight blob fetches, so concurrent pulls of one blob download it once. */
  readonly #fetching = new Map<string, Promise<void>>()

  constructor(storage: RegistryStorage, upstream: Upstream) {
    this.#storage = storage
    this.#upstream = upstream
  }

  /** Makes storage hold the manifest `ref` names upstream. @throws ManifestUnknownError,
   *  UpstreamUnavailableError (only when nothing is cached to fall back on). */
  async ensureManifest(name: string, ref: ManifestRef): Promise<void> {
    if (ref.digest !== undefined && (await this.#hasRevision(name, ref))) return
    let fetched: Awaited<ReturnType<Upstream['manifest']>>
    try {
      fetched = await this.#upstream.manifest(name, ref.digest ?? ref.tag)
    } catch (err) {
      // Upstream down: a cached tag is served as it was last seen.
      if (err instanceof UpstreamUnavailableError && (await this.#hasRevision(name, ref))) return
      throw err
    }
    if (!fetched) {
      if (await this.#hasRevision(name, ref)) return
      throw new ManifestUnknownError(`manifest unknown: ${ref.digest ?? ref.tag}`)
    }
    const algorithm = ref.digest ? algorithmOf(ref.digest) : 'sha256'
    const actual = `${algorithm}:${createHash(algorithm).update(fetched.content).digest('hex')}`
    if (ref.digest && actual !== ref.digest)
      throw new DigestInvalidError(`upstream manifest does not match ${ref.digest}`)
    await this.#storage.manifests.put(name, ref, fetched.content, {
      ...(fetched.mediaType && fetched.mediaType !== 'application/json'
        ? { contentType: fetched.mediaType }
        : {}),
      cached: true,
    })
  }

  /** Makes storage hold blob `digest`, linked into `name`. @throws BlobUnknownError,
   *  UpstreamUnavailableError, DigestInvalidError (upstream sent other bytes; nothing kept). */
  async ensureBlob(name: string, digest: Digest): Promise<void> {
    if ((await this.#storage.blobs.isLinked(name, digest)) && (await this.#storage.blobs.statGlobal(digest)))
      return
    const key = `${name}@${digest}`
    let running = this.#fetching.get(key)
    if (!running) {
      running = this.#fetchBlob(name, digest).finally(() => this.#fetching.delete(key))
      this.#fetching.set(key, running)
    }
    await running
  }

  async #fetchBlob(name: string, digest: Digest): Promise<void> {
    const body = await this.#upstream.blob(name, digest)
    if (!body) throw new BlobUnknownError(`blob unknown: ${digest}`)
    const uploads = this.#storage.uploads
    const session = await uploads.start(name, { algorithm: algorithmOf(digest) as DigestAlgorithm })
    try {
      await uploads.finish(name, session.id, digest, body)
    } catch (err) {
      body.destroy()
      await uploads.cancel(name, session.id).catch(() => undefined)
      throw err
    }
  }

  /** Upstream's tag list; undefined when upstream is down or has no such repository. */
  async upstreamTags(name: string): Promise<string[] | undefined> {
    try {
      return await this.#upstream.tags(name)
    } catch (err) {
      if (err instanceof UpstreamUnavailableError) return undefined
      throw err
    }
  }

  async #hasRevision(name: string, ref: ManifestRef): Promise<boolean> {
    try {
      await this.#storage.manifests.resolve(name, ref)
      return true
    } catch (err) {
      if (err instanceof ManifestUnknownError) return false
      throw err
    }
  }
}

/** The route table of a pull-through cache: manifest and blob reads fill the cache first;
 *  every write route is dropped, so the router answers them 405 UNSUPPORTED. */
export function proxyRoutes(routes: Route[], cache: ProxyCache): Route[] {
  const out: Route[] = []
  for (const r of routes) {
    if (r.method !== 'GET' && r.method !== 'HEAD') continue
    if (r.kind === 'manifest') out.push({ ...r, handler: before(r.handler, (q) => fillManifest(cache, q)) })
    else if (r.kind === 'blob') out.push({ ...r, handler: before(r.handler, (q) => fillBlob(cache, q)) })
    else if (r.kind === 'tags') out.push({ ...r, handler: (q) => tagList(cache, q, r.handler) })
    else if (r.kind !== 'upload') out.push(r)
  }
  return out
}

/** Upstream's tags when it answers (distribution proxies the list), else the cached ones. */
async function tagList(cache: ProxyCache, req: RegistryRequest, local: Handler) {
  const name = nameOf(req)
  const tags = await cache.upstreamTags(name)
  if (tags === undefined) return await local(req)
  const page = paginate(asciiSort(tags), pageParams(req))
  return pageReply(`/v2/${name}/tags/list`, { name, tags: page.items }, page.next, req)
}

function before(handler: Handler, fill: (req: RegistryRequest) => Promise<void>): Handler {
  return async (req) => {
    await fill(req)
    return await handler(req)
  }
}

function fillManifest(cache: ProxyCache, req: RegistryRequest): Promise<void> {
  return cache.ensureManifest(nameOf(req), parseExistingRef(req.params.reference!))
}

function fillBlob(cache: ProxyCache, req: RegistryRequest): Promise<void> {
  return cache.ensureBlob(nameOf(req), parseRegistryDigest(req.params.digest!))
}
