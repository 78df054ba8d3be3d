// Catalog (/v2/_catalog, distribution's extension) and the /v2/ base check (spec end-1).
import type { RegistryRequest, Reply, Route } from '../http.ts'
import { paginate } from '../storage/pagination.ts'
import type { RegistryStorage } from '../storage/registry-storage.ts'
import { pageParams, pageReply } from './tags.ts'

export function catalogRoutes(storage: RegistryStorage): Route[] {
  return [
    { method: 'GET', kind: 'base', access: 'base', handler: async () => ({ status: 200, body: {} }) },
    { method: 'GET', kind: 'catalog', access: 'catalog', handler: (req) => catalogGet(storage, req) },
  ]
}

async function catalogGet(storage: RegistryStorage, req: RegistryRequest): Promise<Reply> {
  const page = paginate(await storage.repositories(), pageParams(req))
  return pageReply('/v2/_catalog', { repositories: page.items }, page.next, req)
}
