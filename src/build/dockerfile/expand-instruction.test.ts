// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Dockerfile text uses ${var} literally
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { InvalidArgumentError } from '../../lib/errors.ts'
import { expandInstruction } from './expand-instruction.ts'
import { parseDockerfile } from './parser.ts'
import type { Instruction } from './types.ts'

const env: Record<string, string> = {
  FOO: '/bar',
  abc: 'hello',
  U: 'app',
  P: '8080',
  PORTS: '80 443/udp',
  T: 'cache',
  SIG: 'SIGTERM',
  V: '1.0',
}
const vars = (name: string) => env[name]

function parse(text: string): Instruction {
  const df = parseDockerfile(`FROM busybox\n${text}\n`)
  const i = df.stages[0]?.instructions[0]
  assert.ok(i)
  return i
}

const pick = (i: Instruction, keys: string[]) =>
  Object.fromEntries(keys.map((k) => [k, (i as unknown as Record<string, unknown>)[k]]))

describe('expandInstruction', () => {
  const cases: Array<[string, string, string[], Record<string, unknown>]> = [
    ['WORKDIR', 'WORKDIR ${FOO}', ['path'], { path: '/bar' }],
    ['ADD dest', 'ADD . $FOO', ['sources', 'dest'], { sources: ['.'], dest: '/bar' }],
    ['COPY escaped', 'COPY \\$FOO /quux', ['sources', 'dest'], { sources: ['$FOO'], dest: '/quux' }],
    [
      'COPY flags',
      'COPY --chown=$U:$U --chmod=${M:-644} --from=${S:-build} --exclude=$FOO/* x /d/',
      ['chown', 'chmod', 'from', 'exclude', 'sources'],
      { chown: 'app:app', chmod: '644', from: 'build', exclude: ['/bar/*'], sources: ['x'] },
    ],
    [
      'ENV same value in one instruction',
      'ENV abc=bye def=$abc',
      ['pairs'],
      {
        pairs: [
          { key: 'abc', value: 'bye' },
          { key: 'def', value: 'hello' },
        ],
      },
    ],
    [
      'ENV quotes removed',
      'ENV a="x y" b=\'$FOO\' c=x\\ y',
      ['pairs'],
      {
        pairs: [
          { key: 'a', value: 'x y' },
          { key: 'b', value: '$FOO' },
          { key: 'c', value: 'x y' },
        ],
      },
    ],
    ['ENV legacy', 'ENV a  $FOO and more', ['pairs'], { pairs: [{ key: 'a', value: '/bar and more' }] }],
    [
      'LABEL',
      'LABEL "com.x"="v$V" other=${V}',
      ['pairs'],
      {
        pairs: [
          { key: 'com.x', value: 'v1.0' },
          { key: 'other', value: '1.0' },
        ],
      },
    ],
    ['ARG default', 'ARG a=$V b', ['args'], { args: [{ key: 'a', value: '1.0' }, { key: 'b' }] }],
    ['EXPOSE splits words', 'EXPOSE $P $PORTS', ['ports'], { ports: ['8080', '80', '443/udp'] }],
    ['VOLUME', 'VOLUME ["$FOO", "/x"]', ['volumes'], { volumes: ['/bar', '/x'] }],
    ['USER', 'USER ${U}:${G:-root}', ['user'], { user: 'app:root' }],
    ['STOPSIGNAL', 'STOPSIGNAL $SIG', ['signal'], { signal: 'SIGTERM' }],
    ['RUN command untouched', 'RUN echo $FOO', ['command'], { command: { shell: 'echo $FOO' } }],
    ['CMD untouched', 'CMD ["$FOO"]', ['command'], { command: { exec: ['$FOO'] } }],
    ['MAINTAINER untouched', 'MAINTAINER $FOO', ['maintainer'], { maintainer: '$FOO' }],
    ['ONBUILD untouched', 'ONBUILD WORKDIR $FOO', ['expression'], { expression: 'WORKDIR $FOO' }],
  ]
  for (const [name, text, keys, want] of cases) {
    it(name, () => assert.deepEqual(pick(expandInstruction(parse(text), vars), keys), want))
  }

  it('COPY shell form splits on whitespace before expansion, like BuildKit', () => {
    assert.throws(() => expandInstruction(parse('COPY "a b" /d/'), vars), /matching double-quote/)
    assert.deepEqual(pick(expandInstruction(parse('COPY ["a b", "/d/"]'), vars), ['sources']), {
      sources: ['a b'],
    })
  })

  it('FROM image and platform', () => {
    const df = parseDockerfile('ARG V=1\nFROM --platform=$P busybox:$V AS x\n')
    const from = expandInstruction(df.stages[0]?.base as Instruction, vars)
    assert.deepEqual(pick(from, ['image', 'platform', 'as']), {
      image: 'busybox:1.0',
      platform: '8080',
      as: 'x',
    })
  })

  it('COPY heredoc content expands only when the delimiter is unquoted', () => {
    const i = parse('COPY <<EOF <<"RAW" /d/\necho "hello ${FOO}"\nEOF\necho ${FOO}\nRAW')
    assert.deepEqual(pick(expandInstruction(i, vars), ['heredocs']), {
      heredocs: [
        { path: 'EOF', content: 'echo "hello /bar"\n', expand: true },
        { path: 'RAW', content: 'echo ${FOO}\n', expand: false },
      ],
    })
  })

  it('RUN --mount values are expanded and validated', () => {
    const i = parse('RUN --mount=type=$T,target=${FOO},id=c-$V,mode=0755 true')
    const [m] = (expandInstruction(i, vars) as { mounts: unknown[] }).mounts
    assert.deepEqual(m, {
      type: 'cache',
      target: '/bar',
      id: 'c-1.0',
      mode: 0o755,
      readonly: false,
      raw: 'type=$T,target=${FOO},id=c-$V,mode=0755',
    })
    const bad = parse('RUN --mount=type=$U,target=/x true')
    assert.throws(
      () => expandInstruction(bad, vars),
      (err: unknown) =>
        err instanceof InvalidArgumentError && /unsupported mount type "app"/.test(err.message),
    )
  })

  it('leaves the parsed instruction unchanged', () => {
    const i = parse('WORKDIR $FOO')
    expandInstruction(i, vars)
    assert.equal((i as { path: string }).path, '$FOO')
  })

  it('reports bad substitutions as InvalidArgumentError', () => {
    assert.throws(() => expandInstruction(parse('WORKDIR ${FOO'), vars), InvalidArgumentError)
  })
})
