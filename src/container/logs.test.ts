import assert from 'node:assert/strict'
import { appendFile, mkdtemp, rename, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it, type TestContext } from 'node:test'
import { type LogEntry, parseLine, parseTime, readLogs } from './logs.ts'

async function collect(it: AsyncIterable<LogEntry[]>): Promise<string[]> {
  const out: string[] = []
  for await (const batch of it) for (const e of batch) out.push(`${e.stream}:${e.data.toString()}`)
  return out
}

/** A log with one line ("a") and a reader following it until `stop()`. */
async function following(t: TestContext) {
  const dir = await mkdtemp(join(tmpdir(), 'berth-logs-'))
  t.after(() => rm(dir, { recursive: true, force: true }))
  const path = join(dir, 'log')
  await writeFile(path, '2026-01-01T00:00:01Z stdout F a\n')
  let stop!: () => void
  const stopped = new Promise<void>((r) => {
    stop = r
  })
  return { path, stop, got: collect(readLogs(path, { follow: true, stopped })) }
}

describe('k8s-file logs', () => {
  it('parses full and partial lines', () => {
    const full = parseLine(Buffer.from('2026-11-24T04:50:01.123456789+00:00 stdout F hello world'))
    assert.equal(full?.stream, 'stdout')
    assert.equal(full?.data.toString(), 'hello world\n')
    assert.equal(full?.time, '2026-11-24T04:50:01.123456789Z')
    const partial = parseLine(Buffer.from('2026-11-24T04:50:01.1Z stderr P abc'))
    assert.equal(partial?.data.toString(), 'abc')
    assert.equal(parseLine(Buffer.from('garbage')), undefined)
  })

  it('converts offsets to UTC and nanoseconds', () => {
    const t = parseTime('2026-11-24T06:00:00.5+02:00')
    assert.equal(t.iso, '2026-11-24T04:00:00.500000000Z')
    assert.equal(t.ns, BigInt(Date.parse('2026-11-24T04:00:00Z')) * 1_000_000n + 500_000_000n)
  })

  it('reads, tails and filters by time', async (t) => {
    const dir = await mkdtemp(join(tmpdir(), 'berth-logs-'))
    t.after(() => rm(dir, { recursive: true, force: true }))
    const path = join(dir, 'log')
    await writeFile(
      path,
      [
        '2026-01-01T00:00:01.000000000Z stdout F one',
        '2026-01-01T00:00:02.000000000Z stderr F two',
        '2026-01-01T00:00:03.000000000Z stdout P thr',
        '2026-01-01T00:00:03.000000001Z stdout F ee',
        '',
      ].join('\n'),
    )
    assert.deepEqual(await collect(readLogs(path)), [
      'stdout:one\n',
      'stderr:two\n',
      'stdout:thr',
      'stdout:ee\n',
    ])
    assert.deepEqual(await collect(readLogs(path, { tail: 1 })), ['stdout:thr', 'stdout:ee\n'])
    assert.deepEqual(await collect(readLogs(path, { tail: 0 })), [])
    const since = parseTime('2026-01-01T00:00:01Z').ns
    const until = parseTime('2026-01-01T00:00:02Z').ns
    assert.deepEqual(await collect(readLogs(path, { sinceNs: since, untilNs: until })), ['stderr:two\n'])
    assert.deepEqual(await collect(readLogs(join(dir, 'missing'))), [])
  })

  it('follows new lines until the container stops', async (t) => {
    const { path, got, stop } = await following(t)
    await new Promise((r) => setTimeout(r, 50))
    await appendFile(path, '2026-01-01T00:00:02Z stdout F b\n')
    await new Promise((r) => setTimeout(r, 50))
    await appendFile(path, '2026-01-01T00:00:03Z stdout F c\n')
    stop()
    assert.deepEqual(await got, ['stdout:a\n', 'stdout:b\n', 'stdout:c\n'])
  })

  it('follows into the new file conmon renames over a full log (--log-size-max)', async (t) => {
    const { path, got, stop } = await following(t)
    await new Promise((r) => setTimeout(r, 50))
    // The last line of the old file and the rename come together, as from conmon.
    await appendFile(path, '2026-01-01T00:00:02Z stdout F b\n')
    await writeFile(`${path}.tmp`, '2026-01-01T00:00:03Z stderr F c\n')
    await rename(`${path}.tmp`, path)
    await new Promise((r) => setTimeout(r, 400))
    await appendFile(path, '2026-01-01T00:00:04Z stdout F d\n')
    await new Promise((r) => setTimeout(r, 50))
    stop()
    assert.deepEqual(await got, ['stdout:a\n', 'stdout:b\n', 'stderr:c\n', 'stdout:d\n'])
  })
})
