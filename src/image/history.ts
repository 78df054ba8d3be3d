// `docker history` (moby daemon/images/image_history.go): one row per history entry, newest
// first, sized by the layer each non-empty entry added; ids and tags walk the parent chain.
import { InvalidArgumentError } from '../lib/errors.ts'
import { chainIds, type Digest, familiarString } from '../oci/index.ts'
import type { ImageCore } from './core.ts'
import type { ImageHistoryEntry } from './image-service-contract.ts'
import type { StoredImage } from './image-store.ts'

export type HistoryRow = ImageHistoryEntry & { id: string; size: number; tags: string[] }

export function imageHistory(core: ImageCore, img: StoredImage): HistoryRow[] {
  const diffIds = img.config.rootfs.diff_ids
  const chain = chainIds(diffIds)
  let layer = 0
  const rows: HistoryRow[] = []
  for (const h of img.config.history ?? []) {
    let size = 0
    if (!h.empty_layer) {
      const c = chain[layer]
      if (c === undefined) throw new InvalidArgumentError('too many non-empty layers in History section')
      size = core.layers.get(c)?.size ?? 0
      layer++
    }
    rows.unshift({ ...h, id: '<missing>', size, tags: [] })
  }
  let cur: StoredImage | undefined = img
  for (const row of rows) {
    if (!cur) break
    row.id = cur.id
    row.tags = core.store
      .refsOf(cur.id)
      .filter((r) => r.tag !== undefined)
      .map(familiarString)
    cur = cur.record.parent ? core.store.get(cur.record.parent as Digest) : undefined
  }
  return rows
}
