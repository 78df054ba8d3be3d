// Docker's `rmi` semantics (moby daemon/images/image_delete.go): untag a named reference,
// delete the image when no reference is left, and refuse with Docker's conflict messages.
// Hard conflicts (running container, dependent child images) cannot be forced.
import { ConflictError } from '../lib/errors.ts'
import { shortId } from '../lib/ids.ts'
import {
  type Digest,
  familiarString,
  nameOf,
  parseNormalizedNamed,
  type Reference,
  refString,
} from '../oci/index.ts'
import type { ImageCore } from './core.ts'
import type { ImageDeleteItem } from './image-service-contract.ts'

interface Conflict {
  hard: boolean
  used: boolean
  message: string
}

function isIdPrefix(id: Digest, ref: string): boolean {
  return id.startsWith(ref) || id.slice(7).startsWith(ref)
}

async function untag(core: ImageCore, id: Digest, ref: Reference, records: ImageDeleteItem[]): Promise<void> {
  await core.store.setRefs([{ ref: refString(ref), id: undefined }])
  records.push({ Untagged: familiarString(ref) })
  core.publisher.publish('image', 'untag', id, { name: id })
}

function conflictOf(
  core: ImageCore,
  id: Digest,
  soft: boolean,
  opts: { ignoreRefs?: boolean } = {},
): Conflict | undefined {
  if (core.children(id).length > 0)
    return { hard: true, used: false, message: 'image has dependent child images' }
  const user = core.usageProbe(id)
  if (user?.running)
    return {
      hard: true,
      used: true,
      message: `image is being used by running container ${shortId(user.containerId)}`,
    }
  if (!soft) return undefined
  if (!opts.ignoreRefs && core.store.refsOf(id).length > 0)
    return { hard: false, used: false, message: 'image is referenced in multiple repositories' }
  if (user)
    return {
      hard: false,
      used: true,
      message: `image is being used by stopped container ${shortId(user.containerId)}`,
    }
  return undefined
}

async function deleteHelper(
  core: ImageCore,
  id: Digest,
  records: ImageDeleteItem[],
  opts: { force: boolean; prune: boolean; quiet: boolean },
): Promise<void> {
  const conflict = conflictOf(core, id, !opts.force)
  if (conflict) {
    // Quiet (parent pruning, or after untagging): only a dangling, unused image's conflict is reported.
    if (opts.quiet && (core.store.refsOf(id).length > 0 || conflict.used)) return
    const how = conflict.hard ? 'cannot be forced' : 'must be forced'
    throw new ConflictError(`conflict: unable to delete ${shortId(id)} (${how}) - ${conflict.message}`)
  }
  const parent = core.store.get(id)?.record.parent ?? ''
  for (const ref of core.store.refsOf(id)) await untag(core, id, ref, records)
  const { layers } = await core.deleteImage(id)
  records.push({ Deleted: id })
  for (const l of layers) records.push({ Deleted: l })
  if (opts.prune && parent !== '' && core.store.get(parent as Digest)) {
    await deleteHelper(core, parent as Digest, records, { force: false, prune: true, quiet: true })
  }
}

/** See ImageServiceContract.remove. Caller holds the lock. */
export async function removeImage(
  core: ImageCore,
  ref: string,
  opts: { force: boolean; noprune: boolean },
): Promise<ImageDeleteItem[]> {
  const img = core.resolve(ref)
  const id = img.id
  const records: ImageDeleteItem[] = []
  let repoRefs = core.store.refsOf(id)
  let quiet = false
  if (!isIdPrefix(id, ref)) {
    const user = core.usageProbe(id)
    if (user && repoRefs.length === 1 && !opts.force) {
      throw new ConflictError(
        `conflict: unable to remove repository reference "${ref}" (must force) - container ${shortId(user.containerId)} is using its referenced image ${shortId(id)}`,
      )
    }
    const named = parseNormalizedNamed(ref)
    const parsed: Reference = named.digest !== undefined ? named : { ...named, tag: named.tag ?? 'latest' }
    if (core.store.lookup(refString(parsed)) === id) await untag(core, id, parsed, records)
    repoRefs = core.store.refsOf(id)
    // With the last tag of a repository gone, its digest references go too.
    if (
      parsed.digest === undefined &&
      !repoRefs.some((r) => r.digest === undefined && nameOf(r) === nameOf(parsed))
    ) {
      for (const r of repoRefs.filter((r) => r.digest !== undefined && nameOf(r) === nameOf(parsed)))
        await untag(core, id, r, records)
      repoRefs = core.store.refsOf(id)
    }
    if (repoRefs.length > 0) return records
    quiet = true
  } else if (repoRefs.length > 0 && new Set(repoRefs.map(nameOf)).size === 1) {
    // By id with all references in one repository: untag them all, then delete. Conflicts
    // other than those references are checked first so a refusal leaves the tags alone.
    const conflict = conflictOf(core, id, !opts.force, { ignoreRefs: true })
    if (conflict) {
      const how = conflict.hard ? 'cannot be forced' : 'must be forced'
      throw new ConflictError(`conflict: unable to delete ${shortId(id)} (${how}) - ${conflict.message}`)
    }
    for (const r of repoRefs) await untag(core, id, r, records)
  }
  await deleteHelper(core, id, records, { force: opts.force, prune: !opts.noprune, quiet })
  return records
}
