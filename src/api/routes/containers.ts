// Engine API container routes: parse, call one service method, encode.

import type { ContainerIoService, ContainerService, LogEntry } from '../../container/index.ts'
import type { ImageServiceContract } from '../../image/image-service-contract.ts'
import { DEFAULT_DETACH_KEYS, DetachScanner, parseDetachKeys } from '../../lib/detach-keys.ts'
import { InvalidArgumentError } from '../../lib/errors.ts'
import { statusText, toCreateSpec, toInspect, toSummary } from '../codec/containers.ts'
import { toStatsJson } from '../codec/stats.ts'
import { toUpdateRequest } from '../codec/update.ts'
import { bool, filters, int, str } from '../query.ts'
import { type ApiReply, type ApiRequest, del, get, json, noContent, post, type Route } from '../router.ts'
import { MULTIPLEXED, RAW_STREAM } from '../stream/multiplex.ts'

export interface ContainerRouteDeps {
  containers: ContainerService
  io: ContainerIoService
  images: ImageServiceContract
}

export function containerRoutes(d: ContainerRouteDeps): Route[] {
  return [
    post('/containers/create', (req) => containerCreate(d, req)),
    get('/containers/json', (req) => containerList(d, req)),
    post('/containers/prune', (req) => containerPrune(d, req), { minVersion: '1.25' }),
    get('/containers/:id/json', (req) => containerInspect(d, req)),
    get('/containers/:id/top', (req) => containerTop(d, req)),
    get('/containers/:id/logs', (req) => containerLogs(d, req)),
    get('/containers/:id/stats', (req) => containerStats(d, req)),
    post('/containers/:id/start', async (req) => {
      await d.containers.start(req.params.id!)
      return noContent()
    }),
    post('/containers/:id/stop', async (req) => {
      await d.containers.stop(req.params.id!, { signal: str(req, 'signal'), timeout: int(req, 't') })
      return noContent()
    }),
    post('/containers/:id/restart', async (req) => {
      await d.containers.restart(req.params.id!, { signal: str(req, 'signal'), timeout: int(req, 't') })
      return noContent()
    }),
    post('/containers/:id/kill', async (req) => {
      await d.containers.kill(req.params.id!, str(req, 'signal') || 'SIGKILL')
      return noContent()
    }),
    post('/containers/:id/pause', async (req) => {
      await d.containers.pause(req.params.id!)
      return noContent()
    }),
    post('/containers/:id/unpause', async (req) => {
      await d.containers.unpause(req.params.id!)
      return noContent()
    }),
    post('/containers/:id/update', async (req) => {
      const { warnings } = await d.containers.update(req.params.id!, toUpdateRequest(await req.json()))
      return json({ Warnings: warnings })
    }),
    post('/containers/:id/rename', async (req) => {
      await d.containers.rename(req.params.id!, str(req, 'name') ?? '')
      return noContent()
    }),
    post('/containers/:id/wait', (req) => containerWait(d, req)),
    post('/containers/:id/attach', (req) => containerAttach(d, req)),
    post('/containers/:id/resize', async (req) => {
      await d.io.resize(req.params.id!, { height: int(req, 'h') ?? 0, width: int(req, 'w') ?? 0 })
      return { kind: 'empty', status: 200 }
    }),
    del('/containers/:id', async (req) => {
      await d.containers.remove(req.params.id!, { force: bool(req, 'force'), volumes: bool(req, 'v') })
      return noContent()
    }),
  ]
}

async function containerCreate(d: ContainerRouteDeps, req: ApiRequest): Promise<ApiReply> {
  const spec = toCreateSpec(await req.json(), str(req, 'name') || undefined)
  const { id, warnings } = await d.containers.create(spec)
  return json({ Id: id, Warnings: warnings }, 201)
}

async function containerList(d: ContainerRouteDeps, req: ApiRequest): Promise<ApiReply> {
  const f = filters(req)
  const ancestors = new Map<string, string>()
  for (const ref of f.ancestor ?? []) {
    const image = await d.images.resolve(ref).catch(() => undefined)
    if (image) ancestors.set(ref, image.id)
  }
  const list = d.containers.list({
    all: bool(req, 'all'),
    limit: int(req, 'limit'),
    filters: f,
    imageIdOf: (ref) => ancestors.get(ref),
  })
  const now = Date.now()
  const withSize = bool(req, 'size')
  const out = []
  for (const rec of list) {
    const size = withSize ? await sizeOf(d, rec.id, rec.imageId) : undefined
    out.push(toSummary(rec, statusText(rec, now), size))
  }
  return json(out)
}

async function sizeOf(d: ContainerRouteDeps, id: string, imageId: string) {
  const rw = await d.images.rootfsUsage(id).catch(() => 0)
  const image = await d.images.resolve(imageId).catch(() => undefined)
  return { rw, rootFs: rw + (image?.size ?? 0) }
}

async function containerInspect(d: ContainerRouteDeps, req: ApiRequest): Promise<ApiReply> {
  const rec = d.containers.get(req.params.id!)
  const rootfs = await d.images.rootfs(rec.id).catch(() => undefined)
  const graphDriver = rootfs
    ? {
        Name: 'overlay2',
        Data: {
          LowerDir: rootfs.lowerDirs.join(':'),
          UpperDir: rootfs.upperDir,
          WorkDir: rootfs.workDir,
          MergedDir: rootfs.mergedDir,
        },
      }
    : null
  const size = bool(req, 'size') ? await sizeOf(d, rec.id, rec.imageId) : undefined
  return json(toInspect(rec, { graphDriver, sizeRw: size?.rw, sizeRootFs: size?.rootFs }))
}

async function containerTop(d: ContainerRouteDeps, req: ApiRequest): Promise<ApiReply> {
  return json(await d.io.top(req.params.id!, str(req, 'ps_args') ?? '-ef'))
}

async function containerPrune(d: ContainerRouteDeps, req: ApiRequest): Promise<ApiReply> {
  const f = filters(req)
  const until = f.until?.[0] ? parseTimeNs(f.until[0]) : undefined
  const deleted: string[] = []
  let reclaimed = 0
  for (const rec of d.containers.all()) {
    if (rec.state.status !== 'exited' && rec.state.status !== 'created' && rec.state.status !== 'dead')
      continue
    if (until !== undefined && BigInt(Date.parse(rec.created)) * 1_000_000n >= until) continue
    if (!(f.label ?? []).every((l) => labelMatches(rec.config.Labels, l, true))) continue
    if (!(f['label!'] ?? []).every((l) => labelMatches(rec.config.Labels, l, false))) continue
    const size = await d.images.rootfsUsage(rec.id).catch(() => 0)
    await d.containers.remove(rec.id, { force: false, volumes: false })
    deleted.push(rec.id)
    reclaimed += size
  }
  return json({ ContainersDeleted: deleted.length ? deleted : null, SpaceReclaimed: reclaimed })
}
function labelMatches(labels: Record<string, string>, expr: string, want: boolean): boolean {
  const i = expr.indexOf('=')
  const hit = i < 0 ? expr in labels : labels[expr.slice(0, i)] === expr.slice(i + 1)
  return hit === want
}

async function containerWait(d: ContainerRouteDeps, req: ApiRequest): Promise<ApiReply> {
  const condition = str(req, 'condition') || 'not-running'
  if (!['not-running', 'next-exit', 'removed'].includes(condition))
    throw new InvalidArgumentError(`invalid condition: "${condition}"`)
  d.containers.get(req.params.id!)
  const result = d.containers.wait(req.params.id!, condition as 'not-running', req.signal)
  // Headers go out at once (clients wait for them before starting the container); the body when it exits.
  async function* body() {
    yield `${JSON.stringify(await result)}\n`
  }
  return { kind: 'stream', status: 200, contentType: 'application/json', body: body() }
}

async function containerStats(d: ContainerRouteDeps, req: ApiRequest): Promise<ApiReply> {
  // Engine API: stream defaults to true; one-shot (1.41+) skips the second sample.
  const stream = bool(req, 'stream', true)
  const samples = d.io.stats(req.params.id!, {
    stream,
    oneShot: bool(req, 'one-shot'),
    signal: req.signal,
  })
  const first = await samples.next() // errors (no such container) become a status, not a broken stream
  async function* body() {
    if (!first.done) yield `${JSON.stringify(toStatsJson(first.value))}\n`
    for await (const s of samples) yield `${JSON.stringify(toStatsJson(s))}\n`
  }
  return { kind: 'stream', status: 200, contentType: 'application/json', body: body() }
}

async function containerLogs(d: ContainerRouteDeps, req: ApiRequest): Promise<ApiReply> {
  const stdout = bool(req, 'stdout')
  const stderr = bool(req, 'stderr')
  if (!stdout && !stderr)
    throw new InvalidArgumentError('Bad parameters: you must choose at least one stream')
  const tailRaw = str(req, 'tail')
  const tail = tailRaw === undefined || tailRaw === 'all' || tailRaw === '' ? undefined : Number(tailRaw)
  const { tty, details, entries } = d.io.logs(req.params.id!, {
    follow: bool(req, 'follow'),
    sinceNs: str(req, 'since') ? parseTimeNs(str(req, 'since')!) : undefined,
    untilNs: str(req, 'until') ? parseTimeNs(str(req, 'until')!) : undefined,
    tail: tail !== undefined && Number.isFinite(tail) ? tail : undefined,
    signal: req.signal,
  })
  const timestamps = bool(req, 'timestamps')
  return {
    kind: 'stream',
    status: 200,
    contentType: tty ? RAW_STREAM : MULTIPLEXED,
    body: encodeEntries(entries, {
      tty,
      stdout,
      stderr,
      timestamps,
      details: bool(req, 'details') ? `${details} ` : '',
    }),
  }
}

/** Encodes log entries into large chunks: one allocation per ~256 KiB, not per line. */
export async function* encodeEntries(
  batches: AsyncIterable<LogEntry[]>,
  o: {
    tty: boolean
    stdout: boolean
    stderr: boolean
    timestamps: boolean
    /** Put before each line, after the timestamp (`logs --details`). */
    details?: string
  },
) {
  const CHUNK = 256 * 1024
  let out = Buffer.allocUnsafe(CHUNK)
  let pos = 0
  for await (const batch of batches) {
    for (const e of batch) {
      if (e.stream === 'stdout' ? !o.stdout : !o.stderr) continue
      const ts = (o.timestamps ? `${e.time} ` : '') + (o.details ?? '')
      const len = ts.length + e.length // ASCII: RFC 3339 time, query-escaped details
      const need = len + (o.tty ? 0 : 8)
      if (pos + need > out.length) {
        if (pos > 0) yield out.subarray(0, pos)
        out = Buffer.allocUnsafe(Math.max(CHUNK, need))
        pos = 0
      }
      if (!o.tty) {
        out[pos] = e.stream === 'stdout' ? 1 : 2
        out[pos + 1] = 0
        out[pos + 2] = 0
        out[pos + 3] = 0
        out.writeUInt32BE(len, pos + 4)
        pos += 8
      }
      if (ts) pos += out.write(ts, pos, 'latin1')
      pos += e.copyTo(out, pos)
    }
    // One chunk per batch at most: a live stream (attach, logs -f) must not wait for more.
    if (pos > 0) {
      yield out.subarray(0, pos)
      out = Buffer.allocUnsafe(CHUNK)
      pos = 0
    }
  }
}

async function containerAttach(d: ContainerRouteDeps, req: ApiRequest): Promise<ApiReply> {
  const detachKeys = str(req, 'detachKeys')
  const keys = parseDetachKeys(detachKeys || DEFAULT_DETACH_KEYS)
  const session = await d.io.attach(req.params.id!, {
    stdin: bool(req, 'stdin'),
    logs: bool(req, 'logs'),
    stream: bool(req, 'stream'),
    signal: req.signal,
  })
  const stdout = bool(req, 'stdout')
  const stderr = bool(req, 'stderr')
  return {
    kind: 'hijack',
    contentType: session.tty ? RAW_STREAM : MULTIPLEXED,
    run: async (conn) => {
      // A client that hangs up (e.g. detaching) must not crash the daemon with EPIPE.
      conn.on('error', () => conn.destroy())
      // Replayed logs are ready at once; clients that read the 101 head through a buffered HTTP
      // parser (docker-py) lose bytes that arrive together with it. Give them a moment to take
      // the head alone (stream-only attaches have nothing to send this early).
      if (bool(req, 'logs')) await new Promise((r) => setTimeout(r, 10))
      if (session.stdin) {
        const input = session.stdin
        // As dockerd: on a TTY the detach keys end the session (the docker CLI relies on it).
        const scanner = new DetachScanner(session.tty ? keys : Buffer.alloc(0))
        conn.on('data', (c: Buffer) => {
          const { forward, detach } = scanner.push(c)
          if (forward.length > 0) input.write(forward)
          if (detach) {
            d.io.detached(req.params.id!)
            conn.destroy()
          }
        })
        conn.on('end', () => input.end())
      }
      for await (const chunk of encodeEntries(session.output, {
        tty: session.tty,
        stdout,
        stderr,
        timestamps: false,
      })) {
        if (conn.destroyed) break
        if (!conn.write(chunk)) await new Promise<void>((r) => conn.once('drain', r).once('close', r))
      }
      conn.end()
    },
  }
}

/** Engine API times: unix seconds with optional fraction ("1700000000.5"), or RFC 3339. */
export function parseTimeNs(v: string): bigint {
  const m = /^(\d+)(?:\.(\d{1,9}))?$/.exec(v)
  if (m) return BigInt(m[1]!) * 1_000_000_000n + BigInt((m[2] ?? '').padEnd(9, '0'))
  const ms = Date.parse(v)
  if (Number.isNaN(ms)) throw new InvalidArgumentError(`invalid value for time: ${v}`)
  return BigInt(ms) * 1_000_000n
}
