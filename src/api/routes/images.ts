// Engine API image routes: parse, call one ImageServiceContract method, encode.
// Order matters: fixed paths (/images/json, /images/get …) come before `:name*` patterns.
import { Readable } from 'node:stream'
import type { ImageServiceContract, ProgressMessage } from '../../image/index.ts'
import { InvalidArgumentError, messageOf } from '../../lib/errors.ts'
import {
  authOf,
  progressError,
  progressLine,
  repoTag,
  toDeleteItems,
  toHistoryItems,
  toImageInspect,
  toImageSummary,
  toImportOptions,
} from '../codec/images.ts'
import * as query from '../query.ts'
import { type ApiReply, type ApiRequest, del, get, json, post, type Route } from '../router.ts'

export function imageRoutes(images: ImageServiceContract): Route[] {
  return [
    get('/images/json', (req) => imageList(images, req)),
    post('/images/create', (req) => imageCreate(images, req)),
    post('/images/load', (req) => imageLoad(images, req)),
    get('/images/get', (req) => imageGetAll(images, req)),
    post('/images/prune', (req) => imagePrune(images, req), { minVersion: '1.25' }),
    get('/images/:name*/json', (req) => imageInspect(images, req)),
    get('/images/:name*/history', (req) => imageHistory(images, req)),
    get('/images/:name*/get', (req) => imageGet(images, req)),
    post('/images/:name*/tag', (req) => imageTag(images, req)),
    post('/images/:name*/push', (req) => imagePush(images, req)),
    del('/images/:name*', (req) => imageDelete(images, req)),
  ]
}

const JSON_STREAM = 'application/json'

function tarReply(body: Readable): ApiReply {
  return { kind: 'stream', status: 200, contentType: 'application/x-tar', body }
}

async function imageList(images: ImageServiceContract, req: ApiRequest): Promise<ApiReply> {
  const list = await images.list({ all: query.bool(req, 'all'), filters: query.filters(req) })
  return json(list.map((i) => toImageSummary(i, req.version)))
}

async function imageInspect(images: ImageServiceContract, req: ApiRequest): Promise<ApiReply> {
  // Compose v1 (Debian 12's docker-compose) says so in its User-Agent: "docker-compose/1.29.2 …".
  const composeV1 = /^docker-compose\/1\./.test(String(req.headers['user-agent'] ?? ''))
  return json(
    toImageInspect(await images.resolve(req.params.name!), req.version, { legacyContainerConfig: composeV1 }),
  )
}

async function imageHistory(images: ImageServiceContract, req: ApiRequest): Promise<ApiReply> {
  return json(toHistoryItems(await images.history(req.params.name!)))
}

async function imageTag(images: ImageServiceContract, req: ApiRequest): Promise<ApiReply> {
  const target = repoTag(query.str(req, 'repo'), query.str(req, 'tag'))
  if (!target) throw new InvalidArgumentError('repository name must have at least one component')
  await images.tag(req.params.name!, target)
  return { kind: 'empty', status: 201 }
}

async function imageDelete(images: ImageServiceContract, req: ApiRequest): Promise<ApiReply> {
  const items = await images.remove(req.params.name!, {
    force: query.bool(req, 'force'),
    noprune: query.bool(req, 'noprune'),
  })
  return json(toDeleteItems(items))
}

async function imageCreate(images: ImageServiceContract, req: ApiRequest): Promise<ApiReply> {
  const fromImage = query.str(req, 'fromImage')
  if (fromImage) return imagePull(images, req, fromImage)
  const src = query.str(req, 'fromSrc')
  if (src !== '-')
    throw new InvalidArgumentError(
      src ? `importing from ${src} is not supported: use fromSrc=-` : 'fromImage or fromSrc is required',
    )
  const img = await images.importRootfs(req.body, toImportOptions(req.query))
  return {
    kind: 'stream',
    status: 200,
    contentType: JSON_STREAM,
    body: Readable.from([progressLine({ status: img.id })]),
  }
}

/** POST /images/create?fromImage=: the pull runs until its first message before replying, so
 *  a missing tag or a refused login is an error status (as dockerd answers), not a stream. */
async function imagePull(
  images: ImageServiceContract,
  req: ApiRequest,
  fromImage: string,
): Promise<ApiReply> {
  const ref = repoTag(fromImage.replace(/:$/, ''), query.str(req, 'tag'))!
  const pull = images.pull(ref, {
    auth: authOf(req.headers['x-registry-auth']),
    platform: query.str(req, 'platform') || undefined,
    signal: req.signal,
  })
  return startProgress(pull)
}

async function imagePush(images: ImageServiceContract, req: ApiRequest): Promise<ApiReply> {
  const push = images.push(req.params.name!, {
    tag: query.str(req, 'tag') || undefined,
    auth: authOf(req.headers['x-registry-auth']),
    signal: req.signal,
  })
  return startProgress(push)
}

async function startProgress(messages: AsyncIterable<ProgressMessage>): Promise<ApiReply> {
  const it = messages[Symbol.asyncIterator]()
  const first = await it.next()
  return { kind: 'stream', status: 200, contentType: JSON_STREAM, body: progressStream(first, it) }
}

async function imageLoad(images: ImageServiceContract, req: ApiRequest): Promise<ApiReply> {
  const it = images.load(req.body, { quiet: query.bool(req, 'quiet') })[Symbol.asyncIterator]()
  // The first step runs before replying, so a bad archive gets a proper error status.
  const first = await it.next()
  return { kind: 'stream', status: 200, contentType: JSON_STREAM, body: progressStream(first, it) }
}

async function* progressStream(
  first: IteratorResult<ProgressMessage>,
  rest: AsyncIterator<ProgressMessage>,
): AsyncGenerator<string> {
  if (first.done) return
  yield progressLine(first.value)
  try {
    for (let r = await rest.next(); !r.done; r = await rest.next()) yield progressLine(r.value)
  } catch (err) {
    yield progressLine(progressError(messageOf(err)))
  }
}

async function imageGet(images: ImageServiceContract, req: ApiRequest): Promise<ApiReply> {
  return tarReply(await images.save([req.params.name!]))
}

async function imageGetAll(images: ImageServiceContract, req: ApiRequest): Promise<ApiReply> {
  const names = req.query.getAll('names')
  if (names.length === 0) throw new InvalidArgumentError('names is required')
  return tarReply(await images.save(names))
}

async function imagePrune(images: ImageServiceContract, req: ApiRequest): Promise<ApiReply> {
  const res = await images.prune({ all: false, filters: query.filters(req) })
  return json({ ImagesDeleted: toDeleteItems(res.ImagesDeleted), SpaceReclaimed: res.SpaceReclaimed })
}
