// Engine API volume routes: parse, call one VolumeService method, encode.
import type { VolumeService } from '../../volume/index.ts'
import { toApiVolume, toVolumeCreateOptions, toVolumePruneResponse } from '../codec/volumes.ts'
import * as query from '../query.ts'
import {
  type ApiReply,
  type ApiRequest,
  compareVersions,
  del,
  get,
  json,
  noContent,
  post,
  type Route,
} from '../router.ts'

export function volumeRoutes(volumes: VolumeService): Route[] {
  return [
    get('/volumes', (req) => volumeList(volumes, req)),
    post('/volumes/create', (req) => volumeCreate(volumes, req)),
    post('/volumes/prune', (req) => volumePrune(volumes, req), { minVersion: '1.25' }),
    get('/volumes/:name', (req) => volumeInspect(volumes, req)),
    del('/volumes/:name', (req) => volumeDelete(volumes, req)),
  ]
}

async function volumeList(volumes: VolumeService, req: ApiRequest): Promise<ApiReply> {
  const list = volumes.list({ filters: query.filters(req) })
  // dockerd sends Warnings as null when there are none (a Go nil slice).
  return json({ Volumes: list.map((v) => toApiVolume(v)), Warnings: null })
}

async function volumeCreate(volumes: VolumeService, req: ApiRequest): Promise<ApiReply> {
  const v = await volumes.create(toVolumeCreateOptions(await req.json()))
  return json(toApiVolume(v), 201)
}

async function volumeInspect(volumes: VolumeService, req: ApiRequest): Promise<ApiReply> {
  return json(toApiVolume(volumes.get(req.params.name!)))
}

async function volumeDelete(volumes: VolumeService, req: ApiRequest): Promise<ApiReply> {
  await volumes.remove(req.params.name!, { force: query.bool(req, 'force') })
  return noContent()
}

async function volumePrune(volumes: VolumeService, req: ApiRequest): Promise<ApiReply> {
  const filters = query.filters(req)
  // Engine API < 1.42 pruned every unused volume; since then only anonymous ones unless all=true.
  if (compareVersions(req.version, '1.42') < 0 && !filters.all) filters.all = ['true']
  return json(toVolumePruneResponse(await volumes.prune({ filters })))
}
