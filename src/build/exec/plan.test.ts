import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { parseDockerfile } from '../dockerfile/index.ts'
import { planBuild } from './plan.ts'

const opts = (args: Record<string, string> = {}, target?: string) => ({
  target,
  buildArg: (n: string) => args[n],
  predefined: { TARGETARCH: 'amd64' },
})

describe('planBuild', () => {
  const df = parseDockerfile(
    [
      'ARG BASE=busybox',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: Dockerfile syntax, not a template
      'ARG TAG=${BASE}:latest',
      'FROM $BASE AS a',
      'RUN true',
      'FROM busybox AS unused',
      'RUN exit 1',
      'FROM busybox AS b',
      'FROM a AS final',
      'COPY --from=b /x /x',
      'RUN --mount=type=bind,from=1,target=/m true',
      'FROM busybox AS other',
    ].join('\n'),
  )

  it('resolves global ARGs with build args over defaults', () => {
    const p = planBuild(df, opts({ BASE: 'alpine' }))
    assert.equal(p.meta.get('BASE'), 'alpine')
    assert.equal(p.meta.get('TAG'), 'alpine:latest')
  })

  it('runs only the stages the target needs, in file order, numbering their steps', () => {
    const p = planBuild(df, opts({}, 'final'))
    assert.deepEqual(p.order, [0, 1, 2, 3])
    assert.equal(p.target, 3)
    assert.deepEqual(
      [...p.firstStep],
      [
        [0, 3],
        [1, 5],
        [2, 7],
        [3, 8],
      ],
    )
    assert.equal(p.totalSteps, 10)
    const last = planBuild(df, opts())
    assert.deepEqual(last.order, [4])
  })

  it('rejects an unknown target', () => {
    assert.throws(() => planBuild(df, opts({}, 'nope')), /failed to reach build target nope in Dockerfile/)
  })
})
