// Engine API POST /commit and GET /containers/{id}/changes ⇄ domain types: the query and the
// optional ContainerConfig body become ContainerCommitOptions; changes become FilesystemChange.
import type { ContainerCommitOptions } from '../../container/index.ts'
import type { ImageRunConfig, RootfsChange } from '../../image/index.ts'
import { InvalidArgumentError } from '../../lib/errors.ts'
import type { FilesystemChange } from '../types/index.ts'
import { repoTag } from './images.ts'

const STRINGS = ['User', 'WorkingDir', 'StopSignal'] as const
const STRING_LISTS = ['Env', 'Cmd', 'Entrypoint', 'Shell', 'OnBuild'] as const
const MAPS = ['ExposedPorts', 'Volumes', 'Labels'] as const

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

/** The body's run config; undefined for no body or `null` (the docker CLI sends "null").
 *  @throws InvalidArgumentError naming the bad field. */
export function toCommitConfig(body: unknown): ImageRunConfig | undefined {
  if (body === undefined || body === null) return undefined
  if (!isObject(body)) throw new InvalidArgumentError('commit: the body must be a ContainerConfig object')
  const out: Record<string, unknown> = {}
  for (const k of STRINGS) {
    const v = body[k]
    if (v === undefined || v === null) continue
    if (typeof v !== 'string') throw new InvalidArgumentError(`commit: ${k} must be a string`)
    out[k] = v
  }
  for (const k of STRING_LISTS) {
    const v = body[k]
    if (v === undefined || v === null) continue
    if (!Array.isArray(v) || !v.every((x) => typeof x === 'string'))
      throw new InvalidArgumentError(`commit: ${k} must be an array of strings`)
    out[k] = v
  }
  for (const k of MAPS) {
    const v = body[k]
    if (v === undefined || v === null) continue
    if (!isObject(v)) throw new InvalidArgumentError(`commit: ${k} must be an object`)
    out[k] = k === 'Labels' ? Object.fromEntries(Object.entries(v).map(([a, b]) => [a, String(b)])) : v
  }
  if (isObject(body.Healthcheck)) out.Healthcheck = body.Healthcheck
  if (typeof body.ArgsEscaped === 'boolean') out.ArgsEscaped = body.ArgsEscaped
  return out as ImageRunConfig
}

/** POST /commit query: container, repo, tag, comment, author, pause (default true), changes. */
export function toCommitOptions(q: URLSearchParams, body: unknown): ContainerCommitOptions {
  const pause = q.get('pause')
  return {
    reference: repoTag(q.get('repo') || undefined, q.get('tag') || undefined),
    comment: q.get('comment') || undefined,
    author: q.get('author') || undefined,
    pause: pause === null || pause === '' ? true : !['0', 'false', 'False', 'FALSE', 'no'].includes(pause),
    changes: q.getAll('changes'),
    config: toCommitConfig(body),
  }
}

export function toFilesystemChanges(changes: RootfsChange[]): FilesystemChange[] {
  return changes.map((c) => ({ Path: c.path, Kind: c.kind }))
}
