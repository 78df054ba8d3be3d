// The daemon's event stream (Engine API /events): publishers emit typed events, subscribers get
// them live plus a bounded replay buffer for `since`, kept across restarts by an optional
// EventLog (event-log.ts). Filtering lives in filters.ts.
import type { EventLog } from './event-log.ts'

export type EventType =
  | 'container'
  | 'image'
  | 'volume'
  | 'network'
  | 'daemon'
  | 'plugin'
  | 'node'
  | 'service'
  | 'secret'
  | 'config'
  | 'builder'

export interface EngineEvent {
  Type: EventType
  Action: string
  Actor: { ID: string; Attributes: Record<string, string> }
  scope: 'local' | 'swarm'
  time: number
  timeNano: number
  /** Legacy fields clients still read (docker-py, older CLIs). */
  status?: string
  id?: string
  from?: string
}

/** What a domain service needs to report something happened. */
export interface Publisher {
  publish(type: EventType, action: string, actorId: string, attributes?: Record<string, string>): void
}

export interface Subscriber {
  /** Events with timeNano in (sinceNano, now], oldest first, from the replay buffer. */
  history(sinceNano: bigint): EngineEvent[]
  /** Calls fn for every new event until the returned function is called. */
  subscribe(fn: (e: EngineEvent) => void): () => void
}

export const REPLAY = 1024

export class EventBus implements Publisher, Subscriber {
  readonly #listeners = new Set<(e: EngineEvent) => void>()
  readonly #buffer: EngineEvent[] = []
  readonly #log: EventLog | undefined
  #lastNs = 0n

  /** `history`: events from before this start (the log's newest), oldest first. */
  constructor(opts: { log?: EventLog; history?: EngineEvent[] } = {}) {
    this.#log = opts.log
    for (const e of (opts.history ?? []).slice(-REPLAY)) this.#buffer.push(e)
    const last = this.#buffer.at(-1)
    if (last) this.#lastNs = BigInt(last.timeNano)
  }

  publish(type: EventType, action: string, actorId: string, attributes: Record<string, string> = {}): void {
    // Wall-clock time, strictly increasing (events within one millisecond keep their order) and
    // never ahead of the clock, so a client's `since=now` does not replay earlier events.
    const wall = BigInt(Date.now()) * 1_000_000n
    const nowNs = wall > this.#lastNs ? wall : this.#lastNs + 1n
    this.#lastNs = nowNs
    const e: EngineEvent = {
      Type: type,
      Action: action,
      Actor: { ID: actorId, Attributes: attributes },
      scope: 'local',
      time: Number(nowNs / 1_000_000_000n),
      timeNano: Number(nowNs),
    }
    if (type === 'container' || type === 'image') {
      e.status = action
      e.id = actorId
      if (type === 'container' && attributes.image) e.from = attributes.image
    }
    this.#buffer.push(e)
    if (this.#buffer.length > REPLAY) this.#buffer.shift()
    this.#log?.append(e)
    for (const fn of this.#listeners) fn(e)
  }

  history(sinceNano: bigint): EngineEvent[] {
    return this.#buffer.filter((e) => BigInt(e.timeNano) > sinceNano)
  }

  subscribe(fn: (e: EngineEvent) => void): () => void {
    this.#listeners.add(fn)
    return () => this.#listeners.delete(fn)
  }

  listenerCount(): number {
    return this.#listeners.size
  }
}

/** A publisher that drops events (tests). */
export const nullPublisher: Publisher = { publish: () => undefined }
