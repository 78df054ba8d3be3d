// Reads a container's log as written by its monitor in the k8s-file format
// (`<RFC3339Nano> stdout|stderr P|F <text>` per line; P = partial line, no newline added),
// with Docker's options: since/until, tail, timestamps, and follow until the container exits.
import { open, stat, watch } from 'node:fs/promises'
import { isNotFound } from '../lib/errors.ts'

/** One log record: offsets into the read chunk (no Buffer view per line: a 50 MB log has ~650k
 *  lines, and a view each cost a third of the read). The time is parsed only when asked for. */
export class LogEntry {
  readonly stream: 'stdout' | 'stderr'
  readonly #buf: Buffer
  readonly #start: number
  readonly #end: number
  readonly #timeStart: number
  readonly #timeEnd: number
  #parsed: { iso: string; ns: bigint } | undefined

  /** `buf[start, end)` is the data (newline included for full lines), `buf[timeStart, timeEnd)` the time. */
  constructor(
    stream: 'stdout' | 'stderr',
    buf: Buffer,
    start: number,
    end: number,
    timeStart: number,
    timeEnd: number,
  ) {
    this.stream = stream
    this.#buf = buf
    this.#start = start
    this.#end = end
    this.#timeStart = timeStart
    this.#timeEnd = timeEnd
  }

  /** The text, newline included for full lines (a view, not a copy). */
  get data(): Buffer {
    return this.#buf.subarray(this.#start, this.#end)
  }

  get length(): number {
    return this.#end - this.#start
  }

  /** A full line (ends with its newline), not a partial piece. */
  get complete(): boolean {
    return this.#buf[this.#end - 1] === 10
  }

  /** Copies the text into `out` at `pos`; returns the bytes copied. */
  copyTo(out: Buffer, pos: number): number {
    return this.#buf.copy(out, pos, this.#start, this.#end)
  }

  #time(): { iso: string; ns: bigint } {
    this.#parsed ??= parseTime(this.#buf.toString('latin1', this.#timeStart, this.#timeEnd))
    return this.#parsed
  }

  /** RFC3339Nano in UTC, as Docker prints with --timestamps. */
  get time(): string {
    return this.#time().iso
  }

  /** Unix nanoseconds. */
  get timeNs(): bigint {
    return this.#time().ns
  }
}

export interface LogReadOptions {
  /** Only entries after this (unix ns). */
  sinceNs?: bigint
  /** Only entries before this (unix ns). */
  untilNs?: bigint
  /** Last N lines only (undefined or negative = all). */
  tail?: number
  /** Keep reading new entries until `stopped` resolves and the file is drained. */
  follow?: boolean
  /** Resolves when the container has exited (or the reader should stop following). */
  stopped?: Promise<unknown>
  /** Start reading at this byte offset (attach starts at the current end). */
  fromOffset?: number
  signal?: AbortSignal
}

const CHUNK = 1 << 20

/** Yields the log in batches (one per read chunk), so a large log costs one await per chunk. */
export async function* readLogs(path: string, opts: LogReadOptions = {}): AsyncGenerator<LogEntry[]> {
  let fh: Awaited<ReturnType<typeof open>> | undefined
  try {
    fh = await openWhenExists(path, opts)
    if (!fh) return
    let offset = opts.fromOffset ?? 0
    if (opts.tail !== undefined && opts.tail >= 0) {
      const { entries, end } = await readTail(fh, opts.tail)
      const kept = entries.filter((e) => inRange(e, opts))
      if (kept.length) yield kept
      offset = end
    } else {
      for await (const batch of readFrom(fh, offset)) {
        offset = batch.end
        const { kept, past } = select(batch.entries, opts)
        if (kept.length) yield kept
        if (past) return
      }
    }
    if (!opts.follow) return
    yield* follow(path, fh, offset, opts)
  } finally {
    await fh?.close()
  }
}

/** Entries within since/until; `past` when an entry beyond `until` was seen (stop reading). */
function select(entries: LogEntry[], opts: LogReadOptions): { kept: LogEntry[]; past: boolean } {
  if (opts.sinceNs === undefined && opts.untilNs === undefined) return { kept: entries, past: false }
  const kept: LogEntry[] = []
  for (const e of entries) {
    if (opts.untilNs !== undefined && e.timeNs > opts.untilNs) return { kept, past: true }
    if (inRange(e, opts)) kept.push(e)
  }
  return { kept, past: false }
}

async function openWhenExists(path: string, opts: LogReadOptions) {
  for (;;) {
    try {
      return await open(path, 'r')
    } catch (err) {
      if (!isNotFound(err) || !opts.follow) {
        if (isNotFound(err)) return undefined
        throw err
      }
    }
    // Following a log the monitor has not created yet: poll briefly until it exists or the container stops.
    const stopped = await Promise.race([opts.stopped?.then(() => true), sleep(20).then(() => false)])
    if (stopped || opts.signal?.aborted) {
      try {
        return await open(path, 'r')
      } catch {
        // Still no log after the container stopped: it wrote nothing.
        return undefined
      }
    }
  }
}

async function* follow(
  path: string,
  first: Awaited<ReturnType<typeof open>>,
  start: number,
  opts: LogReadOptions,
) {
  let fh = first
  let ino = (await fh.stat()).ino
  let offset = start
  let done = false
  void opts.stopped?.then(() => {
    done = true
  })
  let ac = new AbortController()
  const onAbort = () => ac.abort()
  opts.signal?.addEventListener('abort', onAbort, { once: true })
  let changes = watch(path, { signal: ac.signal })[Symbol.asyncIterator]()
  // Everything from `offset` to the current end of `fh`; false when nothing was there.
  const drain = async function* () {
    let got = false
    for await (const batch of readFrom(fh, offset)) {
      offset = batch.end
      got = true
      const { kept, past } = select(batch.entries, opts)
      if (kept.length) yield kept
      if (past) return 'past' as const
    }
    return got
  }
  try {
    for (;;) {
      const got = yield* drain()
      if (got === 'past') return
      if (got) continue
      // Past --log-size-max conmon starts a new file, renamed over this one: finish this one
      // (a last write may have landed after the read above), then follow the new one.
      const now = await stat(path).catch(() => undefined)
      if (now && now.ino !== ino) {
        if ((yield* drain()) === 'past') return
        if (fh !== first) await fh.close()
        fh = await open(path, 'r')
        ino = (await fh.stat()).ino
        offset = 0
        ac.abort()
        ac = new AbortController()
        changes = watch(path, { signal: ac.signal })[Symbol.asyncIterator]()
        continue
      }
      if (done || opts.signal?.aborted) return
      // Wait for a write, the container's exit, or a periodic re-check (a new file, missed events).
      await Promise.race([changes.next(), opts.stopped, sleep(250)])
    }
  } finally {
    ac.abort()
    opts.signal?.removeEventListener('abort', onAbort)
    if (fh !== first) await fh.close()
  }
}

function inRange(e: LogEntry, opts: LogReadOptions): boolean {
  if (opts.sinceNs === undefined && opts.untilNs === undefined) return true
  if (opts.sinceNs !== undefined && e.timeNs <= opts.sinceNs) return false
  if (opts.untilNs !== undefined && e.timeNs > opts.untilNs) return false
  return true
}

/** Yields complete lines from `offset`; a trailing incomplete line is left for the next call. */
/** Yields the complete lines of each chunk from `offset`; a trailing incomplete line waits
 *  for the next chunk (or the next call, when following). */
async function* readFrom(fh: Awaited<ReturnType<typeof open>>, offset: number) {
  let pos = offset
  let carry = Buffer.alloc(0)
  for (;;) {
    const buf = Buffer.allocUnsafe(CHUNK)
    const { bytesRead } = await fh.read(buf, 0, CHUNK, pos + carry.length)
    if (bytesRead === 0) return
    const data = carry.length
      ? Buffer.concat([carry, buf.subarray(0, bytesRead)])
      : buf.subarray(0, bytesRead)
    const entries: LogEntry[] = []
    let lineStart = 0
    for (;;) {
      const nl = newlineFrom(data, lineStart)
      if (nl < 0) break
      const entry = parseAt(data, lineStart, nl)
      lineStart = nl + 1
      if (entry) entries.push(entry)
    }
    pos += lineStart
    carry = Buffer.from(data.subarray(lineStart))
    if (entries.length) yield { entries, end: pos }
  }
}

async function readTail(
  fh: Awaited<ReturnType<typeof open>>,
  n: number,
): Promise<{ entries: LogEntry[]; end: number }> {
  const all: LogEntry[] = []
  let end = 0
  // Full lines (F) count for tail; partial pieces belong to the line they end in.
  for await (const batch of readFrom(fh, 0)) {
    for (const e of batch.entries) all.push(e)
    end = batch.end
  }
  if (n === 0) return { entries: [], end }
  let lines = 0
  let i = all.length
  while (i > 0) {
    const e = all[i - 1]!
    if (e.complete) {
      if (lines === n) break
      lines++
    }
    i--
  }
  return { entries: all.slice(i), end }
}

/** The next newline at or after `from`, or -1. Log lines are mostly short: scan the first bytes
 *  in JS (a native call per line costs more), then let memchr take long lines. */
function newlineFrom(buf: Buffer, from: number): number {
  const stop = Math.min(buf.length, from + 256)
  for (let i = from; i < stop; i++) if (buf[i] === 10) return i
  return stop === buf.length ? -1 : buf.indexOf(10, stop)
}

/** Parses one k8s-file line (without its newline). Returns undefined for a malformed line. */
export function parseLine(line: Buffer): LogEntry | undefined {
  // A full line's text ends with the newline the file had: parse a copy that has it back.
  return parseAt(Buffer.concat([line, NEWLINE]), 0, line.length)
}

/** Parses the line `buf[start, nl)`, where `buf[nl]` is its newline. */
function parseAt(buf: Buffer, start: number, nl: number): LogEntry | undefined {
  // Byte loops, not Buffer#indexOf: the fields are a few bytes long and a native call per field
  // cost more than the scan (half of a 50 MB read went into indexOf's call overhead).
  let s1 = start
  while (s1 < nl && buf[s1] !== 32) s1++
  if (s1 >= nl) return undefined
  let s2 = s1 + 1
  while (s2 < nl && buf[s2] !== 32) s2++
  if (s2 >= nl) return undefined
  let s3 = s2 + 1
  while (s3 < nl && buf[s3] !== 32) s3++
  const isOut = s2 - s1 === 7 && buf[s1 + 4] === 111 // "stdout"
  const isErr = s2 - s1 === 7 && buf[s1 + 4] === 101 // "stderr"
  if (!isOut && !isErr) return undefined
  const partial = buf[s2 + 1] === 80 // 'P'
  const textStart = s3 >= nl ? nl : s3 + 1
  return new LogEntry(isOut ? 'stdout' : 'stderr', buf, textStart, partial ? nl : nl + 1, start, s1)
}

const NEWLINE = Buffer.from('\n')

/** Converts an RFC3339Nano time with any offset to UTC "…Z" with 9 fraction digits, and unix ns. */
export function parseTime(t: string): { iso: string; ns: bigint } {
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$/.exec(t)
  if (!m) return { iso: t, ns: 0n }
  const frac = (m[2] ?? '').padEnd(9, '0').slice(0, 9)
  const secs = BigInt(Math.floor(Date.parse(`${m[1]}${m[3] === 'Z' ? 'Z' : m[3]}`) / 1000))
  const ns = secs * 1_000_000_000n + BigInt(frac)
  const iso =
    m[3] === 'Z' || m[3] === '+00:00'
      ? `${m[1]}.${frac}Z`
      : `${new Date(Number(secs) * 1000).toISOString().slice(0, 19)}.${frac}Z`
  return { iso, ns }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms).unref())
}
