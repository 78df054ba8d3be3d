// Tag list (spec end-8a/8b) with n/last pagination and an RFC 5988 Link header.
import { InvalidArgumentError } from '../../lib/errors.ts'
import type { RegistryRequest, Reply, Route } from '../http.ts'
import { nameOf } from '../http.ts'
import { paginate } from '../storage/pagination.ts'
import type { RegistryStorage } from '../storage/registry-storage.ts'

export function tagRoutes(storage: RegistryStorage): Route[] {
  return [{ method: 'GET', kind: 'tags', access: 'pull', handler: (req) => tagList(storage, req) }]
}

async function tagList(storage: RegistryStorage, req: RegistryRequest): Promise<Reply> {
  const name = nameOf(req)
  const page = paginate(await storage.tags.list(name), pageParams(req))
  return pageReply(`/v2/${name}/tags/list`, { name, tags: page.items }, page.next, req)
}

/** `n` and `last` from the query. @throws InvalidArgumentError for a malformed `n`. */
export function pageParams(req: RegistryRequest): { n?: number; last?: string } {
  const n = req.query.get('n')
  const last = req.query.get('last')
  if (n !== null && !/^\d+$/.test(n)) throw new InvalidArgumentError(`invalid n ${JSON.stringify(n)}`)
  return { ...(n !== null ? { n: Number(n) } : {}), ...(last !== null ? { last } : {}) }
}

export function pageReply(path: string, body: object, next: string | undefined, req: RegistryRequest): Reply {
  const headers: Record<string, string> = { 'Content-Type': 'application/json' }
  if (next !== undefined) {
    const q = new URLSearchParams({ n: req.query.get('n') ?? '', last: next })
    headers['Link'] = `<${path}?${q}>; rel="next"`
  }
  return { status: 200, headers, body }
}
