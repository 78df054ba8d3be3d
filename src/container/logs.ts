// Reads a container's log as written by its monitor in the k8s-file format
// (`<RFC3339Nano> stdout|stderr P|F <text>` per line; P = partial line, no newline added),
// with Docker's options: since/until, tail, timestamps, and follow until the container exits.
import { open, watch } from 'node:fs/promises'
import { isNotFound } from '../lib/errors.ts'

export interface LogEntry {
  stream: 'stdout' | 'stderr'
  /** RFC3339Nano in UTC, as Docker prints with --timestamps. */
  time: string
  /** Unix nanoseconds. */
  timeNs: bigint
  data: Buffer
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

export async function* readLogs(path: string, opts: LogReadOptions = {}): AsyncGenerator<LogEntry> {
  let fh: Awaited<ReturnType<typeof open>> | undefined
  try {
    fh = await openWhenExists(path, opts)
    if (!fh) return
    let offset = opts.fromOffset ?? 0
    if (opts.tail !== undefined && opts.tail >= 0) {
      const { entries, end } = await readTail(fh, opts.tail)
      for (const e of entries) if (inRange(e, opts)) yield e
      offset = end
    } else {
      for await (const { entry, end } of readFrom(fh, offset)) {
        offset = end
        if (opts.untilNs !== undefined && entry.timeNs > opts.untilNs) return
        if (inRange(entry, opts)) yield entry
      }
    }
    if (!opts.follow) return
    yield* follow(path, fh, offset, opts)
  } finally {
    await fh?.close()
  }
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
  fh: Awaited<ReturnType<typeof open>>,
  start: number,
  opts: LogReadOptions,
) {
  let offset = start
  let done = false
  void opts.stopped?.then(() => {
    done = true
  })
  const ac = new AbortController()
  opts.signal?.addEventListener('abort', () => ac.abort(), { once: true })
  const watcher = watch(path, { signal: ac.signal })
  const changes = watcher[Symbol.asyncIterator]()
  try {
    for (;;) {
      let got = false
      for await (const { entry, end } of readFrom(fh, offset)) {
        offset = end
        got = true
        if (opts.untilNs !== undefined && entry.timeNs > opts.untilNs) return
        if (inRange(entry, opts)) yield entry
      }
      if (got) continue
      if (done || opts.signal?.aborted) return
      // Wait for a write, the container's exit, or a periodic re-check (rotation, missed events).
      await Promise.race([changes.next(), opts.stopped, sleep(250)])
    }
  } finally {
    ac.abort()
  }
}

function inRange(e: LogEntry, opts: LogReadOptions): boolean {
  if (opts.sinceNs !== undefined && e.timeNs <= opts.sinceNs) return false
  if (opts.untilNs !== undefined && e.timeNs > opts.untilNs) return false
  return true
}

/** Yields complete lines from `offset`; a trailing incomplete line is left for the next call. */
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
    let lineStart = 0
    for (;;) {
      const nl = data.indexOf(10, lineStart)
      if (nl < 0) break
      const entry = parseLine(data.subarray(lineStart, nl))
      lineStart = nl + 1
      if (entry) yield { entry, end: pos + lineStart }
    }
    pos += lineStart
    carry = Buffer.from(data.subarray(lineStart))
  }
}

async function readTail(
  fh: Awaited<ReturnType<typeof open>>,
  n: number,
): Promise<{ entries: LogEntry[]; end: number }> {
  const all: LogEntry[] = []
  let end = 0
  // Full lines (F) count for tail; partial pieces belong to the line they end in.
  for await (const { entry, end: e } of readFrom(fh, 0)) {
    all.push(entry)
    end = e
  }
  if (n === 0) return { entries: [], end }
  let lines = 0
  let i = all.length
  while (i > 0) {
    const e = all[i - 1]!
    if (e.data.at(-1) === 10) {
      if (lines === n) break
      lines++
    }
    i--
  }
  return { entries: all.slice(i), end }
}

/** Parses one k8s-file line. Returns undefined for a malformed line. */
export function parseLine(line: Buffer): LogEntry | undefined {
  const s1 = line.indexOf(32)
  if (s1 < 0) return undefined
  const s2 = line.indexOf(32, s1 + 1)
  if (s2 < 0) return undefined
  const s3 = line.indexOf(32, s2 + 1)
  const tag = s3 < 0 ? line.subarray(s2 + 1) : line.subarray(s2 + 1, s3)
  const stream = line.toString('latin1', s1 + 1, s2)
  if (stream !== 'stdout' && stream !== 'stderr') return undefined
  const text = s3 < 0 ? Buffer.alloc(0) : line.subarray(s3 + 1)
  const partial = tag.length === 1 && tag[0] === 80 // 'P'
  const { iso, ns } = parseTime(line.toString('latin1', 0, s1))
  return { stream, time: iso, timeNs: ns, data: partial ? Buffer.from(text) : Buffer.concat([text, NEWLINE]) }
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
