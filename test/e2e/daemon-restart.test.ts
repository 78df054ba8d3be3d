// Live restore: SIGKILL berthd with containers running; they keep running; a container that
// exits while berthd is down has its exit recorded when berthd comes back; logs, stop and wait
// keep working on re-adopted containers.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { e2eSkipReason, sleep, TestDaemon } from '../support/daemon.ts'

const skip = e2eSkipReason()

describe('daemon kill -9 and restart', { skip }, () => {
  let d: TestDaemon
  before(async () => {
    d = await TestDaemon.start()
  })
  after(async () => {
    await d?.stop()
  })

  it('keeps containers running and records exits that happened while down', async () => {
    const long = await d.berth([
      'run',
      '-d',
      '--name',
      'survivor',
      'busybox',
      'sh',
      '-c',
      'echo up; sleep 300',
    ])
    assert.equal(long.code, 0, long.stderr)
    const short = await d.berth([
      'run',
      '-d',
      '--name',
      'quitter',
      'busybox',
      'sh',
      '-c',
      'sleep 2; echo bye; exit 7',
    ])
    assert.equal(short.code, 0, short.stderr)
    const pid = (await d.api('GET', '/containers/survivor/json')).json().State.Pid as number
    assert.ok(pid > 0)

    await d.kill9()
    await sleep(3000)
    process.kill(pid, 0) // still alive: throws otherwise
    await d.launch()

    const survivor = (await d.api('GET', '/containers/survivor/json')).json()
    assert.equal(survivor.State.Status, 'running')
    assert.equal(survivor.State.Pid, pid)
    const quitter = (await d.api('GET', '/containers/quitter/json')).json()
    assert.equal(quitter.State.Status, 'exited')
    assert.equal(quitter.State.ExitCode, 7)
    assert.ok(Date.parse(quitter.State.FinishedAt) > Date.parse(quitter.State.StartedAt))

    // The event log outlived the daemon: events from before the kill replay with --since.
    const replay = await d.docker([
      'events',
      '--since',
      '0',
      '--until',
      String(Math.ceil(Date.now() / 1000)),
      '--filter',
      'container=quitter',
      '--format',
      '{{.Action}}',
    ])
    assert.equal(replay.code, 0, replay.stderr)
    assert.match(replay.stdout, /^create\nstart\n/)
    assert.equal((await d.berth(['logs', 'quitter'])).stdout, 'bye\n')
    assert.equal((await d.berth(['logs', 'survivor'])).stdout, 'up\n')
    const waiter = d.berth(['wait', 'survivor'])
    const stop = await d.berth(['stop', '-t', '1', 'survivor'])
    assert.equal(stop.code, 0, stop.stderr)
    assert.equal((await waiter).stdout.trim(), '137')
    assert.throws(() => process.kill(pid, 0))
  })
})
