// Engine API distribution route: GET /distribution/{name}/json (docker's DistributionInspect,
// used by `docker service create`, buildx and compose to resolve a reference without pulling).
import type { AuthConfig } from '../../image/index.ts'
import { type DistributionInspectResult, toDistributionInspect } from '../codec/distribution.ts'
import { authOf } from '../codec/images.ts'
import { type ApiReply, type ApiRequest, get, json, type Route } from '../router.ts'

/** What the route needs from the image domain. */
export interface DistributionInspector {
  /** @throws InvalidArgumentError, NotFoundError, ForbiddenError, UnavailableError. */
  distributionInspect(
    name: string,
    opts: { auth?: AuthConfig; signal?: AbortSignal },
  ): Promise<DistributionInspectResult>
}

export function distributionRoutes(images: DistributionInspector): Route[] {
  return [get('/distribution/:name*/json', (req) => distributionInspect(images, req), { minVersion: '1.30' })]
}

async function distributionInspect(images: DistributionInspector, req: ApiRequest): Promise<ApiReply> {
  const result = await images.distributionInspect(req.params.name!, {
    auth: authOf(req.headers['x-registry-auth']),
    signal: req.signal,
  })
  return json(toDistributionInspect(result))
}
