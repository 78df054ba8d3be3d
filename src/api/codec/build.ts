// Engine JSON ⇄ build domain: POST /build query and headers → BuildOptions (legacy builder
// parameters of API v1.47), POST /build/prune query → prune options, and the in-stream error
// message. Resource limits (memory, cpu…) are validated and accepted: the legacy builder applies
// them to RUN containers, which berth's builder does not do (see buildLimitsOf).
import type { BuildMessage, BuildOptions } from '../../build/build-service-contract.ts'
import { InvalidArgumentError } from '../../lib/errors.ts'
import { parseFilters } from '../query.ts'

type Query = URLSearchParams
type Headers = Record<string, string | string[] | undefined>
type RegistryAuth = NonNullable<BuildOptions['registryAuth']>

const FALSE = ['0', 'false', 'False', 'FALSE', 'no']

function bool(q: Query, name: string, dflt: boolean): boolean {
  const v = q.get(name)
  if (v === null || v === '') return dflt
  return !FALSE.includes(v)
}

function int(q: Query, name: string): number | undefined {
  const v = q.get(name)
  if (v === null || v === '') return undefined
  const n = Number(v)
  if (!Number.isInteger(n)) throw new InvalidArgumentError(`invalid value for ${name}: ${v}`)
  return n
}

function nonEmpty(q: Query, name: string): string | undefined {
  const v = q.get(name)
  return v === null || v === '' ? undefined : v
}

/** A JSON map query parameter (buildargs, labels); Docker answers a bad one with this wording. */
function jsonMap<T>(q: Query, name: string, ok: (v: unknown) => boolean, what: string): Record<string, T> {
  const raw = q.get(name)
  if (raw === null || raw === '') return {}
  let parsed: unknown
  try {
    parsed = JSON.parse(raw)
  } catch (err) {
    throw new InvalidArgumentError(`error reading ${what}: ${(err as Error).message}`, { cause: err })
  }
  if (parsed === null) return {}
  if (typeof parsed !== 'object' || Array.isArray(parsed) || !Object.values(parsed).every(ok))
    throw new InvalidArgumentError(`error reading ${what}: expected a JSON map of strings`)
  return parsed as Record<string, T>
}

/** The builder version: "1" (legacy) is the only one berth speaks. */
function checkVersion(q: Query): void {
  const v = q.get('version')
  if (v === null || v === '' || v === '1') return
  if (v === '2') throw new InvalidArgumentError('buildkit not supported by daemon')
  throw new InvalidArgumentError(`invalid version "${v}"`)
}

/** `outputs` is a BuildKit feature; the legacy builder only produces an image. */
function checkOutputs(q: Query): void {
  const raw = q.get('outputs')
  if (raw === null || raw === '' || raw === '[]' || raw === 'null') return
  let parsed: unknown
  try {
    parsed = JSON.parse(raw)
  } catch (err) {
    throw new InvalidArgumentError(`invalid outputs: ${raw}`, { cause: err })
  }
  const list = Array.isArray(parsed) ? parsed : [parsed]
  const onlyImage = list.every(
    (o) =>
      typeof o === 'object' &&
      o !== null &&
      ['image', 'moby'].includes(String((o as { Type?: unknown }).Type)),
  )
  if (!onlyImage) throw new InvalidArgumentError('outputs are not supported by the legacy builder')
}

/** Resource limits the legacy builder passes to RUN containers; validated, then accepted. */
export function buildLimitsOf(q: Query): Record<string, number | string | undefined> {
  return {
    memory: int(q, 'memory'),
    memswap: int(q, 'memswap'),
    cpushares: int(q, 'cpushares'),
    cpuperiod: int(q, 'cpuperiod'),
    cpuquota: int(q, 'cpuquota'),
    shmsize: int(q, 'shmsize'),
    cpusetcpus: nonEmpty(q, 'cpusetcpus'),
  }
}

/** Parameters dockerd validates although they change nothing here: `cachefrom` (a JSON list
 *  of images; berth's cache is local only), `ulimits` (JSON), `squash` (experimental daemons
 *  only) and `isolation` (only "default" on Linux). */
function checkLegacyOnly(q: Query): void {
  for (const name of ['cachefrom', 'ulimits']) {
    const raw = q.get(name)
    if (raw === null || raw === '') continue
    let parsed: unknown
    try {
      parsed = JSON.parse(raw)
    } catch (err) {
      throw new InvalidArgumentError(`invalid ${name}: ${(err as Error).message}`, { cause: err })
    }
    if (parsed !== null && !Array.isArray(parsed))
      throw new InvalidArgumentError(`invalid ${name}: expected a JSON list`)
  }
  if (bool(q, 'squash', false))
    throw new InvalidArgumentError('squash is only supported with experimental mode')
  const isolation = nonEmpty(q, 'isolation')
  if (isolation && isolation !== 'default')
    throw new InvalidArgumentError(`Unsupported isolation: "${isolation}"`)
}

/** X-Registry-Config: base64 (std or URL alphabet) JSON map registry → AuthConfig. */
export function registryConfigOf(header: string | string[] | undefined): RegistryAuth | undefined {
  const raw = Array.isArray(header) ? header[0] : header
  if (!raw) return undefined
  let parsed: unknown
  try {
    parsed = JSON.parse(Buffer.from(raw.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('utf8'))
  } catch (err) {
    throw new InvalidArgumentError('invalid X-Registry-Config header', { cause: err })
  }
  if (parsed === null) return undefined
  if (typeof parsed !== 'object' || Array.isArray(parsed))
    throw new InvalidArgumentError('invalid X-Registry-Config header: expected a JSON map')
  const out: RegistryAuth = {}
  for (const [registry, v] of Object.entries(parsed)) {
    if (typeof v !== 'object' || v === null) continue
    const a = v as Record<string, unknown>
    const s = (k: string) => (typeof a[k] === 'string' && a[k] !== '' ? (a[k] as string) : undefined)
    out[registry] = {
      username: s('username'),
      password: s('password'),
      auth: s('auth'),
      identitytoken: s('identitytoken'),
    }
  }
  return out
}

/** POST /build query and headers → BuildOptions. @throws InvalidArgumentError. */
export function toBuildOptions(q: Query, headers: Headers): BuildOptions {
  checkVersion(q)
  const remote = nonEmpty(q, 'remote')
  if (remote)
    throw new InvalidArgumentError(
      `remote build contexts are not supported by berth (remote=${remote}): send the context as the request body`,
    )
  checkOutputs(q)
  const type = headers['content-type']
  const contentType = (Array.isArray(type) ? type[0] : type) ?? ''
  if (contentType !== '' && !/^application\/(x-tar|tar|octet-stream|x-gzip|gzip)\b/.test(contentType))
    throw new InvalidArgumentError(`Content-Type ${contentType} is not supported for a build context`)
  buildLimitsOf(q)
  checkLegacyOnly(q)
  const tags = q.getAll('t').filter((t) => t !== '')
  return {
    dockerfile: nonEmpty(q, 'dockerfile') ?? 'Dockerfile',
    tags,
    buildArgs: jsonMap<string | null>(
      q,
      'buildargs',
      (v) => v === null || typeof v === 'string',
      'build args',
    ),
    target: nonEmpty(q, 'target'),
    noCache: bool(q, 'nocache', false),
    pull: bool(q, 'pull', false),
    rm: bool(q, 'rm', true),
    forceRm: bool(q, 'forcerm', false),
    labels: jsonMap<string>(q, 'labels', (v) => typeof v === 'string', 'labels'),
    networkMode: nonEmpty(q, 'networkmode'),
    platform: nonEmpty(q, 'platform'),
    quiet: bool(q, 'q', false),
    extraHosts: extraHostsOf(q),
    registryAuth: registryConfigOf(headers['x-registry-config']),
  }
}

/** `extrahosts` as the docker CLI sends it: repeated, or comma-separated in one value. */
function extraHostsOf(q: Query): string[] {
  const out = q
    .getAll('extrahosts')
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter((v) => v !== '')
  for (const h of out)
    if (!/^[^:=\s]+[:=]\S+$/.test(h)) throw new InvalidArgumentError(`invalid IP address in add-host: "${h}"`)
  return out
}

export interface BuildPruneOptions {
  all: boolean
  filters: Record<string, string[]>
  keepStorage?: number
}

/** POST /build/prune query. `reserved-space` is the v1.48 name of `keep-storage`. The BuildKit
 *  garbage-collection knobs max-used-space and min-free-space have no legacy equivalent. */
export function toBuildPruneOptions(q: Query): BuildPruneOptions {
  const keepStorage = int(q, 'reserved-space') ?? int(q, 'keep-storage')
  for (const name of ['max-used-space', 'min-free-space']) {
    if ((int(q, name) ?? 0) !== 0) throw new InvalidArgumentError(`${name} is not supported by this daemon`)
  }
  if (keepStorage !== undefined && keepStorage < 0)
    throw new InvalidArgumentError(`invalid value for keep-storage: ${keepStorage}`)
  return {
    all: bool(q, 'all', false),
    filters: parseFilters(q.get('filters')),
    keepStorage: keepStorage || undefined,
  }
}

/** Engine BuildPruneResponse: CachesDeleted is null when nothing went (as dockerd encodes it). */
export function toBuildPruneResponse(r: { CachesDeleted: string[]; SpaceReclaimed: number }): {
  CachesDeleted: string[] | null
  SpaceReclaimed: number
} {
  return {
    CachesDeleted: r.CachesDeleted.length > 0 ? r.CachesDeleted : null,
    SpaceReclaimed: r.SpaceReclaimed,
  }
}

/** The message that ends a failed build's stream. */
export function buildErrorMessage(message: string, code?: number): BuildMessage {
  return { errorDetail: code === undefined ? { message } : { code, message }, error: message }
}
