// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Dockerfile text uses ${var} literally
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { BuildArgs, formatPlatform, platformArgs, unusedArgsWarning } from './args.ts'
import { parseDockerfile } from './parser.ts'
import type { ArgInstruction, Dockerfile } from './types.ts'

function setup(
  text: string,
  buildArgs: Record<string, string | null> = {},
): { df: Dockerfile; args: BuildArgs } {
  const df = parseDockerfile(text)
  return { df, args: new BuildArgs({ buildArgs }, df.globalArgs) }
}

/** The ARG instructions of stage `i`. */
const stageArgs = (df: Dockerfile, i = 0) =>
  (df.stages[i]?.instructions ?? []).filter((x): x is ArgInstruction => x.kind === 'ARG')

describe('platformArgs', () => {
  it('linux/amd64 by default', () => {
    assert.deepEqual(platformArgs(), {
      TARGETPLATFORM: 'linux/amd64',
      TARGETOS: 'linux',
      TARGETARCH: 'amd64',
      TARGETVARIANT: '',
      BUILDPLATFORM: 'linux/amd64',
      BUILDOS: 'linux',
      BUILDARCH: 'amd64',
      BUILDVARIANT: '',
    })
  })
  it('variants', () => {
    const a = platformArgs({ os: 'linux', architecture: 'arm', variant: 'v7' })
    assert.deepEqual(
      [a.TARGETPLATFORM, a.TARGETVARIANT, a.BUILDPLATFORM],
      ['linux/arm/v7', 'v7', 'linux/amd64'],
    )
    assert.equal(formatPlatform({ os: 'linux', architecture: 'arm64' }), 'linux/arm64')
  })
})

describe('BuildArgs: global scope', () => {
  it('resolves defaults in order, build args override, FROM sees globals and platform args', () => {
    const { args } = setup('ARG A=1 B=${A}2\nARG C\nARG D=x\nFROM img:$A-$B-$C-$D-$TARGETARCH\n', {
      D: 'given',
    })
    assert.deepEqual(
      [...args.global],
      [
        ['A', '1'],
        ['B', '12'],
        ['C', undefined],
        ['D', 'given'],
      ],
    )
    const lookup = args.fromLookup()
    assert.deepEqual(['A', 'C', 'D', 'TARGETARCH', 'BUILDPLATFORM', 'NOPE'].map(lookup), [
      '1',
      undefined,
      'given',
      'amd64',
      'linux/amd64',
      undefined,
    ])
  })

  it('a global ARG declared without value still yields the platform value', () => {
    const { args } = setup('ARG TARGETOS\nFROM x\n')
    assert.equal(args.fromLookup()('TARGETOS'), 'linux')
  })

  it('null build args are ignored', () => {
    const { args } = setup('ARG A=dflt\nFROM x\n', { A: null })
    assert.equal(args.global.get('A'), 'dflt')
  })
})

describe('BuildArgs: stage scope', () => {
  it('globals are invisible until redeclared; redeclaration inherits the global value', () => {
    const { df, args } = setup('ARG V=1.0\nARG W=g\nFROM x\nARG V\nARG W=stage\n')
    const st = args.stage()
    assert.equal(st.lookup(() => undefined)('V'), undefined)
    const [v, w] = stageArgs(df)
    assert.deepEqual(st.declare(v as ArgInstruction), [{ key: 'V', value: '1.0' }])
    assert.deepEqual(st.declare(w as ArgInstruction), [{ key: 'W', value: 'stage' }])
  })

  it('build args override stage defaults and globals', () => {
    const { df, args } = setup('ARG V=g\nFROM x\nARG V=s\nARG U\n', { V: 'cli', U: 'u' })
    const st = args.stage()
    for (const a of stageArgs(df)) st.declare(a)
    assert.deepEqual(
      [...st.values],
      [
        ['V', 'cli'],
        ['U', 'u'],
      ],
    )
  })

  it('defaults expand with ENV (which wins over ARG) and earlier ARGs', () => {
    const { df, args } = setup('FROM x\nARG A=a B=${A}b C=$HOME/c\n')
    const st = args.stage()
    const env = (n: string) => (n === 'HOME' ? '/root' : n === 'A' ? 'from-env' : undefined)
    st.declare(stageArgs(df)[0] as ArgInstruction, env)
    assert.deepEqual(
      [...st.values],
      [
        ['A', 'a'],
        ['B', 'from-envb'],
        ['C', '/root/c'],
      ],
    )
    assert.equal(st.lookup(env)('A'), 'from-env')
    assert.equal(st.lookup(() => undefined)('A'), 'a')
  })

  it('platform args need a declaration in the stage', () => {
    const { df, args } = setup('FROM x\nARG TARGETPLATFORM\nARG BUILDARCH\n')
    const st = args.stage()
    assert.equal(st.lookup(() => undefined)('TARGETPLATFORM'), undefined)
    for (const a of stageArgs(df)) st.declare(a)
    assert.equal(st.lookup(() => undefined)('TARGETPLATFORM'), 'linux/amd64')
    assert.equal(st.lookup(() => undefined)('BUILDARCH'), 'amd64')
  })

  it('each stage starts empty', () => {
    const { df, args } = setup('FROM x AS a\nARG A=1\nFROM y\nRUN true\n')
    const s0 = args.stage()
    s0.declare(stageArgs(df, 0)[0] as ArgInstruction)
    assert.equal(args.stage().lookup(() => undefined)('A'), undefined)
  })
})

describe('BuildArgs: RUN environment and history', () => {
  it('declared args with values, proxy build args, minus ENV keys; sorted like moby', () => {
    const { df, args } = setup('FROM x\nARG B=2 A0=0 A=1 NOVALUE OVER=arg\n', {
      http_proxy: 'http://p:3128',
      B: 'cli',
    })
    const st = args.stage()
    st.declare(stageArgs(df)[0] as ArgInstruction)
    assert.deepEqual(st.runEnv(['OVER']), ['A0=0', 'A=1', 'B=cli', 'http_proxy=http://p:3128'])
    // Proxy args stay out of history unless declared.
    assert.equal(st.historyPrefix(['OVER']), '|3 A0=0 A=1 B=cli ')
  })

  it('declared proxy args show in history; no args, no prefix', () => {
    const { df, args } = setup('FROM x\nARG HTTP_PROXY\n', { HTTP_PROXY: 'http://p' })
    assert.equal(setup('FROM x\n').args.stage().historyPrefix([]), '')
    const st = args.stage()
    st.declare(stageArgs(df)[0] as ArgInstruction)
    assert.equal(st.historyPrefix([]), '|1 HTTP_PROXY=http://p ')
  })

  it('only undeclared proxies: |0 prefix like the legacy builder', () => {
    const { args } = setup('FROM x\n', { no_proxy: 'localhost' })
    const st = args.stage()
    assert.deepEqual(st.runEnv([]), ['no_proxy=localhost'])
    assert.equal(st.historyPrefix([]), '|0 ')
  })
})

describe('BuildArgs.unused', () => {
  it('lists build args no ARG declared, proxies excepted', () => {
    const { df, args } = setup('ARG G\nFROM x\nARG S\n', {
      G: '1',
      S: '2',
      EXTRA: '3',
      AAA: '4',
      HTTPS_PROXY: 'p',
    })
    for (const a of stageArgs(df)) args.stage().declare(a)
    assert.deepEqual(args.unused(), ['AAA', 'EXTRA'])
    assert.equal(
      unusedArgsWarning(args.unused()),
      '[Warning] One or more build-args [AAA EXTRA] were not consumed\n',
    )
    assert.equal(unusedArgsWarning([]), '')
  })
})
