// The real docker CLI against a real berthd: run, ps, logs, inspect, stop/kill/rm, images.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { e2eSkipReason, TestDaemon } from '../support/daemon.ts'

const skip = e2eSkipReason()

describe('docker CLI against berthd', { skip }, () => {
  let d: TestDaemon
  before(async () => {
    d = await TestDaemon.start()
  })
  after(async () => {
    await d?.stop()
  })

  it('negotiates the API version and reports the server', async () => {
    const r = await d.docker(['version', '--format', '{{.Server.APIVersion}} {{.Server.Os}}'])
    assert.equal(r.code, 0, r.stderr)
    assert.equal(r.stdout.trim(), '1.47 linux')
    const info = await d.docker(['info', '--format', '{{.Driver}} {{.CgroupDriver}} {{.Images}}'])
    assert.equal(info.code, 0, info.stderr)
    assert.equal(info.stdout.trim(), 'overlay2 cgroupfs 1')
  })

  it('runs a container attached and prints its output', async () => {
    const r = await d.docker(['run', '--rm', 'busybox', 'echo', 'hello from berth'])
    assert.equal(r.code, 0, r.stderr)
    assert.equal(r.stdout, 'hello from berth\n')
  })

  it("returns the container's exit code", async () => {
    const r = await d.docker(['run', '--rm', 'busybox', 'sh', '-c', 'echo out; echo err >&2; exit 3'])
    assert.equal(r.code, 3)
    assert.equal(r.stdout, 'out\n')
    assert.equal(r.stderr, 'err\n')
  })

  it('runs in real isolation: own pid namespace, hostname and root', async () => {
    const r = await d.docker([
      'run',
      '--rm',
      '--hostname',
      'boxy',
      'busybox',
      'sh',
      '-c',
      'echo $$; hostname; ls /',
    ])
    assert.equal(r.code, 0, r.stderr)
    const [pid, host, ...root] = r.stdout.trim().split('\n')
    assert.equal(pid, '1')
    assert.equal(host, 'boxy')
    assert.ok(root.includes('bin') && !root.includes('work'))
  })

  it('maps a missing command to exit 127', async () => {
    const r = await d.docker(['run', '--rm', 'busybox', 'nosuchcommand'])
    assert.equal(r.code, 127, r.stderr)
    assert.match(r.stderr, /executable file not found|no such file/)
  })

  it('detaches, lists, logs, stops and removes', async () => {
    const run = await d.docker([
      'run',
      '-d',
      '--name',
      'ticker',
      'busybox',
      'sh',
      '-c',
      'echo started; while true; do sleep 1; done',
    ])
    assert.equal(run.code, 0, run.stderr)
    const id = run.stdout.trim()
    assert.match(id, /^[0-9a-f]{64}$/)
    const ps = await d.docker(['ps', '--format', '{{.Names}} {{.Status}}'])
    assert.match(ps.stdout, /^ticker Up/m)
    let logs = ''
    for (let i = 0; i < 50 && !logs.includes('started'); i++) {
      logs = (await d.docker(['logs', 'ticker'])).stdout
      await new Promise((r) => setTimeout(r, 100))
    }
    assert.equal(logs, 'started\n')
    const rmRunning = await d.docker(['rm', 'ticker'])
    assert.notEqual(rmRunning.code, 0)
    assert.match(
      rmRunning.stderr,
      /Error response from daemon: cannot remove container "\/?ticker": container is running/,
    )
    const stop = await d.docker(['stop', '-t', '1', 'ticker'])
    assert.equal(stop.code, 0, stop.stderr)
    const state = await d.docker(['inspect', '-f', '{{.State.Status}} {{.State.Running}}', 'ticker'])
    assert.equal(state.stdout.trim(), 'exited false')
    assert.equal((await d.docker(['rm', 'ticker'])).code, 0)
    const gone = await d.docker(['inspect', 'ticker'])
    assert.notEqual(gone.code, 0)
    assert.match(gone.stderr, /No such object: ticker|No such container: ticker/)
  })

  it('refuses a name already in use', async () => {
    assert.equal((await d.docker(['create', '--name', 'dup', 'busybox', 'true'])).code, 0)
    const again = await d.docker(['create', '--name', 'dup', 'busybox', 'true'])
    assert.notEqual(again.code, 0)
    assert.match(again.stderr, /Conflict. The container name "\/dup" is already in use/)
    await d.docker(['rm', 'dup'])
  })

  it('kills, pauses and unpauses', async () => {
    const id = (await d.docker(['run', '-d', 'busybox', 'sleep', '300'])).stdout.trim()
    assert.equal((await d.docker(['pause', id])).code, 0)
    assert.equal((await d.docker(['inspect', '-f', '{{.State.Status}}', id])).stdout.trim(), 'paused')
    assert.equal((await d.docker(['unpause', id])).code, 0)
    assert.equal((await d.docker(['kill', id])).code, 0)
    const wait = await d.docker(['wait', id])
    assert.equal(wait.stdout.trim(), '137')
    assert.equal((await d.docker(['rm', id])).code, 0)
  })

  it('lists and inspects images', async () => {
    const images = await d.docker(['images', '--format', '{{.Repository}}:{{.Tag}}'])
    assert.equal(images.code, 0, images.stderr)
    assert.match(images.stdout, /^busybox:latest$/m)
    const inspect = await d.docker(['image', 'inspect', '-f', '{{.Os}} {{json .Config.Cmd}}', 'busybox'])
    assert.equal(inspect.stdout.trim(), 'linux ["sh"]')
  })

  it('prunes the whole system', async () => {
    await d.docker(['create', '--name', 'stale', 'busybox', 'true'])
    const r = await d.docker(['system', 'prune', '-f'])
    assert.equal(r.code, 0, r.stderr)
    assert.match(r.stdout, /Deleted Containers:[\s\S]*Total reclaimed space/)
    assert.notEqual((await d.docker(['inspect', 'stale'])).code, 0)
  })
})
