import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { InstructionError } from './errors.ts'
import { parseHeredocMarker } from './heredoc.ts'
import { canContainHeredoc, parseGoDuration } from './instructions.ts'
import { extractFlags, parseJsonArray, parseWords, splitCommand, splitFields } from './words.ts'

describe('splitCommand / extractFlags', () => {
  const cases: Array<[string, { name: string; flags: string[]; rest: string }]> = [
    ['RUN echo hi', { name: 'RUN', flags: [], rest: 'echo hi' }],
    ['  copy   --from=a  --link x y  ', { name: 'copy', flags: ['--from=a', '--link'], rest: 'x y' }],
    ['COPY --chown="a b" x y', { name: 'COPY', flags: ['--chown=a b'], rest: 'x y' }],
    [
      'RUN --mount=type=bind,target=/x\\ y cmd',
      { name: 'RUN', flags: ['--mount=type=bind,target=/x y'], rest: 'cmd' },
    ],
    ['RUN -- --not-a-flag', { name: 'RUN', flags: [], rest: '--not-a-flag' }],
    ['RUN -x', { name: 'RUN', flags: [], rest: '-x' }],
    ['CMD', { name: 'CMD', flags: [], rest: '' }],
    ['RUN --network=none', { name: 'RUN', flags: ['--network=none'], rest: '' }],
  ]
  for (const [line, want] of cases) it(line, () => assert.deepEqual(splitCommand(line), want))

  it('extractFlags stops at the first non-flag word', () => {
    assert.deepEqual(extractFlags('--a=1 b --c=2'), { flags: ['--a=1'], rest: 'b --c=2' })
  })
})

describe('parseWords', () => {
  const cases: Array<[string, string, string[]]> = [
    ['a=1 b="x y" c', '\\', ['a=1', 'b="x y"', 'c']],
    ["a='x y' b=\\ c", '\\', ["a='x y'", 'b=\\ c']],
    ['a="x \\" y"', '\\', ['a="x \\" y"']],
    ["a='it\\'", '\\', ["a='it\\'"]],
    ['x=`"q`"', '`', ['x=`"q`"']],
    ['""', '\\', ['""']],
    ['  ', '\\', []],
  ]
  for (const [input, esc, want] of cases)
    it(`${input} (${esc})`, () => assert.deepEqual(parseWords(input, esc), want))
})

describe('splitFields', () => {
  it('splits on runs of blanks', () => assert.deepEqual(splitFields('a \t b  c'), ['a', 'b', 'c']))
  it('empty gives none', () => assert.deepEqual(splitFields(''), []))
})

describe('parseJsonArray', () => {
  const cases: Array<[string, string[] | undefined]> = [
    ['["a", "b"]', ['a', 'b']],
    ['  ["a\\"b", "\\u00e9"]', ['a"b', 'é']],
    ['[]', []],
    ['["a"] trailing', ['a']],
    ["['a']", undefined],
    ['["a",]', undefined],
    ['["a"', undefined],
    ['echo [x]', undefined],
  ]
  for (const [input, want] of cases) it(input, () => assert.deepEqual(parseJsonArray(input), want))
  it('rejects non-strings', () => {
    assert.throws(() => parseJsonArray('["a", 1]'), InstructionError)
    assert.throws(() => parseJsonArray('[["a"]]'), InstructionError)
  })
})

describe('heredoc markers', () => {
  const cases: Array<[string, ReturnType<typeof parseHeredocMarker>]> = [
    ['<<EOF', { name: 'EOF', expand: true, chomp: false, fileDescriptor: 0 }],
    ['<<-EOF', { name: 'EOF', expand: true, chomp: true, fileDescriptor: 0 }],
    ['<<"EOF"', { name: 'EOF', expand: false, chomp: false, fileDescriptor: 0 }],
    ["<<-'E O'", { name: 'E O', expand: false, chomp: true, fileDescriptor: 0 }],
    ['3<<EOF', { name: 'EOF', expand: true, chomp: false, fileDescriptor: 3 }],
    ['<<', undefined],
    ['<<<EOF', undefined],
    ['a<<EOF', undefined],
  ]
  for (const [word, want] of cases) it(word, () => assert.deepEqual(parseHeredocMarker(word), want))

  it('canContainHeredoc: shell-form RUN/COPY/ADD, also under ONBUILD', () => {
    assert.equal(canContainHeredoc('run', '<<EOF'), true)
    assert.equal(canContainHeredoc('COPY', '<<EOF /x'), true)
    assert.equal(canContainHeredoc('RUN', '["<<EOF"]'), false)
    assert.equal(canContainHeredoc('CMD', '<<EOF'), false)
    assert.equal(canContainHeredoc('ONBUILD', 'RUN <<EOF'), true)
    assert.equal(canContainHeredoc('ONBUILD', 'ENV a=<<EOF'), false)
  })
})

describe('parseGoDuration', () => {
  const cases: Array<[string, number]> = [
    ['0', 0],
    ['30s', 30e9],
    ['1m30s', 90e9],
    ['1.5h', 5400e9],
    ['.5s', 500e6],
    ['300ms', 300e6],
    ['10us', 10e3],
    ['10µs', 10e3],
    ['7ns', 7],
    ['-2s', -2e9],
  ]
  for (const [input, want] of cases)
    it(`${input} → ${want}`, () => assert.equal(parseGoDuration(input), want))
  const bad: Array<[string, RegExp]> = [
    ['', /invalid duration/],
    ['abc', /invalid duration/],
    ['10', /missing unit/],
    ['1x', /invalid duration/],
  ]
  for (const [input, re] of bad)
    it(`rejects "${input}"`, () => assert.throws(() => parseGoDuration(input), re))
})
