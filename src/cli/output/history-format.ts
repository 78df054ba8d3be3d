// docker's historyContext for `history --format`: .ID .CreatedSince .CreatedAt .CreatedBy .Size .Comment.
import type { HistoryResponseItem } from '../../api/types/index.ts'
import { ellipsis, truncateId } from './container-format.ts'
import { humanSince, humanSize } from './units.ts'

export const DEFAULT_HISTORY_TABLE =
  'table {{.ID}}\t{{.CreatedSince}}\t{{.CreatedBy}}\t{{.Size}}\t{{.Comment}}'

export const HISTORY_HEADERS: Record<string, string> = {
  ID: 'IMAGE',
  CreatedSince: 'CREATED',
  CreatedAt: 'CREATED AT',
  CreatedBy: 'CREATED BY',
  Size: 'SIZE',
  Comment: 'COMMENT',
}

/** Go's time.RFC3339 in the local zone ("2024-01-02T15:04:05Z" in UTC). */
export function rfc3339(d: Date): string {
  const off = -d.getTimezoneOffset()
  const local = new Date(d.getTime() + off * 60000).toISOString().slice(0, 19)
  if (off === 0) return `${local}Z`
  const sign = off > 0 ? '+' : '-'
  const a = Math.abs(off)
  return `${local}${sign}${String(Math.trunc(a / 60)).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}`
}

export class HistoryContext {
  readonly goType = '*image.historyContext'
  readonly #h: HistoryResponseItem
  readonly #trunc: boolean
  readonly #human: boolean
  readonly #now: Date

  constructor(h: HistoryResponseItem, opts: { trunc: boolean; human: boolean; now: Date }) {
    this.#h = h
    this.#trunc = opts.trunc
    this.#human = opts.human
    this.#now = opts.now
  }
  ID(): string {
    return this.#trunc ? truncateId(this.#h.Id) : this.#h.Id
  }
  CreatedAt(): string {
    return rfc3339(new Date(this.#h.Created * 1000))
  }
  CreatedSince(): string {
    return this.#human ? humanSince(this.#h.Created, this.#now) : this.CreatedAt()
  }
  CreatedBy(): string {
    const by = this.#h.CreatedBy.replaceAll('\t', ' ')
    return this.#trunc ? ellipsis(by, 45) : by
  }
  Size(): string {
    return this.#human ? humanSize(this.#h.Size) : String(this.#h.Size)
  }
  Comment(): string {
    return this.#h.Comment
  }
  toJSON(): Record<string, string> {
    return {
      Comment: this.Comment(),
      CreatedAt: this.CreatedAt(),
      CreatedBy: this.CreatedBy(),
      CreatedSince: this.CreatedSince(),
      ID: this.ID(),
      Size: this.Size(),
    }
  }
}
