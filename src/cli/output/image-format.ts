// docker's ImageContext for `images --format`: one row per repository:tag (and per digest with
// --digests), dangling images as <none>:<none>, fields .ID .Repository .Tag .Digest .CreatedSince …
import type { ImageSummary } from '../../api/types/index.ts'
import { familiarName, parseNormalizedNamed } from '../../oci/index.ts'
import { truncateId } from './container-format.ts'
import { goTimeString, humanSince, humanSize } from './units.ts'

export const DEFAULT_IMAGE_TABLE = 'table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}'
export const DEFAULT_IMAGE_TABLE_DIGEST =
  'table {{.Repository}}\t{{.Tag}}\t{{.Digest}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}'

export const IMAGE_HEADERS: Record<string, string> = {
  ID: 'IMAGE ID',
  Repository: 'REPOSITORY',
  Tag: 'TAG',
  Digest: 'DIGEST',
  CreatedSince: 'CREATED',
  CreatedAt: 'CREATED AT',
  Size: 'SIZE',
  Containers: 'CONTAINERS',
  VirtualSize: 'VIRTUAL SIZE',
  SharedSize: 'SHARED SIZE',
  UniqueSize: 'UNIQUE SIZE',
}

export class ImageContext {
  readonly goType = '*formatter.imageContext'
  readonly #i: ImageSummary
  readonly #repo: string
  readonly #tag: string
  readonly #digest: string
  readonly #trunc: boolean
  readonly #now: Date

  constructor(
    i: ImageSummary,
    row: { repo: string; tag: string; digest: string },
    opts: { trunc: boolean; now: Date },
  ) {
    this.#i = i
    this.#repo = row.repo
    this.#tag = row.tag
    this.#digest = row.digest
    this.#trunc = opts.trunc
    this.#now = opts.now
  }

  ID(): string {
    return this.#trunc ? truncateId(this.#i.Id) : this.#i.Id
  }
  Repository(): string {
    return this.#repo
  }
  Tag(): string {
    return this.#tag
  }
  Digest(): string {
    return this.#digest
  }
  CreatedSince(): string {
    return this.#i.Created <= 0 ? 'N/A' : humanSince(this.#i.Created, this.#now)
  }
  CreatedAt(): string {
    return goTimeString(new Date(this.#i.Created * 1000))
  }
  Size(): string {
    return humanSize(this.#i.Size)
  }
  VirtualSize(): string {
    return humanSize(this.#i.VirtualSize ?? this.#i.Size, 4)
  }
  SharedSize(): string {
    return this.#i.SharedSize === -1 ? 'N/A' : humanSize(this.#i.SharedSize)
  }
  UniqueSize(): string {
    return this.#i.SharedSize === -1 ? 'N/A' : humanSize(this.#i.Size - this.#i.SharedSize)
  }
  Containers(): string {
    return this.#i.Containers === -1 ? 'N/A' : String(this.#i.Containers)
  }
  toJSON(): Record<string, string> {
    const keys = [
      'Containers',
      'CreatedAt',
      'CreatedSince',
      'Digest',
      'ID',
      'Repository',
      'SharedSize',
      'Size',
      'Tag',
      'UniqueSize',
      'VirtualSize',
    ]
    return Object.fromEntries(
      keys.map((k) => [k, (this as unknown as Record<string, () => string>)[k]?.call(this) ?? '']),
    )
  }
}

function isDangling(img: ImageSummary): boolean {
  const tags = img.RepoTags ?? []
  const digests = img.RepoDigests ?? []
  if (tags.length === 0 && digests.length === 0) return true
  return (
    tags.length === 1 && tags[0] === '<none>:<none>' && digests.length === 1 && digests[0] === '<none>@<none>'
  )
}

/** The rows docker prints for one image (imageFormatTaggedAndDigest). */
export function imageRows(
  img: ImageSummary,
  showDigests: boolean,
): { repo: string; tag: string; digest: string }[] {
  if (isDangling(img)) return [{ repo: '<none>', tag: '<none>', digest: '<none>' }]
  const repoTags = new Map<string, string[]>()
  const repoDigests = new Map<string, string[]>()
  for (const s of img.RepoTags ?? []) {
    try {
      const ref = parseNormalizedNamed(s)
      if (ref.tag !== undefined && ref.digest === undefined) {
        const name = familiarName(ref)
        repoTags.set(name, [...(repoTags.get(name) ?? []), ref.tag])
      }
    } catch {
      // docker skips unparsable references
    }
  }
  for (const s of img.RepoDigests ?? []) {
    try {
      const ref = parseNormalizedNamed(s)
      if (ref.digest !== undefined) {
        const name = familiarName(ref)
        repoDigests.set(name, [...(repoDigests.get(name) ?? []), ref.digest])
      }
    } catch {
      // docker skips unparsable references
    }
  }
  const rows: { repo: string; tag: string; digest: string }[] = []
  for (const [repo, tags] of repoTags) {
    const digests = showDigests ? (repoDigests.get(repo) ?? []) : []
    repoDigests.delete(repo)
    for (const tag of tags) {
      if (digests.length === 0) rows.push({ repo, tag, digest: '<none>' })
      else for (const digest of digests) rows.push({ repo, tag, digest })
    }
  }
  for (const [repo, digests] of repoDigests) {
    if (showDigests) for (const digest of digests) rows.push({ repo, tag: '<none>', digest })
    else rows.push({ repo, tag: '<none>', digest: '' })
  }
  return rows
}
