// The berth CLI against a real berthd: docker's commands, output and exit codes.
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { e2eSkipReason, REPO, TestDaemon } from '../support/daemon.ts'

const skip = e2eSkipReason()

describe('berth CLI', { skip }, () => {
  let d: TestDaemon
  before(async () => {
    d = await TestDaemon.start()
  })
  after(async () => {
    await d?.stop()
  })

  it('runs attached with the exit code, and -d prints the id', async () => {
    const r = await d.berth(['run', '--rm', 'busybox', 'sh', '-c', 'echo hi; exit 5'])
    assert.equal(r.code, 5, r.stderr)
    assert.equal(r.stdout, 'hi\n')
    const det = await d.berth(['run', '-d', 'busybox', 'true'])
    assert.match(det.stdout.trim(), /^[0-9a-f]{64}$/)
    await d.berth(['rm', '-f', det.stdout.trim()])
  })

  it('passes stdin with -i', async () => {
    const r = await d.berth(['run', '--rm', '-i', 'busybox', 'sh', '-c', 'tr a-z A-Z'], { input: 'shout\n' })
    assert.equal(r.code, 0, r.stderr)
    assert.equal(r.stdout, 'SHOUT\n')
  })

  it('gives 125 for daemon errors and 127 for a missing command', async () => {
    const noImage = await d.berth(['run', '--rm', 'nosuchimage:1', 'true'])
    assert.equal(noImage.code, 125)
    const noCmd = await d.berth(['run', '--rm', 'busybox', 'nosuchcmd'])
    assert.equal(noCmd.code, 127)
    const bad = await d.berth(['rm', 'nosuch'])
    assert.equal(bad.code, 1)
    assert.match(bad.stderr, /Error response from daemon: No such container: nosuch/)
  })

  it('ps shows docker columns; -q and --format work', async () => {
    await d.berth(['run', '-d', '--name', 'pscheck', '-l', 'k=v', 'busybox', 'sleep', '60'])
    const ps = await d.berth(['ps'])
    assert.match(
      ps.stdout.split('\n')[0]!,
      /^CONTAINER ID\s+IMAGE\s+COMMAND\s+CREATED\s+STATUS\s+PORTS\s+NAMES$/,
    )
    assert.match(ps.stdout, /busybox\s+"sleep 60"\s+.*Up .*pscheck/)
    const q = await d.berth(['ps', '-q', '--filter', 'label=k=v'])
    assert.match(q.stdout.trim(), /^[0-9a-f]{12}$/)
    const f = await d.berth(['ps', '--format', '{{.Names}}:{{.Label "k"}}'])
    assert.match(f.stdout, /^pscheck:v$/m)
    const top = await d.berth(['top', 'pscheck'])
    assert.match(top.stdout, /sleep 60/)
    assert.equal((await d.berth(['rename', 'pscheck', 'pscheck2'])).code, 0)
    assert.equal((await d.berth(['restart', '-t', '1', 'pscheck2'])).code, 0)
    assert.equal((await d.berth(['rm', '-f', 'pscheck2'])).code, 0)
  })

  it('logs with --tail, --timestamps and --follow', async () => {
    await d.berth([
      'run',
      '--name',
      'logger',
      'busybox',
      'sh',
      '-c',
      'for i in 1 2 3 4; do echo $i; done; echo err >&2',
    ])
    assert.equal((await d.berth(['logs', 'logger'])).stdout, '1\n2\n3\n4\n')
    assert.equal((await d.berth(['logs', 'logger'])).stderr, 'err\n')
    assert.equal((await d.berth(['logs', '--tail', '2', 'logger'])).stdout, '4\n')
    assert.match((await d.berth(['logs', '-t', 'logger'])).stdout, /^\d{4}-\d\d-\d\dT\S+Z 1$/m)
    await d.berth(['rm', 'logger'])
    await d.berth(['run', '-d', '--name', 'follower', 'busybox', 'sh', '-c', 'echo a; sleep 1; echo b'])
    const f = await d.berth(['logs', '-f', 'follower'])
    assert.equal(f.stdout, 'a\nb\n')
    await d.berth(['rm', '-f', 'follower'])
  })

  it('tags, saves, loads, imports, shows history and removes images', async (t) => {
    const dir = await mkdtemp(join(tmpdir(), 'berth-img-'))
    t.after(() => rm(dir, { recursive: true, force: true }))
    assert.equal((await d.berth(['tag', 'busybox', 'example.com/team/box:v1'])).code, 0)
    const images = await d.berth(['images'])
    assert.match(images.stdout.split('\n')[0]!, /^REPOSITORY\s+TAG\s+IMAGE ID\s+CREATED\s+SIZE$/)
    assert.match(images.stdout, /example.com\/team\/box\s+v1/)
    const tarPath = join(dir, 'box.tar')
    assert.equal((await d.berth(['save', '-o', tarPath, 'example.com/team/box:v1'])).code, 0)
    const rmi = await d.berth(['rmi', 'example.com/team/box:v1'])
    assert.match(rmi.stdout, /Untagged: example.com\/team\/box:v1/)
    const load = await d.berth(['load', '-i', tarPath])
    assert.match(load.stdout, /Loaded image: example.com\/team\/box:v1/)
    const hist = await d.berth(['history', 'busybox'])
    assert.match(hist.stdout.split('\n')[0]!, /^IMAGE\s+CREATED\s+CREATED BY\s+SIZE\s+COMMENT$/)
    const used = await d.berth(['create', 'example.com/team/box:v1', 'true'])
    // The first reference is only untagged (another tag remains); the last one is in use.
    const conflict = await d.berth(['rmi', 'example.com/team/box:v1', 'busybox'])
    assert.notEqual(conflict.code, 0)
    assert.match(conflict.stdout, /Untagged: example.com\/team\/box:v1/)
    assert.match(
      conflict.stderr,
      /conflict: unable to remove repository reference "busybox" \(must force\) - container [0-9a-f]{12} is using its referenced image/,
    )
    await d.berth(['rm', used.stdout.trim()])
    assert.equal((await d.berth(['image', 'inspect', 'busybox'])).code, 0)
    assert.notEqual((await d.berth(['image', 'inspect', 'example.com/team/box:v1'])).code, 0)
  })

  it('inspect, version, info and system df', async () => {
    const v = await d.berth(['version'])
    assert.match(v.stdout, /Client:[\s\S]*Server:[\s\S]*API version:\s+1.47/)
    const info = await d.berth(['info', '--format', '{{.OSType}}/{{.Driver}}'])
    assert.equal(info.stdout.trim(), 'linux/overlay2')
    const df = await d.berth(['system', 'df'])
    assert.match(df.stdout, /^TYPE\s+TOTAL\s+ACTIVE\s+SIZE\s+RECLAIMABLE$/m)
    const ins = await d.berth(['inspect', '--type', 'image', '-f', '{{.Architecture}}', 'busybox'])
    assert.equal(ins.stdout.trim(), 'amd64')
  })

  it('proxies signals to the container (--sig-proxy, the default), not with --sig-proxy=false', async () => {
    const runAndSignal = async (extra: string[]) => {
      const child = spawn(
        process.execPath,
        [
          join(REPO, 'src/cmd/berth.ts'),
          'run',
          '--rm',
          ...extra,
          'busybox',
          'sh',
          '-c',
          'trap "echo got-term; exit 3" TERM; echo ready; while true; do sleep 0.1; done',
        ],
        { env: { ...process.env, BERTH_HOST: d.host }, stdio: ['ignore', 'pipe', 'pipe'] },
      )
      let out = ''
      child.stdout.on('data', (b: Buffer) => {
        out += b.toString()
        if (out.includes('ready') && !out.includes('sent')) {
          out += 'sent'
          child.kill('SIGTERM')
        }
      })
      const code = await new Promise<number | null>((res) => child.on('exit', (c) => res(c)))
      return { code, out }
    }
    const proxied = await runAndSignal([])
    assert.equal(proxied.code, 3)
    assert.match(proxied.out, /got-term/)
    const name = `nosig-${Date.now()}`
    const direct = await runAndSignal(['--name', name, '--sig-proxy=false'])
    assert.notEqual(direct.code, 3, 'the CLI itself ends on the signal')
    assert.doesNotMatch(direct.out, /got-term/)
    await d.berth(['rm', '-f', name])
  })
})
