// Engine API network routes: parse, call one NetworkService / NetworkConnectService method,
// encode (codec/networks.ts).
import type { NetworkConnectService } from '../../container/index.ts'
import type { NetworkService } from '../../network/index.ts'
import { toEndpointRequest, toNetwork, toNetworkCreateSpec } from '../codec/networks.ts'
import * as query from '../query.ts'
import { type ApiReply, type ApiRequest, del, get, json, noContent, post, type Route } from '../router.ts'

export interface NetworkRouteDeps {
  networks: NetworkService
  connect: NetworkConnectService
}

export function networkRoutes(d: NetworkRouteDeps): Route[] {
  return [
    get('/networks', (req) => networkList(d, req)),
    post('/networks/create', (req) => networkCreate(d, req)),
    post('/networks/prune', (req) => networkPrune(d, req), { minVersion: '1.25' }),
    get('/networks/:id', (req) => networkInspect(d, req)),
    del('/networks/:id', (req) => networkDelete(d, req)),
    post('/networks/:id/connect', (req) => networkConnect(d, req)),
    post('/networks/:id/disconnect', (req) => networkDisconnect(d, req)),
  ]
}

async function networkList(d: NetworkRouteDeps, req: ApiRequest): Promise<ApiReply> {
  // dockerd lists networks without their containers (inspect has them).
  return json(d.networks.list(query.filters(req)).map((n) => toNetwork(n, { containers: false })))
}

async function networkInspect(d: NetworkRouteDeps, req: ApiRequest): Promise<ApiReply> {
  return json(toNetwork(d.networks.get(req.params.id!), { containers: true }))
}

async function networkCreate(d: NetworkRouteDeps, req: ApiRequest): Promise<ApiReply> {
  const res = await d.networks.create(toNetworkCreateSpec(await req.json()))
  return json({ Id: res.id, Warning: res.warning }, 201)
}

async function networkDelete(d: NetworkRouteDeps, req: ApiRequest): Promise<ApiReply> {
  await d.networks.remove(req.params.id!)
  return noContent()
}

async function networkPrune(d: NetworkRouteDeps, req: ApiRequest): Promise<ApiReply> {
  const names = await d.networks.prune(query.filters(req))
  return json({ NetworksDeleted: names.length > 0 ? names : null })
}

async function networkConnect(d: NetworkRouteDeps, req: ApiRequest): Promise<ApiReply> {
  const body = ((await req.json()) ?? {}) as Record<string, unknown>
  const ctr = typeof body.Container === 'string' ? body.Container : ''
  await d.connect.connect(req.params.id!, ctr, toEndpointRequest(body.EndpointConfig))
  return json(null, 200)
}

async function networkDisconnect(d: NetworkRouteDeps, req: ApiRequest): Promise<ApiReply> {
  const body = ((await req.json()) ?? {}) as Record<string, unknown>
  const ctr = typeof body.Container === 'string' ? body.Container : ''
  await d.connect.disconnect(req.params.id!, ctr, { force: body.Force === true })
  return noContent()
}
