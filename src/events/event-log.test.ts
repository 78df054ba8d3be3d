import assert from 'node:assert/strict'
import { appendFile, mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { EventBus } from './event-bus.ts'
import { EventLog } from './event-log.ts'

describe('EventLog', () => {
  let dir: string
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'berth-eventlog-'))
  })
  after(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('replays events across a restart, bounded, and survives a torn last line', async () => {
    const path = join(dir, 'events.log')
    const log = new EventLog(path, 5)
    const bus = new EventBus({ log, history: await log.load() })
    for (let i = 0; i < 12; i++) bus.publish('container', 'start', `c${i}`)
    await log.flush()
    const lines = (await readFile(path, 'utf8')).trim().split('\n')
    assert.ok(lines.length < 10, `compacted: ${lines.length} lines`)
    await appendFile(path, '{"Type":"contai')
    const again = new EventLog(path, 5)
    const restored = new EventBus({ log: again, history: await again.load() })
    assert.deepEqual(
      restored.history(0n).map((e) => e.Actor.ID),
      ['c7', 'c8', 'c9', 'c10', 'c11'],
    )
    restored.publish('container', 'die', 'c12')
    await again.flush()
    const third = new EventLog(path, 5)
    assert.equal((await third.load()).at(-1)?.Actor.ID, 'c12', 'the append after a torn line is intact')
    const times = restored.history(0n).map((e) => e.timeNano)
    assert.ok((times.at(-1) ?? 0) > (times.at(-2) ?? 0), 'new events come after the replayed ones')
  })
})
