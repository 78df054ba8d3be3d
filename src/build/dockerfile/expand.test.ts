// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Dockerfile text uses ${var} literally
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { InvalidArgumentError } from '../../lib/errors.ts'
import { expand, expandHeredoc, expandWords } from './expand.ts'

const env: Record<string, string> = {
  FOO: 'foo',
  EMPTY: '',
  PATHV: '/usr/local/bin',
  STR: 'foobarbaz',
  SP: 'a b  c',
}
const vars = (name: string) => env[name]

describe('expand', () => {
  const cases: Array<[string, string]> = [
    ['plain', 'plain'],
    ['$FOO', 'foo'],
    ['${FOO}', 'foo'],
    ['${FOO}_bar', 'foo_bar'],
    ['$FOO_bar', ''],
    ['$UNSET', ''],
    ['a$', 'a$'],
    ['$1x', 'x'],
    ['${UNSET:-def}', 'def'],
    ['${EMPTY:-def}', 'def'],
    ['${FOO:-def}', 'foo'],
    ['${UNSET-def}', 'def'],
    ['${EMPTY-def}', ''],
    ['${FOO:+alt}', 'alt'],
    ['${EMPTY:+alt}', ''],
    ['${UNSET:+alt}', ''],
    ['${EMPTY+alt}', 'alt'],
    ['${UNSET+alt}', ''],
    ['${UNSET:-$FOO}', 'foo'],
    ['${UNSET:-${FOO:+x}y}', 'xy'],
    ['${FOO:?msg}', 'foo'],
    ['${STR#f*b}', 'arbaz'],
    ['${STR##f*b}', 'az'],
    ['${STR%b*}', 'foobar'],
    ['${STR%%b*}', 'foo'],
    ['${STR#nomatch}', 'foobarbaz'],
    ['${STR/ba/fo}', 'fooforbaz'],
    ['${STR//ba/fo}', 'fooforfoz'],
    ['${STR/b?r/X}', 'fooXbaz'],
    ["'$FOO'", '$FOO'],
    ['"$FOO"', 'foo'],
    ['"a \\"q\\" b"', 'a "q" b'],
    ['"\\$FOO"', '$FOO'],
    ['"a\\nb"', 'a\\nb'],
    ['\\$FOO', '$FOO'],
    ['\\${FOO}', '${FOO}'],
    ['a\\ b', 'a b'],
    ["'it''s'", 'its'],
    ['"${SP}"', 'a b  c'],
  ]
  for (const [input, want] of cases) {
    it(`${input} → ${want}`, () => assert.equal(expand(input, vars), want))
  }

  it('uses the backtick escape token', () => {
    assert.equal(expand('`$FOO', vars, { escape: '`' }), '$FOO')
    assert.equal(expand('C:\\dir\\$FOO', vars, { escape: '`' }), 'C:\\dir\\foo')
  })

  it('reports used variables', () => {
    const used: string[] = []
    expand('$FOO ${BAR:-x} "$BAZ"', vars, { onUse: (n) => used.push(n) })
    assert.deepEqual(used, ['FOO', 'BAR', 'BAZ'])
  })

  const errors: Array<[string, RegExp]> = [
    ['${FOO', /missing '}'/],
    ['${}', /bad substitution/],
    ['${:x}', /bad substitution/],
    ['${UNSET:?}', /UNSET: is not allowed to be unset/],
    ['${EMPTY:?}', /EMPTY: is not allowed to be empty/],
    ['${UNSET?custom message}', /UNSET: custom message/],
    ["'open", /matching single-quote/],
    ['"open', /matching double-quote/],
    ['${FOO*x}', /unsupported modifier \(\*\)/],
  ]
  for (const [input, re] of errors) {
    it(`rejects ${input}`, () => {
      assert.throws(
        () => expand(input, vars),
        (err: unknown) =>
          err instanceof InvalidArgumentError &&
          re.test(err.message) &&
          err.message.startsWith('failed to process'),
      )
    })
  }
})

describe('expandWords', () => {
  const cases: Array<[string, string[]]> = [
    ['a b  c', ['a', 'b', 'c']],
    ['"a b" c', ['a b', 'c']],
    ['$SP', ['a', 'b', 'c']],
    ['"$SP"', ['a b  c']],
    ['x$FOO y', ['xfoo', 'y']],
    ['"" a', ['a']],
    ['a\\ b c', ['a b', 'c']],
    ['80/tcp ${UNSET:-443}', ['80/tcp', '443']],
  ]
  for (const [input, want] of cases) {
    it(`${input} → ${JSON.stringify(want)}`, () => assert.deepEqual(expandWords(input, vars), want))
  }
})

describe('expandHeredoc', () => {
  it('substitutes variables and keeps quotes and other backslashes', () => {
    assert.equal(
      expandHeredoc('echo "hello ${FOO}" \'$FOO\'\nprintf "a\\nb"\n', vars),
      'echo "hello foo" \'foo\'\nprintf "a\\nb"\n',
    )
  })
  it('honors \\$ and \\\\ escapes and default values', () => {
    assert.equal(expandHeredoc('\\$FOO \\\\ ${UNSET:-d e} $\n', vars), '$FOO \\ d e $\n')
  })
})
