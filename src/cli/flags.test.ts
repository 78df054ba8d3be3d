import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { FlagError, type FlagSpec, parseFlags } from './flags.ts'

const SPECS: FlagSpec[] = [
  { long: 'interactive', short: 'i', type: 'bool' },
  { long: 'tty', short: 't', type: 'bool' },
  { long: 'env', short: 'e', type: 'list' },
  { long: 'name', type: 'string' },
  { long: 'publish', short: 'p', type: 'list' },
  { long: 'last', short: 'n', type: 'int' },
  { long: 'rm', type: 'bool' },
]

describe('parseFlags', () => {
  it('combines short booleans (-it)', () => {
    const r = parseFlags(SPECS, ['-it', 'alpine'])
    assert.equal(r.values.interactive, true)
    assert.equal(r.values.tty, true)
    assert.deepEqual(r.args, ['alpine'])
  })
  it('accepts --flag=value, --flag value, attached and =-attached short values', () => {
    const r = parseFlags(SPECS, ['--name=a', '--env', 'A=1', '-eB=2', '-e=C=3', '-p', '80'])
    assert.equal(r.values.name, 'a')
    assert.deepEqual(r.values.env, ['A=1', 'B=2', 'C=3'])
    assert.deepEqual(r.values.publish, ['80'])
  })
  it('repeats list flags and keeps the last scalar', () => {
    const r = parseFlags(SPECS, ['--name', 'a', '--name', 'b', '-e', 'X', '-e', 'Y'])
    assert.equal(r.values.name, 'b')
    assert.deepEqual(r.values.env, ['X', 'Y'])
  })
  it('parses bool values like strconv.ParseBool', () => {
    assert.equal(parseFlags(SPECS, ['--rm=false']).values.rm, false)
    assert.throws(() => parseFlags(SPECS, ['--rm=x']), {
      message: 'invalid argument "x" for "--rm" flag: strconv.ParseBool: parsing "x": invalid syntax',
    })
  })
  it('parses ints and reports bad ones with the flag names', () => {
    assert.equal(parseFlags(SPECS, ['-n', '3']).values.last, 3)
    assert.throws(() => parseFlags(SPECS, ['-n', 'x']), {
      message: 'invalid argument "x" for "-n, --last" flag: strconv.ParseInt: parsing "x": invalid syntax',
    })
  })
  it('stops at the first positional when not interspersed', () => {
    const r = parseFlags(SPECS, ['-i', 'alpine', 'ls', '-la', '--name', 'x'], { interspersed: false })
    assert.deepEqual(r.args, ['alpine', 'ls', '-la', '--name', 'x'])
    assert.equal(r.values.name, undefined)
  })
  it('intersperses flags and positionals by default', () => {
    assert.deepEqual(parseFlags(SPECS, ['a', '--rm', 'b']).args, ['a', 'b'])
  })
  it('ends flags at --', () => {
    const r = parseFlags(SPECS, ['--rm', '--', '-i', 'x'])
    assert.deepEqual(r.args, ['-i', 'x'])
    assert.equal(r.values.interactive, undefined)
  })
  it('treats a lone - as a positional (stdin)', () => {
    assert.deepEqual(parseFlags(SPECS, ['-']).args, ['-'])
  })
  it('reports unknown flags and missing values as pflag does', () => {
    assert.throws(() => parseFlags(SPECS, ['--nope']), new FlagError('unknown flag: --nope'))
    assert.throws(() => parseFlags(SPECS, ['-iz']), new FlagError("unknown shorthand flag: 'z' in -iz"))
    assert.throws(() => parseFlags(SPECS, ['-e']), new FlagError("flag needs an argument: 'e' in -e"))
    assert.throws(() => parseFlags(SPECS, ['--name']), new FlagError('flag needs an argument: --name'))
  })
  it('records which flags were set', () => {
    const r = parseFlags(SPECS, ['--rm=false'])
    assert.ok(r.changed.has('rm'))
    assert.ok(!r.changed.has('tty'))
  })
})
