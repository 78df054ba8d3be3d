// Renders a legacy build's JSONMessage stream for `berth build`: `plain` prints the stream as
// docker's legacy builder does, `quiet` keeps it for the error case and prints only the result,
// `compact` draws one line per step ([n/N], elapsed time or CACHED) with the running step's last
// output lines, redrawn in place with ANSI cursor moves. Resolves with the image id.
import type { JSONMessage } from '../../../api/types/index.ts'
import type { Output } from '../../context.ts'
import { BuildError, BuildProgress, type BuildStep } from './build-progress.ts'

export type RenderMode = 'plain' | 'quiet' | 'compact'

export interface RenderOptions {
  mode: RenderMode
  out: Output
  err: Output
  now: () => number
  /** Terminal width for the compact view (lines are cut to fit). */
  columns?: number
  /** docker's upload line ("Sending build context …"): printed before the first message in
   *  plain mode, and to stderr with the output of a failed quiet build. */
  preamble?: Preamble
}

export interface Preamble {
  text: Promise<string>
  printed: boolean
}

const TAIL = 5
const FAILED_TAIL = 20

/** Renders the stream; @throws BuildError with docker's exit code (errorDetail.code, else 1). */
export async function renderBuild(
  messages: AsyncIterable<JSONMessage>,
  o: RenderOptions,
): Promise<string | undefined> {
  const progress = new BuildProgress(o.now)
  if (o.mode === 'compact') return compact(messages, progress, o)
  let quietText = ''
  let first = true
  for await (const m of messages) {
    if (first && o.preamble && o.mode === 'plain') {
      o.out.write(await o.preamble.text)
      o.preamble.printed = true
    }
    first = false
    progress.apply(m)
    if (progress.error) {
      if (o.mode === 'quiet') {
        if (o.preamble) o.err.write(await o.preamble.text)
        o.err.write(quietText)
        if (o.preamble) o.preamble.printed = true
      }
      throw progress.error
    }
    const text = plainText(m)
    if (o.mode === 'plain') o.out.write(text)
    else quietText += text
  }
  progress.finish()
  if (o.mode === 'quiet') o.out.write(quietText)
  return progress.imageId
}

/** One message as docker's jsonmessage display prints it on a non-terminal. */
function plainText(m: JSONMessage): string {
  if (m.stream !== undefined) return m.stream
  if (m.status === undefined) return ''
  if (m.progressDetail && (m.progressDetail.total !== undefined || m.progressDetail.current !== undefined))
    return '' // progress bars are for terminals
  return `${m.id ? `${m.id}: ` : ''}${m.status}\n`
}

async function compact(
  messages: AsyncIterable<JSONMessage>,
  progress: BuildProgress,
  o: RenderOptions,
): Promise<string | undefined> {
  const start = o.now()
  const view = new LiveView(o.out, o.columns || 80)
  let committed = 0
  const draw = () => {
    // Finished steps are printed once; only the running step and its output are redrawn.
    const lines: string[] = []
    while (committed < progress.steps.length && progress.steps[committed]?.endedAt !== undefined) {
      lines.push(stepLine(progress.steps[committed]!, o.now()))
      committed++
    }
    view.commit(lines)
    const live = progress.steps[committed]
    view.live(live ? [stepLine(live, o.now()), ...live.output.slice(-TAIL).map(outputLine)] : [])
  }
  const timer = setInterval(draw, 100)
  try {
    for await (const m of messages) {
      if (progress.apply(m)) draw()
      if (progress.error) break
    }
  } finally {
    clearInterval(timer)
  }
  if (progress.error) {
    const failed = progress.current
    view.commit([])
    view.live([])
    if (failed)
      view.commit([stepLine(failed, o.now(), 'ERROR'), ...failed.output.slice(-FAILED_TAIL).map(outputLine)])
    throw progress.error
  }
  progress.finish()
  draw()
  view.live([])
  const id = progress.imageId ?? progress.builtShortId ?? ''
  const shortId = id.replace(/^sha256:/, '').slice(0, 12)
  const tags = progress.tags.length > 0 ? ` ${progress.tags.join(' ')}` : ''
  view.commit([`Built ${shortId}${tags} in ${seconds(o.now() - start)}`])
  return progress.imageId
}

function stepLine(s: BuildStep, now: number, status?: string): string {
  const right = status ?? (s.cached ? 'CACHED' : seconds((s.endedAt ?? now) - s.startedAt))
  return `[${s.n}/${s.total}] ${s.instruction}\t${right}`
}

function outputLine(l: string): string {
  return `  │ ${l}`
}

function seconds(ms: number): string {
  return `${(Math.max(0, ms) / 1000).toFixed(1)}s`
}

/** Permanent lines above a redrawn block of live lines. */
class LiveView {
  readonly #out: Output
  readonly #columns: number
  #liveCount = 0
  constructor(out: Output, columns: number) {
    this.#out = out
    this.#columns = Math.max(20, columns)
  }
  commit(lines: string[]): void {
    if (lines.length === 0) return
    this.#clear()
    this.#out.write(lines.map((l) => `${this.#fit(l)}\n`).join(''))
  }
  live(lines: string[]): void {
    this.#clear()
    this.#out.write(lines.map((l) => `${this.#fit(l)}\n`).join(''))
    this.#liveCount = lines.length
  }
  #clear(): void {
    if (this.#liveCount > 0) this.#out.write(`\x1b[${this.#liveCount}A\x1b[J`)
    this.#liveCount = 0
  }
  /** Cuts to the width; a tab right-aligns what follows it. */
  #fit(line: string): string {
    const clean = stripControls(line)
    const tab = clean.indexOf('\t')
    if (tab < 0) return cut(clean, this.#columns - 1)
    const right = clean.slice(tab + 1)
    const left = cut(clean.slice(0, tab), this.#columns - right.length - 2)
    return `${left}${' '.repeat(Math.max(1, this.#columns - 1 - left.length - right.length))}${right}`
  }
}

/** Drops control characters (a program's \r progress, colours) except the tab. */
function stripControls(s: string): string {
  let out = ''
  for (const ch of s) {
    const c = ch.charCodeAt(0)
    if (c === 9 || (c >= 32 && c !== 127)) out += ch
  }
  return out
}

function cut(s: string, width: number): string {
  if (s.length <= width) return s
  return `${s.slice(0, Math.max(0, width - 1))}…`
}

export { BuildError }
