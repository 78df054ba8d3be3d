// Build cache accounting for /system/df and POST /build/prune: one record per cached step (its
// image's own layer size) and per RUN cache mount. Pruning drops index entries and deletes the
// step images nothing else needs (untagged, no children, no container), and cache mounts.
import { lstat, readdir, rm } from 'node:fs/promises'
import { join } from 'node:path'
import type { ImageService } from '../../image/index.ts'
import { InvalidArgumentError, isNotFound, NotFoundError } from '../../lib/errors.ts'
import type { BuildCacheRecord } from '../build-service-contract.ts'
import type { CacheStore } from './cache-store.ts'

const FILTERS = new Set(['until', 'id', 'parent', 'type', 'description', 'inuse', 'shared', 'private'])

async function dirSize(dir: string): Promise<number> {
  let total = 0
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true }).catch(() => [])) {
    if (e.isFile()) total += (await lstat(join(e.parentPath, e.name)).catch(() => ({ size: 0 }))).size
  }
  return total
}

interface Rec extends BuildCacheRecord {
  drop: () => Promise<void>
}

async function records(cache: CacheStore, images: ImageService): Promise<Rec[]> {
  const out: Rec[] = []
  for (const [key, e] of cache.entries()) {
    const img = await images.resolve(e.imageId).catch((err) => {
      // An image removed since (docker image prune, rmi) is a miss; the entry is dropped.
      if (err instanceof NotFoundError || isNotFound(err)) return undefined
      throw err
    })
    if (!img) {
      cache.delete(key)
      continue
    }
    const parent = e.parent ? await images.resolve(e.parent).catch(() => undefined) : undefined
    out.push({
      ID: key.slice(0, 25),
      ...(e.parent ? { Parent: e.parent.replace(/^sha256:/, '').slice(0, 25) } : {}),
      Type: 'regular',
      Description: e.description,
      InUse: false,
      Shared: false,
      Size: Math.max(0, img.size - (parent?.size ?? 0)),
      CreatedAt: e.createdAt,
      LastUsedAt: e.lastUsedAt,
      UsageCount: e.usageCount,
      drop: async () => {
        cache.delete(key)
        if (img.repoTags.length > 0) return
        // Docker keeps an image it cannot delete (children, containers): only the entry goes.
        await images.remove(img.id, { force: false, noprune: true }).catch(() => undefined)
      },
    })
  }
  for (const m of await cache.mounts()) {
    out.push({
      ID: m.dir.slice(-25),
      Type: 'exec.cachemount',
      Description: `cached mount ${m.id}`,
      InUse: false,
      Shared: false,
      Size: await dirSize(join(m.dir, 'data')),
      CreatedAt: m.createdAt,
      LastUsedAt: m.lastUsedAt,
      UsageCount: m.usageCount,
      drop: () => rm(m.dir, { recursive: true, force: true }),
    })
  }
  await cache.flush()
  return out
}

export async function usageOf(cache: CacheStore, images: ImageService): Promise<BuildCacheRecord[]> {
  return (await records(cache, images)).map(({ drop: _, ...r }) => r)
}

export async function pruneCache(
  cache: CacheStore,
  images: ImageService,
  opts: { all: boolean; filters: Record<string, string[]>; keepStorage?: number },
): Promise<{ CachesDeleted: string[]; SpaceReclaimed: number }> {
  for (const k of Object.keys(opts.filters))
    if (!FILTERS.has(k)) throw new InvalidArgumentError(`invalid filter '${k}'`)
  let recs = (await records(cache, images)).filter((r) => matches(r, opts.filters))
  // Newest last: keep-storage keeps the most recently used records.
  recs.sort((a, b) => Date.parse(a.LastUsedAt ?? a.CreatedAt) - Date.parse(b.LastUsedAt ?? b.CreatedAt))
  if (opts.keepStorage && opts.keepStorage > 0) {
    let total = recs.reduce((n, r) => n + r.Size, 0)
    const doomed: Rec[] = []
    for (const r of recs) {
      if (total <= opts.keepStorage) break
      doomed.push(r)
      total -= r.Size
    }
    recs = doomed
  }
  const deleted: string[] = []
  let reclaimed = 0
  // Children before parents, so a parent image is free to go once its children went.
  for (const r of recs.reverse()) {
    await r.drop()
    deleted.push(r.ID)
    reclaimed += r.Size
  }
  await cache.flush()
  return { CachesDeleted: deleted, SpaceReclaimed: reclaimed }
}

function matches(r: Rec, f: Record<string, string[]>): boolean {
  const any = (k: string, pred: (v: string) => boolean) => !f[k]?.length || f[k]!.some(pred)
  return (
    any('id', (v) => r.ID.startsWith(v)) &&
    any('parent', (v) => (r.Parent ?? '').startsWith(v)) &&
    any('type', (v) => r.Type === v) &&
    any('description', (v) => r.Description.includes(v)) &&
    any('inuse', (v) => String(r.InUse) === v) &&
    any('shared', (v) => String(r.Shared) === v) &&
    any('private', (v) => String(!r.Shared) === v) &&
    any('until', (v) => Date.parse(r.CreatedAt) < untilTime(v))
  )
}

/** `until`: a Go duration ("24h", "90m") before now, or a timestamp. */
function untilTime(v: string): number {
  const m = /^(\d+(?:\.\d+)?)(h|m|s)$/.exec(v)
  if (m) return Date.now() - Number(m[1]) * { h: 3600e3, m: 60e3, s: 1e3 }[m[2] as 'h' | 'm' | 's']
  const t = /^\d+$/.test(v) ? Number(v) * 1000 : Date.parse(v)
  if (Number.isNaN(t)) throw new InvalidArgumentError(`invalid filter 'until=${v}'`)
  return t
}
