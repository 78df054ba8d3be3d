import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { displayablePorts } from './ports.ts'
import { tabwrite } from './table.ts'
import { bytesSize, goDuration, goTimeString, humanDuration, humanSize, ramInBytes } from './units.ts'

describe('humanSize (units.HumanSizeWithPrecision, 3 digits)', () => {
  const cases: [number, string][] = [
    [0, '0B'],
    [999, '999B'],
    [1000, '1kB'],
    [1234, '1.23kB'],
    [4_260_000, '4.26MB'],
    [187_654_321, '188MB'],
    [7_800_000_000, '7.8GB'],
    [999_500, '1e+03kB'],
  ]
  for (const [n, want] of cases) it(`${n} → ${want}`, () => assert.equal(humanSize(n), want))
  it('4 digits as units.HumanSize', () => {
    assert.equal(humanSize(191_914_321, 4), '191.9MB')
    assert.equal(humanSize(3702, 4), '3.702kB')
  })
  it('binary sizes as units.BytesSize', () => {
    assert.equal(bytesSize(33_554_432_000), '31.25GiB')
    assert.equal(bytesSize(1024), '1KiB')
  })
})

describe('humanDuration (units.HumanDuration)', () => {
  const s = 1000
  const cases: [number, string][] = [
    [500, 'Less than a second'],
    [1 * s, '1 second'],
    [3 * s, '3 seconds'],
    [59 * s, '59 seconds'],
    [60 * s, 'About a minute'],
    [119 * s, 'About a minute'],
    [120 * s, '2 minutes'],
    [59 * 60 * s, '59 minutes'],
    [60 * 60 * s, 'About an hour'],
    [5 * 3600 * s, '5 hours'],
    [47 * 3600 * s, '47 hours'],
    [3 * 86400 * s, '3 days'],
    [20 * 86400 * s, '2 weeks'],
    [400 * 86400 * s, '13 months'],
    [800 * 86400 * s, '2 years'],
  ]
  for (const [ms, want] of cases) it(`${ms}ms → ${want}`, () => assert.equal(humanDuration(ms), want))
})

describe('size parsing and Go formats', () => {
  it('RAMInBytes', () => {
    assert.equal(ramInBytes('512m'), 512 * 1024 * 1024)
    assert.equal(ramInBytes('1g'), 1024 ** 3)
    assert.equal(ramInBytes('100'), 100)
    assert.throws(() => ramInBytes('foo'), /invalid size: 'foo'/)
  })
  it('time.Duration.String', () => {
    assert.equal(goDuration(5e9), '5s')
    assert.equal(goDuration(90e9), '1m30s')
    assert.equal(goDuration(1.5e6), '1.5ms')
  })
  it('time.Time.String in UTC', () => {
    const tz = process.env.TZ
    process.env.TZ = 'UTC'
    assert.equal(goTimeString(new Date(Date.UTC(2025, 5, 1, 10, 0, 0))), '2025-06-01 10:00:00 +0000 UTC')
    process.env.TZ = tz
  })
})

describe('tabwrite (Go tabwriter, minwidth 10, padding 3)', () => {
  it('pads columns to the widest cell plus padding', () => {
    assert.equal(
      tabwrite('A\tBB\tC\nxxxxxxxxxxxx\ty\tz\n'),
      'A              BB        C\nxxxxxxxxxxxx   y         z\n',
    )
  })
  it('does not pad the trailing cell but pads empty tab-terminated cells', () => {
    assert.equal(tabwrite('A\tB\t\nx\ty\t\n'), 'A         B         \nx         y         \n')
  })
  it('a line without tabs ends a column block', () => {
    assert.equal(
      tabwrite('a\tb\nsingle\nccc\tddddddddddddd\te\n'),
      'a         b\nsingle\nccc       ddddddddddddd   e\n',
    )
  })
  it('counts runes, not bytes', () => {
    assert.equal(tabwrite('é…\tx\n'), 'é…        x\n')
  })
})

describe('displayablePorts', () => {
  it('groups ranges, shows host mappings after, in docker order', () => {
    const ports = [
      { IP: '0.0.0.0', PrivatePort: 80, PublicPort: 8080, Type: 'tcp' as const },
      { IP: '::', PrivatePort: 80, PublicPort: 8080, Type: 'tcp' as const },
      { PrivatePort: 443, Type: 'tcp' as const },
      { PrivatePort: 444, Type: 'tcp' as const },
    ]
    assert.equal(displayablePorts(ports), '443-444/tcp, 0.0.0.0:8080->80/tcp, [::]:8080->80/tcp')
  })
  it('groups identical host/container ranges per IP', () => {
    const ports = [
      { PrivatePort: 53, Type: 'udp' as const },
      { IP: '127.0.0.1', PrivatePort: 5000, PublicPort: 5000, Type: 'tcp' as const },
      { IP: '127.0.0.1', PrivatePort: 5001, PublicPort: 5001, Type: 'tcp' as const },
    ]
    assert.equal(displayablePorts(ports), '53/udp, 127.0.0.1:5000-5001->5000-5001/tcp')
  })
  it('is empty without ports', () => assert.equal(displayablePorts([]), ''))
})
