// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Dockerfile text uses ${var} literally
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { InvalidArgumentError } from '../../lib/errors.ts'
import { DockerfileParseError } from './errors.ts'
import { runHeredocPlan } from './heredoc.ts'
import { parseDockerfile } from './parser.ts'
import type { Dockerfile, Instruction } from './types.ts'

/** The instructions of the only stage of `FROM busybox\n<body>`, without line info. */
function body(text: string): Array<Record<string, unknown>> {
  const df = parseDockerfile(`FROM busybox\n${text}`)
  assert.equal(df.stages.length, 1)
  return (df.stages[0]?.instructions ?? []).map(strip)
}

function strip(i: Instruction): Record<string, unknown> {
  const { line: _l, endLine: _e, original: _o, flags: _f, ...rest } = i as unknown as Record<string, unknown>
  if (rest.kind === 'ONBUILD') rest.instruction = strip(rest.instruction as Instruction)
  return rest
}

function commandOf(df: Dockerfile, index = 0): unknown {
  const i = df.stages[0]?.instructions[index]
  assert.ok(i && 'command' in i)
  return i.command
}

function first(text: string): Record<string, unknown> {
  const all = body(text)
  assert.equal(all.length, 1, `expected one instruction, got ${JSON.stringify(all)}`)
  return all[0] as Record<string, unknown>
}

const run = (over: Record<string, unknown>) => ({
  kind: 'RUN',
  mounts: [],
  devices: [],
  heredocs: [],
  ...over,
})
const copy = (over: Record<string, unknown>) => ({
  kind: 'COPY',
  link: false,
  exclude: [],
  parents: false,
  heredocs: [],
  ...over,
})

describe('parseDockerfile: instructions', () => {
  const cases: Array<[string, string, Record<string, unknown>]> = [
    ['RUN shell', 'RUN echo hi', run({ command: { shell: 'echo hi' } })],
    ['RUN exec', 'RUN ["echo", "hi"]', run({ command: { exec: ['echo', 'hi'] } })],
    ['RUN lowercase', 'run echo hi', run({ command: { shell: 'echo hi' } })],
    ['RUN bad JSON falls back to shell', "RUN ['echo', 'hi']", run({ command: { shell: "['echo', 'hi']" } })],
    ['RUN unterminated JSON falls back', 'RUN ["echo", "hi"', run({ command: { shell: '["echo", "hi"' } })],
    ['RUN JSON with trailing text', 'RUN ["echo"] extra', run({ command: { exec: ['echo'] } })],
    ['RUN keeps # inside', "RUN echo 'a # b'", run({ command: { shell: "echo 'a # b'" } })],
    ['RUN --network', 'RUN --network=none true', run({ network: 'none', command: { shell: 'true' } })],
    [
      'RUN --security',
      'RUN --security=insecure true',
      run({ security: 'insecure', command: { shell: 'true' } }),
    ],
    [
      'RUN --mount cache',
      'RUN --mount=type=cache,target=/c,id=x,sharing=locked,mode=0700,uid=1,gid=2 true',
      run({
        mounts: [
          {
            type: 'cache',
            target: '/c',
            id: 'x',
            sharing: 'locked',
            mode: 0o700,
            uid: 1,
            gid: 2,
            readonly: false,
            raw: 'type=cache,target=/c,id=x,sharing=locked,mode=0700,uid=1,gid=2',
          },
        ],
        command: { shell: 'true' },
      }),
    ],
    [
      'RUN --mount bind default ro, tmpfs, secret',
      'RUN --mount=target=/src,from=build,source=/out --mount=type=tmpfs,dst=/t,size=64m --mount=type=secret,id=tok,env=TOKEN,required true',
      run({
        mounts: [
          {
            type: 'bind',
            target: '/src',
            from: 'build',
            source: '/out',
            readonly: true,
            raw: 'target=/src,from=build,source=/out',
          },
          {
            type: 'tmpfs',
            target: '/t',
            size: 64 * 1024 * 1024,
            readonly: false,
            raw: 'type=tmpfs,dst=/t,size=64m',
          },
          {
            type: 'secret',
            target: '',
            id: 'tok',
            env: 'TOKEN',
            required: true,
            readonly: true,
            raw: 'type=secret,id=tok,env=TOKEN,required',
          },
        ],
        command: { shell: 'true' },
      }),
    ],
    [
      'RUN --mount bind rw',
      'RUN --mount=type=bind,target=/x,rw true',
      run({
        mounts: [{ type: 'bind', target: '/x', readonly: false, raw: 'type=bind,target=/x,rw' }],
        command: { shell: 'true' },
      }),
    ],
    ['CMD shell', 'CMD echo hi', { kind: 'CMD', command: { shell: 'echo hi' } }],
    ['CMD exec', 'CMD ["a","b c"]', { kind: 'CMD', command: { exec: ['a', 'b c'] } }],
    ['CMD empty array', 'CMD []', { kind: 'CMD', command: { exec: [] } }],
    [
      'ENTRYPOINT exec',
      'ENTRYPOINT ["/bin/app", "-x"]',
      { kind: 'ENTRYPOINT', command: { exec: ['/bin/app', '-x'] } },
    ],
    ['ENTRYPOINT shell', 'ENTRYPOINT exec top -b', { kind: 'ENTRYPOINT', command: { shell: 'exec top -b' } }],
    ['SHELL', 'SHELL ["/bin/bash", "-c"]', { kind: 'SHELL', shell: ['/bin/bash', '-c'] }],
    [
      'ENV new form',
      'ENV a=1 b="two words" c=\\$x d=',
      {
        kind: 'ENV',
        pairs: [
          { key: 'a', value: '1' },
          { key: 'b', value: '"two words"' },
          { key: 'c', value: '\\$x' },
          { key: 'd', value: '' },
        ],
      },
    ],
    [
      'ENV legacy form',
      'ENV MY_VAR  some value here',
      { kind: 'ENV', pairs: [{ key: 'MY_VAR', value: 'some value here' }] },
    ],
    ['ARG without default', 'ARG name', { kind: 'ARG', args: [{ key: 'name' }] }],
    [
      'ARG with default',
      'ARG name=v1 other="a b" empty=',
      {
        kind: 'ARG',
        args: [
          { key: 'name', value: 'v1' },
          { key: 'other', value: '"a b"' },
          { key: 'empty', value: '' },
        ],
      },
    ],
    [
      'LABEL multi',
      'LABEL "com.example.vendor"="ACME" version=1.0 description="a \\"b\\""',
      {
        kind: 'LABEL',
        pairs: [
          { key: '"com.example.vendor"', value: '"ACME"' },
          { key: 'version', value: '1.0' },
          { key: 'description', value: '"a \\"b\\""' },
        ],
      },
    ],
    [
      'LABEL legacy',
      'LABEL key value with spaces',
      { kind: 'LABEL', pairs: [{ key: 'key', value: 'value with spaces' }] },
    ],
    [
      'MAINTAINER',
      'MAINTAINER Jane Doe <jane@example.com>',
      { kind: 'MAINTAINER', maintainer: 'Jane Doe <jane@example.com>' },
    ],
    [
      'EXPOSE sorted with /udp',
      'EXPOSE 8080 53/udp 80/tcp',
      { kind: 'EXPOSE', ports: ['53/udp', '80/tcp', '8080'] },
    ],
    ['VOLUME JSON', 'VOLUME ["/data", "/logs dir"]', { kind: 'VOLUME', volumes: ['/data', '/logs dir'] }],
    ['VOLUME plain', 'VOLUME /a /b', { kind: 'VOLUME', volumes: ['/a', '/b'] }],
    ['USER', 'USER app:app', { kind: 'USER', user: 'app:app' }],
    ['WORKDIR', 'WORKDIR ${HOME}/src', { kind: 'WORKDIR', path: '${HOME}/src' }],
    ['STOPSIGNAL', 'STOPSIGNAL SIGKILL', { kind: 'STOPSIGNAL', signal: 'SIGKILL' }],
    ['HEALTHCHECK NONE', 'HEALTHCHECK NONE', { kind: 'HEALTHCHECK', test: 'NONE' }],
    [
      'HEALTHCHECK flags shell',
      'HEALTHCHECK --interval=5m --timeout=3s --start-period=1m30s --start-interval=500ms --retries=4 CMD curl -f http://localhost/ || exit 1',
      {
        kind: 'HEALTHCHECK',
        test: 'CMD',
        command: { shell: 'curl -f http://localhost/ || exit 1' },
        interval: 300e9,
        timeout: 3e9,
        startPeriod: 90e9,
        startInterval: 500e6,
        retries: 4,
      },
    ],
    [
      'HEALTHCHECK exec defaults',
      'HEALTHCHECK CMD ["true"]',
      {
        kind: 'HEALTHCHECK',
        test: 'CMD',
        command: { exec: ['true'] },
        interval: 0,
        timeout: 0,
        startPeriod: 0,
        startInterval: 0,
        retries: 0,
      },
    ],
    ['COPY', 'COPY a b /dst/', copy({ sources: ['a', 'b'], dest: '/dst/' })],
    ['COPY JSON', 'COPY ["a b", "/d st/"]', copy({ sources: ['a b'], dest: '/d st/' })],
    [
      'COPY flags',
      'COPY --from=build --chown=1:2 --chmod=755 --link --parents --exclude=*.md --exclude=tmp ./x /y',
      copy({
        from: 'build',
        chown: '1:2',
        chmod: '755',
        link: true,
        parents: true,
        exclude: ['*.md', 'tmp'],
        sources: ['./x'],
        dest: '/y',
      }),
    ],
    ['COPY --link=false', 'COPY --link=false a b', copy({ sources: ['a'], dest: 'b' })],
    [
      'ADD flags',
      'ADD --keep-git-dir --checksum=sha256:abc --unpack=false --chown=app --exclude=x https://example.com/a.tar.gz /d',
      {
        kind: 'ADD',
        link: false,
        exclude: ['x'],
        parents: false,
        keepGitDir: true,
        checksum: 'sha256:abc',
        unpack: false,
        chown: 'app',
        sources: ['https://example.com/a.tar.gz'],
        dest: '/d',
        heredocs: [],
      },
    ],
    [
      'ONBUILD with nested RUN',
      'ONBUILD RUN --network=none echo hi',
      {
        kind: 'ONBUILD',
        expression: 'RUN --network=none echo hi',
        instruction: run({ network: 'none', command: { shell: 'echo hi' } }),
      },
    ],
    [
      'ONBUILD COPY',
      'onbuild COPY . /app',
      { kind: 'ONBUILD', expression: 'COPY . /app', instruction: copy({ sources: ['.'], dest: '/app' }) },
    ],
  ]
  for (const [name, text, want] of cases) {
    it(name, () => assert.deepEqual(first(text), want))
  }
})

describe('parseDockerfile: FROM and stages', () => {
  it('splits stages, names them lowercase, keeps global args', () => {
    const df = parseDockerfile(
      '# syntax=docker/dockerfile:1\nARG VERSION=1.0\nARG OTHER\nFROM --platform=$BUILDPLATFORM busybox:${VERSION} AS Build\nRUN true\nFROM scratch\nCOPY --from=build /x /x\n',
      { file: 'Dockerfile' },
    )
    assert.equal(df.file, 'Dockerfile')
    assert.deepEqual(df.directives, { escape: '\\', syntax: 'docker/dockerfile:1' })
    assert.deepEqual(
      df.globalArgs.map((a) => [a.line, a.args]),
      [
        [2, [{ key: 'VERSION', value: '1.0' }]],
        [3, [{ key: 'OTHER' }]],
      ],
    )
    assert.equal(df.stages.length, 2)
    const [s0, s1] = df.stages
    assert.equal(s0?.name, 'build')
    assert.equal(s0?.index, 0)
    assert.deepEqual(
      { image: s0?.base.image, platform: s0?.base.platform, as: s0?.base.as, line: s0?.base.line },
      { image: 'busybox:${VERSION}', platform: '$BUILDPLATFORM', as: 'build', line: 4 },
    )
    assert.equal(s0?.instructions.length, 1)
    assert.equal(s1?.name, undefined)
    assert.equal(s1?.index, 1)
    assert.equal(s1?.instructions[0]?.line, 7)
  })

  it('keeps the original text of each instruction', () => {
    const df = parseDockerfile('FROM busybox\n  RUN echo a \\\n   b\n')
    assert.equal(df.stages[0]?.base.original, 'FROM busybox')
    assert.equal(df.stages[0]?.instructions[0]?.original, 'RUN echo a    b')
  })
})

describe('parseDockerfile: lines, comments, continuations', () => {
  it('joins continuations and drops comment lines inside them', () => {
    const df = parseDockerfile(
      'FROM busybox\nRUN echo hello \\\n# a comment\n  # indented comment\nworld\nRUN next\n',
    )
    const [a, b] = df.stages[0]?.instructions ?? []
    assert.deepEqual(
      [a?.line, a?.endLine, (a as { command: unknown }).command],
      [2, 5, { shell: 'echo hello world' }],
    )
    assert.equal(b?.line, 6)
  })

  it('skips empty continuation lines with a warning', () => {
    const df = parseDockerfile('FROM busybox\nRUN echo a \\\n\n  b\n')
    assert.deepEqual(commandOf(df), { shell: 'echo a   b' })
    assert.match(df.warnings[0] ?? '', /Empty continuation line/)
  })

  it('accepts leading whitespace, CRLF and a BOM', () => {
    const df = parseDockerfile('\uFEFF  FROM busybox\r\n\t# comment\r\n   RUN true\r\n')
    assert.deepEqual(commandOf(df), { shell: 'true' })
    assert.equal(df.stages[0]?.instructions[0]?.line, 3)
  })

  it('an escaped escape at end of line does not continue it', () => {
    const df = parseDockerfile('FROM busybox\nRUN echo a\\\\\nRUN b\n')
    assert.equal(df.stages[0]?.instructions.length, 2)
  })

  it('escape directive with backtick (Windows style)', () => {
    const df = parseDockerfile(
      '# escape=`\nFROM busybox\nCOPY testfile.txt c:\\\nRUN dir c:\\ `\n  /w\nENV a="x`"y"\n',
    )
    assert.equal(df.directives.escape, '`')
    const [c, r, e] = df.stages[0]?.instructions ?? []
    assert.deepEqual([(c as { dest: string }).dest], ['c:\\'])
    assert.deepEqual((r as { command: unknown }).command, { shell: 'dir c:\\   /w' })
    assert.deepEqual((e as { pairs: unknown }).pairs, [{ key: 'a', value: '"x`"y"' }])
  })

  it('directives only at the top; unknown ones end the directive block', () => {
    assert.equal(parseDockerfile('FROM busybox\n# escape=`\n').directives.escape, '\\')
    assert.equal(parseDockerfile('# comment\n# escape=`\nFROM busybox\n').directives.escape, '\\')
    assert.equal(parseDockerfile('\n# escape=`\nFROM busybox\n').directives.escape, '\\')
    assert.deepEqual(parseDockerfile('#check=skip=all\n# ESCAPE = `\nFROM busybox\n').directives, {
      escape: '`',
      check: 'skip=all',
    })
  })
})

describe('parseDockerfile: heredocs', () => {
  it('RUN <<EOF as a script', () => {
    const df = parseDockerfile('FROM busybox\nRUN <<EOF\n#!/bin/sh\necho $HOME\nEOF\nRUN after\n')
    const [r, after] = df.stages[0]?.instructions ?? []
    assert.deepEqual(
      strip(r as Instruction),
      run({
        command: { shell: '<<EOF' },
        heredocs: [{ name: 'EOF', content: '#!/bin/sh\necho $HOME\n', expand: true, chomp: false }],
      }),
    )
    assert.deepEqual([r?.line, r?.endLine, after?.line], [2, 5, 6])
    assert.deepEqual(runHeredocPlan(r as never), {
      script: { name: 'EOF', content: '#!/bin/sh\necho $HOME\n' },
    })
  })

  it('<<-EOF strips leading tabs, quoted <<"EOF" turns expansion off, several on one line', () => {
    const r = first('RUN <<-EOF cat > /a && <<"EOT" cat > /b\n\t\tone\n\tEOF\n  two $X\nEOT\n')
    assert.deepEqual(r.heredocs, [
      { name: 'EOF', content: 'one\n', expand: true, chomp: true },
      { name: 'EOT', content: '  two $X\n', expand: false, chomp: false },
    ])
    const plan = runHeredocPlan(
      parseDockerfile("FROM b\nRUN <<A cat && <<'B' cat\n1\nA\n2\nB\n").stages[0]?.instructions[0] as never,
    )
    assert.deepEqual(plan, { shell: "<<A cat && <<'B' cat\n1\nA\n2\nB" })
  })

  it('single-quoted and partly quoted words disable expansion', () => {
    assert.equal((first("RUN <<'E' x\nE\n").heredocs as Array<{ expand: boolean }>)[0]?.expand, false)
    assert.equal(
      (first('RUN <<E"O"F x\nEOF\n').heredocs as Array<{ name: string; expand: boolean }>)[0]?.expand,
      false,
    )
  })

  it('COPY <<EOF with inline content', () => {
    const c = first('COPY --chmod=644 <<EOF <<-"EOT" /dst/\nhello ${X}\nEOF\n\tbye\n\tEOT\n')
    assert.deepEqual(
      c,
      copy({
        chmod: '644',
        sources: [],
        dest: '/dst/',
        heredocs: [
          { path: 'EOF', content: 'hello ${X}\n', expand: true },
          { path: 'EOT', content: 'bye\n', expand: false },
        ],
      }),
    )
  })

  it('ONBUILD RUN with a heredoc', () => {
    const o = first('ONBUILD RUN <<EOF\necho hi\nEOF\n')
    assert.equal(o.expression, 'RUN <<EOF\necho hi\nEOF')
    assert.deepEqual((o.instruction as { heredocs: unknown }).heredocs, [
      { name: 'EOF', content: 'echo hi\n', expand: true, chomp: false },
    ])
  })

  it('exec-form RUN and other instructions do not read heredoc bodies', () => {
    assert.equal(body('RUN ["cat", "<<EOF"]\nRUN x\n').length, 2)
    assert.equal(body('CMD cat <<EOF\nRUN x\n').length, 2)
  })
})

describe('parseDockerfile: errors', () => {
  const cases: Array<[string, string, number, string]> = [
    ['unknown instruction', 'FROM busybox\nRUN true\nXYZZY bar\n', 3, 'unknown instruction: XYZZY'],
    [
      'unknown instruction close to FROM',
      'FROM busybox\nFOO bar\n',
      2,
      'unknown instruction: FOO (did you mean FROM?)',
    ],
    [
      'unknown instruction with suggestion',
      'FROM busybox\nRUNN true\n',
      2,
      'unknown instruction: RUNN (did you mean RUN?)',
    ],
    [
      'suggestion keeps lowercase',
      'FROM busybox\ncopyy a b\n',
      2,
      'unknown instruction: copyy (did you mean copy?)',
    ],
    [
      'unknown instruction after a continuation',
      'FROM busybox\nRUN a \\\n b\nBAR\n',
      4,
      'unknown instruction: BAR (did you mean ARG?)',
    ],
    ['instruction before FROM', 'RUN true\nFROM busybox\n', 1, 'no build stage in current context'],
    ['empty file', '# just a comment\n\n', 2, 'file with no instructions'],
    ['FROM arguments', 'FROM a b\n', 1, 'FROM requires either one or three arguments'],
    [
      'stage name',
      'FROM a AS 1x\n',
      1,
      'invalid name for build stage: "1x", name can\'t start with a number or contain symbols',
    ],
    ['duplicate stage', 'FROM a AS x\nFROM b AS X\n', 2, 'duplicate stage name "x"'],
    ['unknown flag', 'FROM a\nCOPY --bogus=1 a b\n', 2, 'unknown flag: bogus'],
    [
      'unknown flag with suggestion',
      'FROM a\nCOPY --chmow=1 a b\n',
      2,
      'unknown flag: chmow (did you mean chmod?)',
    ],
    ['flag without value', 'FROM a\nCOPY --from a b\n', 2, 'missing a value on flag: from'],
    [
      'bad bool flag',
      'FROM a\nCOPY --link=maybe a b\n',
      2,
      'expecting boolean value for flag link, not: maybe',
    ],
    ['duplicate flag', 'FROM a\nCOPY --chown=1 --chown=2 a b\n', 2, 'duplicate flag specified: chown'],
    [
      'COPY destination',
      'FROM a\nCOPY a\n',
      2,
      'COPY requires at least two arguments, but only one was provided. Destination could not be determined',
    ],
    [
      'COPY heredoc dest',
      'FROM a\nCOPY a <<EOF\nx\nEOF\n',
      2,
      'COPY cannot accept a heredoc as a destination',
    ],
    ['ENV without value', 'FROM a\nENV x\n', 2, 'ENV must have two arguments'],
    [
      'ENV mixed forms',
      'FROM a\nENV a=1 b\n',
      2,
      'Syntax error - can\'t find = in "b". Must be of the form: name=value',
    ],
    ['ENV blank name', 'FROM a\nENV =x\n', 2, 'ENV names can not be blank'],
    ['ENV empty', 'FROM a\nENV\n', 2, 'ENV requires at least one argument'],
    ['ARG empty', 'ARG\nFROM a\n', 1, 'ARG requires at least one argument'],
    ['LABEL empty', 'FROM a\nLABEL\n', 2, 'LABEL requires at least one argument'],
    ['EXPOSE empty', 'FROM a\nEXPOSE\n', 2, 'EXPOSE requires at least one argument'],
    ['USER empty', 'FROM a\nUSER\n', 2, 'USER requires exactly one argument'],
    ['VOLUME empty string', 'FROM a\nVOLUME [""]\n', 2, 'VOLUME specified can not be an empty string'],
    ['SHELL not JSON', 'FROM a\nSHELL /bin/sh -c\n', 2, 'SHELL requires the arguments to be in JSON form'],
    [
      'JSON of non-strings',
      'FROM a\nCMD [1, 2]\n',
      2,
      'when using JSON array syntax, arrays must be comprised of strings only',
    ],
    ['HEALTHCHECK NONE args', 'FROM a\nHEALTHCHECK NONE x\n', 2, 'HEALTHCHECK NONE takes no arguments'],
    ['HEALTHCHECK type', 'FROM a\nHEALTHCHECK FOO x\n', 2, 'Unknown type "FOO" in HEALTHCHECK (try CMD)'],
    ['HEALTHCHECK missing cmd', 'FROM a\nHEALTHCHECK CMD\n', 2, 'Missing command after HEALTHCHECK CMD'],
    [
      'HEALTHCHECK short interval',
      'FROM a\nHEALTHCHECK --interval=1us CMD x\n',
      2,
      'Interval "interval" cannot be less than 1ms',
    ],
    [
      'HEALTHCHECK bad duration',
      'FROM a\nHEALTHCHECK --timeout=abc CMD x\n',
      2,
      'time: invalid duration "abc"',
    ],
    [
      'HEALTHCHECK retries',
      'FROM a\nHEALTHCHECK --retries=0 CMD x\n',
      2,
      '--retries must be at least 1 (not 0)',
    ],
    [
      'ONBUILD ONBUILD',
      'FROM a\nONBUILD ONBUILD RUN x\n',
      2,
      "Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed",
    ],
    ['ONBUILD FROM', 'FROM a\nONBUILD FROM b\n', 2, "FROM isn't allowed as an ONBUILD trigger"],
    [
      'ONBUILD MAINTAINER',
      'FROM a\nONBUILD maintainer b\n',
      2,
      "MAINTAINER isn't allowed as an ONBUILD trigger",
    ],
    ['unterminated heredoc', 'FROM a\nRUN <<EOF\necho\n', 2, 'unterminated heredoc'],
    ['network mode', 'FROM a\nRUN --network=bridge x\n', 2, 'unsupported network mode "bridge"'],
    [
      'mount type',
      'FROM a\nRUN --mount=type=cahce,target=/x y\n',
      2,
      'unsupported mount type "cahce" (did you mean cache?)',
    ],
    ['mount key', 'FROM a\nRUN --mount=target=/x,bogus=1 y\n', 2, "unexpected key 'bogus' in 'bogus=1'"],
    [
      'mount mode on bind',
      'FROM a\nRUN --mount=target=/x,mode=0700 y\n',
      2,
      'mode not allowed for "bind" type mounts',
    ],
    [
      'mount from variable',
      'FROM a\nRUN --mount=target=/x,from=$X y\n',
      2,
      "'from' doesn't support variable expansion, define alias stage instead",
    ],
    [
      'double escape directive',
      '# escape=`\n# escape=\\\nFROM a\n',
      2,
      'only one escape parser directive can be used',
    ],
    ['bad escape token', '# escape=x\nFROM a\n', 1, "invalid escape token 'x' does not match ` or \\"],
  ]
  for (const [name, text, line, detail] of cases) {
    it(name, () => {
      assert.throws(
        () => parseDockerfile(text),
        (err: unknown) => {
          assert.ok(err instanceof DockerfileParseError, String(err))
          assert.ok(err instanceof InvalidArgumentError)
          assert.equal(err.detail, detail)
          assert.equal(err.line, line)
          assert.equal(err.message, `dockerfile parse error on line ${line}: ${detail}`)
          return true
        },
      )
    })
  }

  it('a file with only ARGs has no stage', () => {
    assert.throws(
      () => parseDockerfile('ARG a\n'),
      (err: unknown) => err instanceof InvalidArgumentError && /no stages/.test(err.message),
    )
  })
})
