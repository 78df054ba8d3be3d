// Engine API POST /commit and GET /containers/{id}/changes: parse, call one CommitService
// method, encode.
import type { CommitService } from '../../container/index.ts'
import { InvalidArgumentError } from '../../lib/errors.ts'
import { toCommitOptions, toFilesystemChanges } from '../codec/commit.ts'
import * as query from '../query.ts'
import { type ApiReply, type ApiRequest, created, get, json, post, type Route } from '../router.ts'

export function commitRoutes(commits: CommitService): Route[] {
  return [
    post('/commit', (req) => imageCommit(commits, req)),
    get('/containers/:id/changes', (req) => containerChanges(commits, req)),
  ]
}

async function imageCommit(commits: CommitService, req: ApiRequest): Promise<ApiReply> {
  const container = query.str(req, 'container')
  if (!container) throw new InvalidArgumentError('No container name or ID supplied')
  const img = await commits.commit(container, toCommitOptions(req.query, await req.json()))
  return created({ Id: img.id })
}

async function containerChanges(commits: CommitService, req: ApiRequest): Promise<ApiReply> {
  return json(toFilesystemChanges(await commits.changes(req.params.id!)))
}
