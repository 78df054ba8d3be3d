// `docker image prune` (moby daemon/images/image_prune.go): dangling images, or with `all`
// every image no container uses; filters until and label (label!= negates).
import { InvalidArgumentError } from '../lib/errors.ts'
import type { ImageCore } from './core.ts'
import type { ImageDeleteItem } from './image-service-contract.ts'
import { matchLabels, parseUntil } from './list.ts'
import { removeImage } from './remove.ts'

const KNOWN = new Set(['dangling', 'until', 'label', 'label!'])

export async function pruneImages(
  core: ImageCore,
  opts: { all: boolean; filters?: Record<string, string[]> },
): Promise<{ ImagesDeleted: ImageDeleteItem[]; SpaceReclaimed: number }> {
  const f = opts.filters ?? {}
  for (const k of Object.keys(f)) if (!KNOWN.has(k)) throw new InvalidArgumentError(`invalid filter '${k}'`)
  const d = f.dangling?.[0]
  const danglingOnly = d === undefined ? !opts.all : !['false', '0'].includes(d.toLowerCase())
  const until = f.until?.length ? parseUntil(f.until[0]!) : undefined
  const deleted: ImageDeleteItem[] = []
  let reclaimed = 0
  const sizeBefore = new Map(core.layers.all().map((l) => [l.chainId, l.size]))
  for (const img of core.store.all()) {
    if (!core.store.get(img.id)) continue // removed as a parent of an earlier one
    if (danglingOnly && core.children(img.id).length > 0) continue
    if (until !== undefined && img.config.created && Date.parse(img.config.created) > until) continue
    const labels = img.config.config?.Labels
    if (!matchLabels(labels, f.label)) continue
    if ((f['label!'] ?? []).some((l) => matchLabels(labels, [l]))) continue
    if (core.usageProbe(img.id)) continue
    const refs = core.store.refsOf(img.id)
    if (danglingOnly && refs.some((r) => r.tag !== undefined)) continue
    try {
      const targets =
        refs.length > 0
          ? refs.map((r) => `${r.domain}/${r.path}${r.tag ? `:${r.tag}` : `@${r.digest}`}`)
          : [img.id]
      for (const t of targets) {
        if (!core.store.get(img.id)) break
        deleted.push(...(await removeImage(core, t, { force: false, noprune: false })))
      }
    } catch (err) {
      // Docker skips images it cannot delete (conflicts) and carries on.
      core.log.debug('prune: skipping image', { id: img.id, error: String(err) })
    }
  }
  for (const item of deleted) if (item.Deleted) reclaimed += sizeBefore.get(item.Deleted as never) ?? 0
  return { ImagesDeleted: deleted, SpaceReclaimed: reclaimed }
}
