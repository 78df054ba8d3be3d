import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { parseDockerfile } from '../dockerfile/index.ts'
import { applyMeta, DEFAULT_SHELL, expandPorts, type MetaState } from './meta.ts'

function apply(lines: string[], vars: Record<string, string> = {}): MetaState {
  const st: MetaState = { config: { Cmd: ['base'] }, shell: [...DEFAULT_SHELL], cmdSet: false }
  const df = parseDockerfile(`FROM scratch\n${lines.join('\n')}\n`)
  for (const ins of df.stages[0]!.instructions) {
    const env = new Map((st.config.Env ?? []).map((e) => e.split('=', 2) as [string, string]))
    assert.ok(
      applyMeta(st, ins, (n) => env.get(n) ?? vars[n], '\\'),
      ins.original,
    )
  }
  return st
}

describe('applyMeta', () => {
  it('ENV pairs see the values from before the instruction', () => {
    const st = apply(['ENV abc=hello', 'ENV abc=bye def=$abc', 'ENV ghi=$abc'])
    assert.deepEqual(st.config.Env, ['abc=bye', 'def=hello', 'ghi=bye'])
  })

  it('ENTRYPOINT drops an inherited CMD but keeps one set in the stage', () => {
    assert.equal(apply(['ENTRYPOINT ["x"]']).config.Cmd, null)
    assert.deepEqual(apply(['CMD ["y"]', 'ENTRYPOINT ["x"]']).config.Cmd, ['y'])
  })

  it('shell forms use SHELL; WORKDIR is relative to the previous one; labels and ports expand', () => {
    const st = apply(
      [
        'SHELL ["/bin/bash", "-c"]',
        'CMD echo $HOME',
        'WORKDIR /a',
        'WORKDIR b/$D',
        'LABEL "k"="$V" x=1',
        'EXPOSE 80 7000-7001/udp',
      ],
      { D: 'd', V: 'v' },
    )
    assert.deepEqual(st.config.Cmd, ['/bin/bash', '-c', 'echo $HOME'])
    assert.equal(st.config.WorkingDir, '/a/b/d')
    assert.deepEqual(st.config.Labels, { k: 'v', x: '1' })
    assert.deepEqual(Object.keys(st.config.ExposedPorts ?? {}).sort(), ['7000/udp', '7001/udp', '80/tcp'])
  })

  it('HEALTHCHECK, USER, STOPSIGNAL, VOLUME, ONBUILD', () => {
    const st = apply([
      'HEALTHCHECK --interval=2s CMD curl -f http://x/',
      'USER app',
      'STOPSIGNAL SIGINT',
      'VOLUME /v1 /v2',
      'ONBUILD RUN echo hi',
    ])
    assert.deepEqual(st.config.Healthcheck, { Test: ['CMD-SHELL', 'curl -f http://x/'], Interval: 2e9 })
    assert.equal(st.config.User, 'app')
    assert.equal(st.config.StopSignal, 'SIGINT')
    assert.deepEqual(Object.keys(st.config.Volumes ?? {}), ['/v1', '/v2'])
    assert.deepEqual(st.config.OnBuild, ['RUN echo hi'])
  })

  it('rejects bad ports', () => {
    assert.throws(() => expandPorts('80/xyz'), /invalid containerPort/)
    assert.throws(() => expandPorts('9-3'), /invalid containerPort/)
  })
})
