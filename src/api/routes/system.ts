// Engine API system routes: ping, version, info, data usage, events.
import { type EngineEvent, type EventBus, eventMatches } from '../../events/index.ts'
import type { SystemService } from '../../system/index.ts'
import { filters, str } from '../query.ts'
import { API_VERSION, type ApiReply, type ApiRequest, get, head, json, type Route } from '../router.ts'
import { parseTimeNs } from './containers.ts'

export interface SystemRouteDeps {
  system: SystemService
  events: EventBus
  dataUsage: () => Promise<unknown>
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
  ]
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
    try {
      const inWindow = (e: EngineEvent) => untilNs === undefined || BigInt(e.timeNano) <= untilNs
      if (sinceNs !== undefined) {
        for (const e of bus.history(sinceNs))
          if (inWindow(e) && eventMatches(e, f)) yield `${JSON.stringify(e)}\n`
      }
      const nowNs = BigInt(Date.now()) * 1_000_000n
      if (untilNs !== undefined && untilNs <= nowNs) return
      const deadline = untilNs === undefined ? undefined : Number((untilNs - nowNs) / 1_000_000n)
      const timer = deadline === undefined ? undefined : setTimeout(() => wake?.(), deadline)
      try {
        for (;;) {
          while (queue.length) {
            const e = queue.shift()!
            if (!inWindow(e)) return
            if (eventMatches(e, f)) yield `${JSON.stringify(e)}\n`
          }
          if (req.signal.aborted) return
          if (untilNs !== undefined && BigInt(Date.now()) * 1_000_000n >= untilNs) return
          await new Promise<void>((r) => {
            wake = r
            req.signal.addEventListener('abort', () => r(), { once: true })
          })
          wake = undefined
        }
      } finally {
        clearTimeout(timer)
      }
    } finally {
      unsubscribe()
    }
  }
  return { kind: 'stream', status: 200, contentType: 'application/json', body: stream() }
}
