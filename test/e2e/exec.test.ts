// Living containers through the real docker CLI and berth: exec (output, exit code, -e/-w/-u,
// -i stdin, -d, not running → 409), stats (--no-stream with a memory limit), and TTYs (raw
// output, and an interactive session in tmux: resize seen by `stty size`, detach, re-attach).
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { e2eSkipReason, REPO, TestDaemon } from '../support/daemon.ts'

const skip = e2eSkipReason()

describe('exec, stats and TTYs against berthd', { skip }, () => {
  let d: TestDaemon
  let box: string
  before(async () => {
    d = await TestDaemon.start()
    const r = await d.docker(['run', '-d', '--name', 'box', '-m', '64m', 'busybox', 'sleep', '300'])
    assert.equal(r.code, 0, r.stderr)
    box = r.stdout.trim()
  })
  after(async () => {
    await d?.stop() // removes every container, even after a failed test
  })

  for (const cli of ['docker', 'berth'] as const) {
    const run = (args: string[], input?: string) =>
      cli === 'docker' ? d.docker(args, { input }) : d.berth(args, { input })

    it(`${cli} exec: output, stderr and exit code`, async () => {
      const r = await run(['exec', 'box', 'sh', '-c', 'echo out; echo err >&2; exit 3'])
      assert.equal(r.code, 3, r.stderr)
      assert.equal(r.stdout, 'out\n')
      assert.equal(r.stderr, 'err\n')
    })

    it(`${cli} exec -e -w -u`, async () => {
      const r = await run([
        'exec',
        '-e',
        'FOO=bar',
        '-w',
        '/tmp',
        '-u',
        'nobody',
        'box',
        'sh',
        '-c',
        'echo $FOO; pwd; id -u',
      ])
      assert.equal(r.code, 0, r.stderr)
      assert.equal(r.stdout, 'bar\n/tmp\n65534\n')
    })

    it(`${cli} exec -i forwards stdin and closes it at EOF`, async () => {
      const r = await run(['exec', '-i', 'box', 'sh', '-c', 'cat; echo done'], 'piped in\n')
      assert.equal(r.code, 0, r.stderr)
      assert.equal(r.stdout, 'piped in\ndone\n')
    })

    it(`${cli} exec -t: raw terminal output`, async () => {
      const r = await run(['exec', '-t', 'box', 'echo', 'hi'])
      assert.equal(r.code, 0, r.stderr)
      assert.equal(r.stdout, 'hi\r\n')
    })

    it(`${cli} exec -d runs in the background`, async () => {
      const r = await run(['exec', '-d', 'box', 'sh', '-c', `touch /tmp/${cli}-detached`])
      assert.equal(r.code, 0, r.stderr)
      assert.equal(r.stdout, '')
      let seen = false
      for (let i = 0; i < 50 && !seen; i++) {
        seen = (await run(['exec', 'box', 'test', '-e', `/tmp/${cli}-detached`])).code === 0
        if (!seen) await sleep(50)
      }
      assert.ok(seen)
    })

    it(`${cli} exec of a missing command fails with 126/127`, async () => {
      const r = await run(['exec', 'box', 'nosuchcommand'])
      assert.ok(r.code === 126 || r.code === 127, `${r.code} ${r.stderr}`)
      assert.match(r.stdout + r.stderr, /not found|no such file/)
    })
  }

  it('exec into a stopped container is a 409 "is not running"', async () => {
    const c = await d.docker(['create', 'busybox', 'true'])
    const id = c.stdout.trim()
    const api = await d.api('POST', `/containers/${id}/exec`, { Cmd: ['true'] })
    assert.equal(api.status, 409)
    assert.match(api.json().message, new RegExp(`Container ${id} is not running`))
    const r = await d.docker(['exec', id, 'true'])
    assert.notEqual(r.code, 0)
    assert.match(r.stderr, /is not running/)
    const b = await d.berth(['exec', id, 'true'])
    assert.notEqual(b.code, 0)
    assert.match(b.stderr, /is not running/)
  })

  it('exec inspect reports ExitCode, Running and ProcessConfig', async () => {
    const created = await d.api('POST', `/containers/${box}/exec`, { Cmd: ['sh', '-c', 'exit 7'] })
    assert.equal(created.status, 201, created.body)
    const execId = created.json().Id as string
    const started = await d.api('POST', `/exec/${execId}/start`, { Detach: true })
    assert.equal(started.status, 200, started.body)
    let info = (await d.api('GET', `/exec/${execId}/json`)).json()
    for (let i = 0; i < 50 && info.Running; i++) {
      await sleep(50)
      info = (await d.api('GET', `/exec/${execId}/json`)).json()
    }
    assert.equal(info.Running, false)
    assert.equal(info.ExitCode, 7)
    assert.equal(info.ContainerID, box)
    assert.deepEqual(info.ProcessConfig.arguments, ['-c', 'exit 7'])
    assert.equal((await d.api('GET', '/exec/nosuch/json')).status, 404)
  })

  it('docker stats --no-stream shows the memory usage and the -m limit', async () => {
    // A container of its own: under crun, a failed exec (above, in box) leaves a zombie that the
    // host's init reaps when it gets to it, and the pids controller counts it until then.
    const c = await d.docker(['run', '-d', '--name', 'statbox', '-m', '64m', 'busybox', 'sleep', '300'])
    assert.equal(c.code, 0, c.stderr)
    const r = await d.docker([
      'stats',
      '--no-stream',
      '--format',
      '{{.Name}}|{{.MemUsage}}|{{.PIDs}}',
      'statbox',
    ])
    await d.docker(['rm', '-f', 'statbox'])
    assert.equal(r.code, 0, r.stderr)
    const [name, mem, pids] = r.stdout.trim().split('|')
    assert.equal(name, 'statbox')
    const [usage, limit] = (mem ?? '').split(' / ')
    assert.equal(limit, '64MiB')
    assert.match(usage ?? '', /^\d+(\.\d+)?(B|KiB|MiB)$/)
    assert.notEqual(usage, '0B')
    assert.equal(pids, '1')
  })

  it('berth stats --no-stream prints docker columns', async () => {
    const r = await d.berth(['stats', '--no-stream'])
    assert.equal(r.code, 0, r.stderr)
    const [header, ...rows] = r.stdout.trim().split('\n')
    assert.match(
      header ?? '',
      /^CONTAINER ID\s+NAME\s+CPU %\s+MEM USAGE \/ LIMIT\s+MEM %\s+NET I\/O\s+BLOCK I\/O\s+PIDS$/,
    )
    const row = rows.find((l) => l.includes(' box '))
    assert.ok(row, r.stdout)
    assert.match(row, /\/ 64MiB/)
  })

  it('stats API: one-shot document with cpu, memory and pids', async () => {
    const r = await d.api('GET', `/containers/${box}/stats?stream=0&one-shot=1`)
    assert.equal(r.status, 200)
    const s = r.json()
    assert.equal(s.id, box)
    assert.equal(s.name, '/box')
    assert.ok(s.cpu_stats.cpu_usage.total_usage > 0)
    assert.ok(s.cpu_stats.system_cpu_usage > 0)
    assert.ok(s.memory_stats.usage > 0)
    assert.equal(s.memory_stats.limit, 64 * 1024 * 1024)
    assert.equal(s.pids_stats.current, 1)
    assert.equal((await d.api('GET', '/containers/nosuch/stats?stream=0')).status, 404)
  })

  it('docker run -t: output arrives raw', async () => {
    const r = await d.docker(['run', '--rm', '-t', 'busybox', 'echo', 'hi'])
    assert.equal(r.code, 0, r.stderr)
    assert.equal(r.stdout, 'hi\r\n')
    const b = await d.berth(['run', '--rm', '-t', 'busybox', 'echo', 'hi'])
    assert.equal(b.code, 0, b.stderr)
    assert.equal(b.stdout, 'hi\r\n')
  })

  const tmux = ['/usr/bin/tmux', '/usr/local/bin/tmux'].find((p) => existsSync(p))
  it('an interactive TTY session in tmux: resize, detach, re-attach', {
    skip: tmux ? false : 'needs tmux',
  }, async () => {
    const server = `berth-e2e-${process.pid}`
    const t = (...args: string[]) => spawnSync(tmux!, ['-L', server, ...args], { encoding: 'utf8' })
    const screen = () => t('capture-pane', '-p', '-t', 'tty').stdout
    const waitFor = async (re: RegExp) => {
      for (let i = 0; i < 100; i++) {
        if (re.test(screen())) return
        await sleep(50)
      }
      assert.match(screen(), re)
    }
    const node = process.execPath
    const berth = `${node} ${join(REPO, 'src/cmd/berth.ts')}`
    const env = `env BERTH_HOST=${d.host} DOCKER_HOST=${d.host} DOCKER_CONFIG=${join(d.dir, 'docker-config')}`
    const script = [
      `${env} ${berth} run -it --name tty busybox sh; echo RUN-EXIT=$?`,
      `${env} docker attach tty; echo ATTACH-EXIT=$?`,
      `${env} ${berth} attach tty; echo BERTH-ATTACH-EXIT=$?`,
      'sleep 60',
    ].join('; ')
    try {
      assert.equal(t('new-session', '-d', '-s', 'tty', '-x', '100', '-y', '30', script).status, 0)
      await waitFor(/^\/ #/m)
      t('send-keys', '-t', 'tty', 'stty size', 'Enter')
      await waitFor(/^30 100$/m)
      t('resize-window', '-t', 'tty', '-x', '80', '-y', '20')
      await sleep(300)
      t('send-keys', '-t', 'tty', 'stty size', 'Enter')
      await waitFor(/^20 80$/m)
      t('send-keys', '-t', 'tty', 'C-p', 'C-q')
      await waitFor(/RUN-EXIT=0/)
      const ps = await d.docker(['ps', '--filter', 'name=tty', '--format', '{{.Status}}'])
      assert.match(ps.stdout, /^Up/)
      await sleep(500)
      t('send-keys', '-t', 'tty', 'echo via-do""cker', 'Enter')
      await waitFor(/^via-docker/m)
      t('send-keys', '-t', 'tty', 'C-p', 'C-q')
      await waitFor(/ATTACH-EXIT=1/)
      await sleep(500)
      t('send-keys', '-t', 'tty', 'echo via-be""rth; exit 5', 'Enter')
      await waitFor(/BERTH-ATTACH-EXIT=5/)
      assert.match(screen(), /^via-berth/m)
    } finally {
      t('kill-server')
    }
  })
})
