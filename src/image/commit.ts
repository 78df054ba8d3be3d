// `docker commit` on the image side: a rootfs's overlay upper directory becomes one new layer
// (overlay whiteouts written as OCI `.wh.` entries) on top of its image's layers, with a config
// built from the container's run config plus `changes` (moby daemon/images/image_commit.go).
// Does not pause the container or publish the container event: the container domain does.
import type { Readable } from 'node:stream'
import { InvalidArgumentError } from '../lib/errors.ts'
import { packDirectory } from '../lib/tar/index.ts'
import { type Digest, type HistoryEntry, type ImageConfig, parseDockerRef } from '../oci/index.ts'
import { applyChanges } from './changes.ts'
import type { ImageCore, ImageView } from './core.ts'
import type { CommitRequest } from './image-service-contract.ts'

export type CommitOptions = CommitRequest

/** sha256 of an empty tar (two zero blocks): moby records such a layer as an empty_layer. */
export const EMPTY_TAR_DIFF_ID = 'sha256:5f70bf18a086007016e948b04aed3b82103a36bea41755b6cddfaf10ace3c6ef'

/** Archives the upper directory as a layer tar: whiteouts as `.wh.` files, opaque directories
 *  as `.wh..wh..opq`, file capabilities kept. */
export function packUpperDir(upperDir: string, exclude: string[] = []): Readable {
  const skip = new Set(exclude.map((p) => p.replace(/^\/+/, '')))
  return packDirectory(upperDir, {
    whiteouts: 'aufs',
    xattrs: ['security.capability'],
    skip: (rel) => skip.has(rel),
  })
}

export async function commitRootfs(core: ImageCore, key: string, opts: CommitOptions): Promise<ImageView> {
  const ref = opts.reference ? parseDockerRef(opts.reference) : undefined
  if (ref?.digest !== undefined) throw new InvalidArgumentError('cannot commit to a digest reference')
  const parent = core.resolve(opts.imageId)
  const runConfig = applyChanges(opts.config, opts.changes ?? [])
  const { upperDir } = core.rootfs.get(key)
  const diffId = (await core.content.ingest(packUpperDir(upperDir, opts.exclude))).digest
  const empty = diffId === EMPTY_TAR_DIFF_ID
  const diffIds: Digest[] = [...parent.config.rootfs.diff_ids, ...(empty ? [] : [diffId])]
  try {
    if (!empty) await core.layers.ensure(diffIds, (d) => core.content.read(d))
  } catch (err) {
    await dropUnusedBlob(core, diffId)
    throw err
  }
  const created = new Date().toISOString()
  const history: HistoryEntry = {
    created,
    created_by: opts.createdBy,
    ...(opts.author ? { author: opts.author } : {}),
    ...(opts.comment ? { comment: opts.comment } : {}),
    ...(empty ? { empty_layer: true } : {}),
  }
  const p = parent.config
  const config: ImageConfig = {
    architecture: p.architecture,
    ...(p.variant ? { variant: p.variant } : {}),
    os: p.os,
    created,
    ...(opts.author ? { author: opts.author } : {}),
    ...(opts.comment ? { comment: opts.comment } : {}),
    config: runConfig,
    rootfs: { type: 'layers', diff_ids: diffIds },
    history: [...(p.history ?? []), history],
  }
  return core.lock.run(async () => {
    if (empty) await dropUnusedBlob(core, diffId, { locked: true })
    const img = await core.commitImage(Buffer.from(JSON.stringify(config)), { parent: parent.id })
    if (ref) await core.setTag(ref, img.id)
    return core.view(img)
  })
}

async function dropUnusedBlob(
  core: ImageCore,
  diffId: Digest,
  opts: { locked?: boolean } = {},
): Promise<void> {
  const drop = async () => {
    if (!core.store.all().some((i) => i.config.rootfs.diff_ids.includes(diffId)))
      await core.content.delete(diffId)
  }
  await (opts.locked ? drop() : core.lock.run(drop))
}
