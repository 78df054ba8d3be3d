// Engine API system routes: ping, version, info, data usage, events, registry login (/auth).
import { type EngineEvent, type EventBus, eventMatches } from '../../events/index.ts'
import type { ImageServiceContract } from '../../image/index.ts'
import { NotImplementedError } from '../../lib/errors.ts'
import type { SystemService } from '../../system/index.ts'
import { toLoginAuth } from '../codec/images.ts'
import { filters, str } from '../query.ts'
import { API_VERSION, type ApiReply, type ApiRequest, get, head, json, post, type Route } from '../router.ts'
import { parseTimeNs } from './containers.ts'

export interface SystemRouteDeps {
  system: SystemService
  events: EventBus
  dataUsage: () => Promise<unknown>
  /** Registry login for POST /auth (the image service's). */
  login?: ImageServiceContract['login']
}

const PING_HEADERS = {
  'API-Version': API_VERSION,
  OSType: 'linux',
  'Builder-Version': '1',
  'Docker-Experimental': 'false',
  'Cache-Control': 'no-cache, no-store, must-revalidate',
  Pragma: 'no-cache',
}

export function systemRoutes(d: SystemRouteDeps): Route[] {
  const ping = async (): Promise<ApiReply> => ({
    kind: 'text',
    status: 200,
    body: 'OK',
    contentType: 'text/plain; charset=utf-8',
    headers: PING_HEADERS,
  })
  return [
    get('/_ping', ping),
    head('/_ping', ping),
    get('/version', async () => json(d.system.version())),
    get('/info', async () => json(await d.system.info())),
    get('/system/df', async () => json(await d.dataUsage())),
    get('/events', (req) => systemEvents(d, req)),
    post('/auth', (req) => systemAuth(d, req)),
  ]
}

async function systemAuth(d: SystemRouteDeps, req: ApiRequest): Promise<ApiReply> {
  const auth = toLoginAuth(await req.json())
  if (!d.login) throw new NotImplementedError('registry login is not available')
  const res = await d.login(auth, { signal: req.signal })
  return json({ Status: res.status, IdentityToken: res.identityToken ?? '' })
}

async function systemEvents(d: SystemRouteDeps, req: ApiRequest): Promise<ApiReply> {
  const f = filters(req)
  const since = str(req, 'since')
  const until = str(req, 'until')
  const sinceNs = since ? parseTimeNs(since) : undefined
  const untilNs = until ? parseTimeNs(until) : undefined
  const bus = d.events
  async function* stream(): AsyncGenerator<string> {
    const queue: EngineEvent[] = []
    let wake: (() => void) | undefined
    const unsubscribe = bus.subscribe((e) => {
      queue.push(e)
      wake?.()
    })
    const onAbort = () => wake?.()
    req.signal.addEventListener('abort', onAbort)
    try {
      const inWindow = (e: EngineEvent) => untilNs === undefined || BigInt(e.timeNano) <= untilNs
      let lastReplayed = -1
      if (sinceNs !== undefined) {
        for (const e of bus.history(sinceNs)) {
          lastReplayed = e.timeNano
          if (inWindow(e) && eventMatches(e, f)) yield `${JSON.stringify(e)}\n`
        }
      }
      const nowMs = () => Date.now()
      const untilMs = untilNs === undefined ? undefined : Number(untilNs / 1_000_000n)
      for (;;) {
        while (queue.length) {
          const e = queue.shift()!
          if (e.timeNano <= lastReplayed) continue // already sent from the replay buffer
          if (!inWindow(e)) return
          if (eventMatches(e, f)) yield `${JSON.stringify(e)}\n`
        }
        if (req.signal.aborted) return
        if (untilMs !== undefined && nowMs() >= untilMs) return
        let timer: NodeJS.Timeout | undefined
        await new Promise<void>((r) => {
          wake = r
          if (untilMs !== undefined) timer = setTimeout(r, Math.max(0, untilMs - nowMs()) + 1)
        })
        clearTimeout(timer)
        wake = undefined
      }
    } finally {
      unsubscribe()
      req.signal.removeEventListener('abort', onAbort)
    }
  }
  return { kind: 'stream', status: 200, contentType: 'application/json', body: stream() }
}
