// The state of a legacy build as its JSONMessage stream tells it: steps ("Step 2/5 : RUN …"),
// cache hits (" ---> Using cache"), each step's output, the built id and tags, the failure.
// Pure: it records times from the clock it is given and draws nothing (build-render.ts does).
import type { JSONMessage } from '../../../api/types/index.ts'

export interface BuildStep {
  n: number
  total: number
  instruction: string
  startedAt: number
  endedAt?: number
  cached: boolean
  /** Output lines of the step (RUN output, pull status, warnings). */
  output: string[]
}

export class BuildError extends Error {
  readonly code: number
  constructor(message: string, code: number) {
    super(message)
    this.code = code
  }
}

const STEP = /^Step (\d+)\/(\d+) : (.*)$/
const LAYER = /^ ---> ([0-9a-f]{12,64})$/
const SKIP = [
  /^ ---> Running in [0-9a-f]+$/,
  /^Removing intermediate container [0-9a-f]+$/,
  /^ ---> Removed intermediate/,
]

export class BuildProgress {
  readonly steps: BuildStep[] = []
  /** Lines before the first step (e.g. messages of an old daemon). */
  readonly preamble: string[] = []
  imageId: string | undefined
  builtShortId: string | undefined
  readonly tags: string[] = []
  error: BuildError | undefined
  readonly #now: () => number
  #partial = ''

  constructor(now: () => number) {
    this.#now = now
  }

  get current(): BuildStep | undefined {
    const s = this.steps.at(-1)
    return s && s.endedAt === undefined ? s : undefined
  }

  /** Applies one message; returns true when something visible changed. */
  apply(m: JSONMessage): boolean {
    if (m.error !== undefined || m.errorDetail?.message !== undefined) {
      this.#flushPartial()
      this.error = new BuildError(m.errorDetail?.message ?? m.error ?? '', m.errorDetail?.code || 1)
      return true
    }
    const aux = m.aux as { ID?: unknown } | undefined
    if (aux && typeof aux.ID === 'string') {
      this.imageId = aux.ID
      return false
    }
    if (m.stream !== undefined) {
      const text = this.#partial + m.stream
      const lines = text.split(/\r?\n/)
      this.#partial = lines.pop() ?? ''
      for (const line of lines) this.#line(line)
      return lines.length > 0
    }
    if (m.status !== undefined) {
      // Pull progress of a FROM image: one line per layer id, updated in place.
      const line = `${m.id ? `${m.id}: ` : ''}${m.status}${m.progress ? ` ${m.progress}` : ''}`
      this.#output(line, m.id)
      return true
    }
    return false
  }

  /** Ends the last step (stream over). */
  finish(): void {
    this.#flushPartial()
    const s = this.current
    if (s && !this.error) s.endedAt = this.#now()
  }

  #flushPartial(): void {
    if (this.#partial !== '') this.#line(this.#partial)
    this.#partial = ''
  }

  #line(line: string): void {
    const step = STEP.exec(line)
    if (step) {
      const prev = this.current
      if (prev) prev.endedAt = this.#now()
      this.steps.push({
        n: Number(step[1]),
        total: Number(step[2]),
        instruction: step[3]!,
        startedAt: this.#now(),
        cached: false,
        output: [],
      })
      return
    }
    if (line === ' ---> Using cache') {
      if (this.current) this.current.cached = true
      return
    }
    const layer = LAYER.exec(line)
    if (layer && this.current) {
      this.current.endedAt = this.#now()
      return
    }
    if (SKIP.some((re) => re.test(line))) return
    const built = /^Successfully built ([0-9a-f]+)$/.exec(line)
    if (built) {
      this.builtShortId = built[1]
      return
    }
    const tagged = /^Successfully tagged (.+)$/.exec(line)
    if (tagged) {
      this.tags.push(tagged[1]!)
      return
    }
    this.#output(line)
  }

  #output(line: string, replaceId?: string): void {
    const target = this.steps.at(-1)?.output ?? this.preamble
    if (replaceId !== undefined) {
      const i = target.findIndex((l) => l.startsWith(`${replaceId}: `))
      if (i >= 0) {
        target[i] = line
        return
      }
    }
    target.push(line)
  }
}
