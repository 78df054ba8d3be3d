// Engine API JSON for images (ImageSummary, ImageInspect, ImageHistoryResponseItem, delete
// and prune responses, JSON progress streams) from the image domain's types, plus the
// parsing of image query parameters into domain options. Pure functions, no I/O.
import {
  type AuthConfig,
  decodeRegistryAuth,
  type Image,
  type ImageDeleteItem,
  type ImageHistoryEntry,
  type ImportOptions,
  type ProgressMessage,
  toAuthConfig,
} from '../../image/index.ts'
import { InvalidArgumentError } from '../../lib/errors.ts'
import { compareVersions } from '../router.ts'

/** Storage details the image service may attach to an Image (Engine API GraphDriver). */
type WithGraphDriver = Image & { graphDriver?: { name: string; data: Record<string, string> } }

const ZERO_TIME = '0001-01-01T00:00:00Z'

function unixSeconds(rfc3339: string): number {
  const t = Date.parse(rfc3339)
  return Number.isNaN(t) ? 0 : Math.floor(t / 1000)
}

export function toImageSummary(img: Image, version: string): Record<string, unknown> {
  const out: Record<string, unknown> = {
    Containers: -1,
    Created: unixSeconds(img.created),
    Id: img.id,
    Labels: img.config.Labels ?? {},
    ParentId: img.parent,
    RepoDigests: img.repoDigests,
    RepoTags: img.repoTags,
    SharedSize: -1,
    Size: img.size,
  }
  // Engine API 1.44 dropped VirtualSize; older clients still read it.
  if (compareVersions(version, '1.44') < 0) out.VirtualSize = img.size
  return out
}

/** Engine API ImageConfig: Docker sends every field, zero-valued when unset; unset Env, Cmd,
 *  Entrypoint, Volumes, OnBuild and Labels are null as in dockerd, though the spec does not
 *  mark them x-nullable (clients expect dockerd's null; see test/support/conformance.ts). */
export function toImageConfig(c: Image['config']): Record<string, unknown> {
  return {
    Hostname: '',
    Domainname: '',
    User: c.User ?? '',
    AttachStdin: false,
    AttachStdout: false,
    AttachStderr: false,
    ...(c.ExposedPorts ? { ExposedPorts: c.ExposedPorts } : {}),
    Tty: false,
    OpenStdin: false,
    StdinOnce: false,
    Env: c.Env ?? null,
    Cmd: c.Cmd ?? null,
    ...(c.Healthcheck ? { Healthcheck: c.Healthcheck } : {}),
    ...(c.ArgsEscaped ? { ArgsEscaped: true } : {}),
    Image: '',
    Volumes: c.Volumes ?? null,
    WorkingDir: c.WorkingDir ?? '',
    Entrypoint: c.Entrypoint ?? null,
    OnBuild: c.OnBuild ?? null,
    Labels: c.Labels ?? null,
    ...(c.StopSignal ? { StopSignal: c.StopSignal } : {}),
    ...(c.Shell ? { Shell: c.Shell } : {}),
  }
}

/** `legacyContainerConfig`: send ContainerConfig at any version (for Compose v1, below). */
export function toImageInspect(
  img: WithGraphDriver,
  version: string,
  opts: { legacyContainerConfig?: boolean } = {},
): Record<string, unknown> {
  const out: Record<string, unknown> = {
    Id: img.id,
    RepoTags: img.repoTags,
    RepoDigests: img.repoDigests,
    Parent: img.parent,
    Comment: img.comment,
    Created: img.created || ZERO_TIME,
    DockerVersion: '',
    Author: img.author,
    Config: toImageConfig(img.config),
    Architecture: img.architecture,
    ...(img.variant ? { Variant: img.variant } : {}),
    Os: img.os,
    Size: img.size,
    GraphDriver: { Name: img.graphDriver?.name ?? 'overlay2', Data: img.graphDriver?.data ?? {} },
    RootFS: { Type: 'layers', Layers: img.rootfs.diffIds },
    Metadata: { LastTagTime: img.lastTagTime ?? ZERO_TIME },
  }
  if (compareVersions(version, '1.44') < 0) out.VirtualSize = img.size
  // Before 1.45 dockerd always sends ContainerConfig (zero-valued unless a commit recorded one;
  // berth keeps none). Compose v1 reads ContainerConfig.Volumes when it recreates a service and
  // fails with KeyError without it (as against Docker 25+): it gets the field at any version.
  if (compareVersions(version, '1.45') < 0 || opts.legacyContainerConfig)
    out.ContainerConfig = toImageConfig({})
  return out
}

export function toHistoryItems(
  rows: Array<ImageHistoryEntry & { id: string; size: number; tags: string[] }>,
): unknown[] {
  return rows.map((r) => ({
    Id: r.id,
    Created: r.created ? unixSeconds(r.created) : 0,
    CreatedBy: r.created_by ?? '',
    Tags: r.tags,
    Size: r.size,
    Comment: r.comment ?? '',
  }))
}

export function toDeleteItems(items: ImageDeleteItem[]): unknown[] {
  return items.map((i) => (i.Untagged !== undefined ? { Untagged: i.Untagged } : { Deleted: i.Deleted }))
}

/** `repo` and `tag` query parameters as one reference ("repo:tag"); undefined when repo is empty. */
export function repoTag(repo: string | undefined, tag: string | undefined): string | undefined {
  if (!repo) {
    if (tag) throw new InvalidArgumentError('tag given without a repository')
    return undefined
  }
  if (!tag) return repo
  // Engine API: `tag` may also be a digest; combining one with a repo uses "@".
  return tag.includes(':') ? `${repo}@${tag}` : `${repo}:${tag}`
}

/** POST /images/create?fromSrc=-: the import options. Engine API: the message defaults to
 *  "Imported from <src>". */
export function toImportOptions(q: URLSearchParams): ImportOptions {
  const src = q.get('fromSrc') ?? '-'
  return {
    reference: repoTag(q.get('repo') ?? undefined, q.get('tag') ?? undefined),
    changes: q.getAll('changes'),
    message: q.get('message') || `Imported from ${src}`,
    platform: q.get('platform') || undefined,
  }
}

/** One JSON progress message per line, as Docker's jsonmessage stream. */
export function progressLine(m: ProgressMessage): string {
  return `${JSON.stringify(m)}\r\n`
}

export function progressError(message: string): ProgressMessage {
  return { errorDetail: { message }, error: message }
}

/** The `X-Registry-Auth` header (base64url JSON AuthConfig); absent means anonymous. */
export function authOf(header: string | string[] | undefined): AuthConfig {
  return decodeRegistryAuth(Array.isArray(header) ? header[0] : header)
}

/** POST /auth body. @throws InvalidArgumentError. */
export function toLoginAuth(body: unknown): AuthConfig {
  return toAuthConfig(body)
}
