// Images made by the builder without a container: a parent image (or none, for `FROM scratch`)
// plus an optional layer tar plus a complete run config and one history entry. COPY/ADD pass
// the tar they built; metadata-only steps (ENV, LABEL …) pass none and get an empty_layer entry.
// Does not tag: the builder tags the final image through ImageService.tag.
import type { Readable } from 'node:stream'
import {
  chainIds,
  type Digest,
  type HistoryEntry,
  type ImageConfig,
  type ImageConfigConfig,
} from '../oci/index.ts'
import { EMPTY_TAR_DIFF_ID } from './commit.ts'
import type { ImageCore, ImageView } from './core.ts'
import { hostPlatform } from './import.ts'
import { dirSize } from './rootfs-store.ts'

export interface LayerCommitRequest {
  /** Parent image id; undefined builds on nothing (scratch). */
  parentId?: string
  /** Uncompressed layer tar; undefined (or an empty tar) adds no layer. */
  layer?: Readable | AsyncIterable<Uint8Array>
  /** The same layer already unpacked in overlay form (e.g. the upper directory the tar was
   *  packed from): moved into the layer store instead of unpacking the tar again. */
  layerDir?: string
  config: ImageConfigConfig
  /** created_by (and comment); `created` and `empty_layer` are filled in. None adds no
   *  history entry (the empty base of a scratch stage). */
  history?: Omit<HistoryEntry, 'created' | 'empty_layer'>
  /** Platform for a scratch image; images with a parent keep the parent's. */
  platform?: { os: string; architecture: string; variant?: string }
  /** The image's author (Dockerfile MAINTAINER). */
  author?: string
  /** Creation time (ISO); now by default. */
  created?: string
}

export async function commitLayer(core: ImageCore, req: LayerCommitRequest): Promise<ImageView> {
  const parent = req.parentId === undefined ? undefined : core.resolve(req.parentId)
  let diffId: Digest | undefined
  if (req.layer !== undefined) {
    const d = (await core.content.ingest(req.layer)).digest
    if (d !== EMPTY_TAR_DIFF_ID) diffId = d
  }
  const diffIds: Digest[] = [...(parent?.config.rootfs.diff_ids ?? []), ...(diffId ? [diffId] : [])]
  if (diffId) {
    try {
      if (req.layerDir && !core.layers.get(chainIds(diffIds).at(-1)!))
        await core.layers.adopt(diffIds, req.layerDir, await dirSize(req.layerDir, new Set()))
      await core.layers.ensure(diffIds, (d) => core.content.read(d))
    } catch (err) {
      await dropUnused(core, diffId)
      throw err
    }
  }
  const created = req.created ?? new Date().toISOString()
  const p = parent?.config ?? { ...hostPlatform(), ...req.platform }
  const config: ImageConfig = {
    architecture: p.architecture,
    ...(p.variant ? { variant: p.variant } : {}),
    os: p.os,
    created,
    ...(req.author ? { author: req.author } : {}),
    config: req.config,
    rootfs: { type: 'layers', diff_ids: diffIds },
    history: [
      ...(parent?.config.history ?? []),
      ...(req.history
        ? [
            {
              created,
              ...req.history,
              ...(req.author ? { author: req.author } : {}),
              ...(diffId ? {} : { empty_layer: true }),
            },
          ]
        : []),
    ],
  }
  return core.lock.run(async () => {
    const img = await core.commitImage(Buffer.from(JSON.stringify(config)), { parent: parent?.id })
    return core.view(img)
  })
}

async function dropUnused(core: ImageCore, diffId: Digest): Promise<void> {
  await core.lock.run(async () => {
    if (!core.store.all().some((i) => i.config.rootfs.diff_ids.includes(diffId)))
      await core.content.delete(diffId)
  })
}

/** The unpacked layer directories of an image, topmost first (empty for a layerless image).
 *  They are shared and must be treated as read-only. @throws NotFoundError. */
export function imageLayerDirs(core: ImageCore, imageId: string): string[] {
  const img = core.resolve(imageId)
  return img.chainIds.map((c) => core.layers.diffDir(c)).reverse()
}
