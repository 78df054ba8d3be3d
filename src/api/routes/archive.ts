// Engine API container archive routes (HEAD/GET/PUT /containers/{id}/archive, GET export):
// parse, call one ArchiveService method, encode the path stat header.
import type { ArchiveService, PathStat } from '../../container/index.ts'
import { InvalidArgumentError } from '../../lib/errors.ts'
import * as query from '../query.ts'
import { type ApiReply, type ApiRequest, get, head, put, type Route } from '../router.ts'

const STAT_HEADER = 'X-Docker-Container-Path-Stat'

export function archiveRoutes(archive: ArchiveService): Route[] {
  return [
    head('/containers/:id/archive', (req) => containerArchiveInfo(archive, req)),
    get('/containers/:id/archive', (req) => containerArchive(archive, req)),
    put('/containers/:id/archive', (req) => putContainerArchive(archive, req)),
    get('/containers/:id/export', (req) => containerExport(archive, req)),
  ]
}

function pathOf(req: ApiRequest): string {
  const path = query.str(req, 'path')
  if (!path) throw new InvalidArgumentError('bad parameter: path cannot be empty')
  return path
}

function statHeader(stat: PathStat): Record<string, string> {
  return { [STAT_HEADER]: Buffer.from(JSON.stringify(stat)).toString('base64') }
}

async function containerArchiveInfo(archive: ArchiveService, req: ApiRequest): Promise<ApiReply> {
  const stat = await archive.stat(req.params.id!, pathOf(req))
  return { kind: 'empty', status: 200, headers: statHeader(stat) }
}

async function containerArchive(archive: ArchiveService, req: ApiRequest): Promise<ApiReply> {
  const { stat, tar } = await archive.get(req.params.id!, pathOf(req))
  return {
    kind: 'stream',
    status: 200,
    contentType: 'application/x-tar',
    body: tar,
    headers: statHeader(stat),
  }
}

async function putContainerArchive(archive: ArchiveService, req: ApiRequest): Promise<ApiReply> {
  await archive.put(req.params.id!, pathOf(req), req.body, {
    noOverwriteDirNonDir: query.bool(req, 'noOverwriteDirNonDir'),
    copyUIDGID: query.bool(req, 'copyUIDGID'),
  })
  return { kind: 'empty', status: 200 }
}

async function containerExport(archive: ArchiveService, req: ApiRequest): Promise<ApiReply> {
  const tar = await archive.export(req.params.id!)
  return { kind: 'stream', status: 200, contentType: 'application/octet-stream', body: tar }
}
