// --log-opt max-size/max-file through the docker CLI: the log on disk stays bounded (conmon
// starts a new file past max-size × max-file), `docker logs` shows the newest lines, and
// `docker logs -f` keeps following across the switch; `logs --details` shows the labels and
// variables the options name. Bad options are refused at create.
import assert from 'node:assert/strict'
import { stat } from 'node:fs/promises'
import { after, before, describe, it } from 'node:test'
import { e2eSkipReason, TestDaemon } from '../support/daemon.ts'

const skip = e2eSkipReason()

describe('log options', { skip }, () => {
  let d: TestDaemon
  before(async () => {
    d = await TestDaemon.start()
  })
  after(async () => {
    await d?.stop()
  })

  it('bounds the log at max-size × max-file and keeps the newest lines', async () => {
    const run = await d.docker([
      'run',
      '-d',
      '--name',
      'capped',
      '--log-opt',
      'max-size=10k',
      '--log-opt',
      'max-file=2',
      'busybox',
      'sh',
      '-c',
      'i=0; while [ $i -lt 3000 ]; do echo line-$i; i=$((i+1)); done; sleep 1; echo last',
    ])
    assert.equal(run.code, 0, run.stderr)
    try {
      const follow = d.docker(['logs', '-f', 'capped'])
      assert.equal((await d.docker(['wait', 'capped'])).stdout.trim(), '0')
      const logs = await d.docker(['logs', 'capped'])
      // The newest lines only (a switch of file may fall anywhere, even just before `last`).
      assert.match(logs.stdout, /\nlast\n$|^last\n$/)
      assert.doesNotMatch(logs.stdout, /^line-0$/m)
      assert.ok(logs.stdout.split('\n').length < 3000)
      const inspect = JSON.parse((await d.docker(['inspect', 'capped'])).stdout)[0]
      assert.ok((await stat(inspect.LogPath)).size <= 20_000 + 200, 'log file bounded')
      const followed = await follow
      assert.equal(followed.code, 0, followed.stderr)
      assert.match(followed.stdout, /last\n$/, 'followed into the newest file')
    } finally {
      await d.docker(['rm', '-f', 'capped'])
    }
  })

  it('logs --details shows the labels and variables the log options name before each line', async () => {
    const run = await d.docker([
      'run',
      '--name',
      'detailed',
      '--label',
      'team=web ops',
      '--log-opt',
      'labels=team',
      '-e',
      'STAGE=prod',
      '--log-opt',
      'env=STAGE',
      'busybox',
      'echo',
      'hi',
    ])
    assert.equal(run.code, 0, run.stderr)
    for (const cli of [d.docker.bind(d), d.berth.bind(d)]) {
      const logs = await cli(['logs', '--details', 'detailed'])
      assert.equal(logs.stdout, 'STAGE=prod,team=web+ops hi\n')
    }
    const plain = await d.docker(['run', '--name', 'plain', 'busybox', 'echo', 'hi'])
    assert.equal(plain.code, 0, plain.stderr)
    assert.equal((await d.docker(['logs', '--details', 'plain'])).stdout, ' hi\n')
    const ts = await d.docker(['logs', '--details', '--timestamps', 'plain'])
    assert.match(ts.stdout, /^\d{4}-\d\d-\d\dT[\d:.]+Z {2}hi\n$/)
    await d.docker(['rm', 'detailed', 'plain'])
  })

  it("refuses unknown options and bad sizes with dockerd's messages", async () => {
    const unknown = await d.docker(['create', '--log-opt', 'max-sise=1m', 'busybox'])
    assert.notEqual(unknown.code, 0)
    assert.match(unknown.stderr, /unknown log opt 'max-sise' for json-file log driver/)
    const bad = await d.docker(['create', '--log-opt', 'max-file=0', 'busybox'])
    assert.match(bad.stderr, /max-file cannot be less than 1/)
  })
})
