import assert from 'node:assert/strict'
import { PassThrough } from 'node:stream'
import { describe, it } from 'node:test'
import type { JSONMessage } from '../../../api/types/index.ts'
import { outputOf } from '../../context.ts'
import { BuildProgress } from './build-progress.ts'
import { BuildError, type RenderMode, renderBuild } from './build-render.ts'

const ID = `sha256:${'ab'.repeat(32)}`

/** A successful two-step build as the legacy builder streams it (step 2 cached). */
const SUCCESS: JSONMessage[] = [
  { stream: 'Step 1/3 : FROM busybox\n' },
  { stream: ' ---> 1a2b3c4d5e6f\n' },
  { stream: 'Step 2/3 : RUN echo hi' },
  { stream: '\n ---> Using cache\n ---> 2b3c4d5e6f70\n' },
  { stream: 'Step 3/3 : RUN make\n' },
  { stream: ' ---> Running in 0123456789ab\n' },
  { stream: 'compiling a\ncompiling b\n' },
  { stream: 'Removing intermediate container 0123456789ab\n' },
  { stream: ' ---> abababababab\n' },
  { aux: { ID } },
  { stream: 'Successfully built abababababab\n' },
  { stream: 'Successfully tagged app:1\n' },
]

const FAILURE: JSONMessage[] = [
  { stream: 'Step 1/2 : FROM busybox\n' },
  { stream: ' ---> 1a2b3c4d5e6f\n' },
  { stream: 'Step 2/2 : RUN echo oops && exit 3\n' },
  { stream: ' ---> Running in 0123456789ab\n' },
  { stream: 'oops\n' },
  {
    errorDetail: {
      code: 3,
      message: "The command '/bin/sh -c echo oops && exit 3' returned a non-zero code: 3",
    },
    error: "The command '/bin/sh -c echo oops && exit 3' returned a non-zero code: 3",
  },
]

async function* from(items: JSONMessage[]): AsyncGenerator<JSONMessage> {
  for (const m of items) yield m
}

function capture() {
  const stream = new PassThrough()
  let text = ''
  stream.on('data', (c: Buffer) => {
    text += c.toString()
  })
  return { out: outputOf(stream), text: () => text }
}

async function render(items: JSONMessage[], mode: RenderMode, preamble?: string) {
  const out = capture()
  const err = capture()
  let t = 0
  const now = () => (t += 100)
  let result: string | undefined
  let error: unknown
  try {
    result = await renderBuild(from(items), {
      mode,
      out: out.out,
      err: err.out,
      now,
      columns: 60,
      preamble: preamble === undefined ? undefined : { text: Promise.resolve(preamble), printed: false },
    })
  } catch (e) {
    error = e
  }
  return { out: out.text(), err: err.text(), result, error }
}

/** The screen after applying cursor-up + clear-to-end sequences. */
function screen(raw: string): string[] {
  const lines: string[] = ['']
  const ESC = String.fromCharCode(27)
  const CLEAR = new RegExp(`(${ESC}\\[\\d+A${ESC}\\[J)`)
  for (const part of raw.split(CLEAR)) {
    const up = new RegExp(`^${ESC}\\[(\\d+)A${ESC}\\[J$`).exec(part)
    if (up) {
      lines.splice(lines.length - 1 - Number(up[1]), Number(up[1]) + 1, '')
      continue
    }
    for (const ch of part) {
      if (ch === '\n') lines.push('')
      else lines[lines.length - 1] += ch
    }
  }
  return lines.filter((l, i) => l !== '' || i < lines.length - 1)
}

describe('build progress model', () => {
  it('tracks steps, cache hits, output, id and tags across split chunks', () => {
    const p = new BuildProgress(() => 0)
    for (const m of SUCCESS) p.apply(m)
    p.finish()
    assert.deepEqual(
      p.steps.map((s) => [s.n, s.total, s.instruction, s.cached, s.output]),
      [
        [1, 3, 'FROM busybox', false, []],
        [2, 3, 'RUN echo hi', true, []],
        [3, 3, 'RUN make', false, ['compiling a', 'compiling b']],
      ],
    )
    assert.equal(p.imageId, ID)
    assert.deepEqual(p.tags, ['app:1'])
    assert.equal(p.error, undefined)
  })

  it('keeps the error code, defaulting to 1 like docker', () => {
    const p = new BuildProgress(() => 0)
    p.apply({
      errorDetail: { message: 'dockerfile parse error on line 1: unknown instruction: FOO' },
      error: 'x',
    })
    assert.equal(p.error?.code, 1)
    assert.equal(p.error?.message, 'dockerfile parse error on line 1: unknown instruction: FOO')
  })
})

describe('build rendering', () => {
  it('plain prints the stream as docker does, after the context line', async () => {
    const r = await render(SUCCESS, 'plain', 'Sending build context to Docker daemon  2.048kB\r\r\n')
    assert.equal(r.result, ID)
    assert.equal(
      r.out,
      `Sending build context to Docker daemon  2.048kB\r\r\n${SUCCESS.map((m) => m.stream ?? '').join('')}`,
    )
  })

  it('quiet prints only what the daemon streams for q=1, and everything on failure to stderr', async () => {
    const ok = await render([{ aux: { ID } }, { stream: `${ID}\n` }], 'quiet')
    assert.equal(ok.out, `${ID}\n`)
    assert.equal(ok.result, ID)
    const bad = await render(FAILURE, 'quiet', 'Sending build context to Docker daemon  2.048kB\r\r\n')
    assert.equal(bad.out, '')
    assert.match(
      bad.err,
      /^Sending build context to Docker daemon {2}2\.048kB\r\r\nStep 1\/2 : FROM busybox\n.*Step 2\/2 : RUN echo oops && exit 3\n.*oops\n/s,
    )
    assert.ok(bad.error instanceof BuildError)
    assert.equal((bad.error as BuildError).code, 3)
  })

  it('compact shows one line per step with times and CACHED, and the result line', async () => {
    const r = await render(SUCCESS, 'compact')
    const lines = screen(r.out)
    assert.equal(lines.length, 4, r.out)
    assert.match(lines[0]!, /^\[1\/3\] FROM busybox +\d+\.\ds$/)
    assert.match(lines[1]!, /^\[2\/3\] RUN echo hi +CACHED$/)
    assert.match(lines[2]!, /^\[3\/3\] RUN make +\d+\.\ds$/)
    assert.match(lines[3]!, /^Built abababababab app:1 in \d+\.\ds$/)
    assert.ok(
      lines.every((l) => l.length <= 59),
      'cut to the terminal width',
    )
    // While RUN make ran, its output was drawn under it.
    assert.match(r.out, /│ compiling b/)
  })

  it('compact keeps the failed step with its output, and throws the exit code', async () => {
    const r = await render(FAILURE, 'compact')
    const lines = screen(r.out)
    assert.match(lines[0]!, /^\[1\/2\] FROM busybox/)
    assert.match(lines[1]!, /^\[2\/2\] RUN echo oops && exit 3 +ERROR$/)
    assert.equal(lines[2], '  │ oops')
    assert.equal((r.error as BuildError).code, 3)
    assert.match((r.error as BuildError).message, /returned a non-zero code: 3/)
  })
})
