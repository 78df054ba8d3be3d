// commit, diff and export with real containers, through the docker CLI and berth: diff output
// in docker's format, a committed image that keeps additions, changes and deletions, commit
// with -c, and export → import → run.
import assert from 'node:assert/strict'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { e2eSkipReason, TestDaemon } from '../support/daemon.ts'

const skip = e2eSkipReason()

// Adds /added, changes /etc/passwd, deletes /etc/group and a whole lower directory's file,
// and replaces a lower directory (opaque) — each kind of overlay change.
const MUTATE = [
  'echo new > /added',
  'echo extra >> /etc/passwd',
  'rm /etc/group',
  'mkdir -p /home/x && echo deep > /home/x/f',
].join(' && ')

describe('commit, diff and export', { skip }, () => {
  let d: TestDaemon
  let host: string
  before(async () => {
    d = await TestDaemon.start()
    host = await mkdtemp(join(tmpdir(), 'berth-commit-host-'))
  })
  after(async () => {
    await d?.stop()
    if (host) await rm(host, { recursive: true, force: true })
  })

  const docker = async (args: string[], input?: string | Buffer) => {
    const r = await d.docker(args, { input })
    assert.equal(r.code, 0, `docker ${args.join(' ')}: ${r.stderr}`)
    return r.stdout.trim()
  }
  const berth = async (args: string[]) => {
    const r = await d.berth(args)
    assert.equal(r.code, 0, `berth ${args.join(' ')}: ${r.stderr}`)
    return r.stdout.trim()
  }
  const cleanup = async (containers: string[], images: string[]) => {
    for (const c of containers) await d.docker(['rm', '-f', c])
    for (const i of images) await d.docker(['rmi', '-f', i])
  }

  it('docker diff lists A/C/D like docker', async () => {
    try {
      await docker(['run', '--name', 'diff1', 'busybox', 'sh', '-c', MUTATE])
      const lines = (await docker(['diff', 'diff1'])).split('\n')
      for (const want of ['A /added', 'C /etc', 'C /etc/passwd', 'D /etc/group', 'A /home/x', 'A /home/x/f'])
        assert.ok(lines.includes(want), `missing "${want}" in:\n${lines.join('\n')}`)
      assert.ok(
        lines.every((l) => /^[ACD] \//.test(l)),
        lines.join('\n'),
      )
      assert.equal(lines.filter((l) => l === 'C /etc').length, 1)
      assert.deepEqual((await berth(['diff', 'diff1'])).split('\n'), lines)
      const api = await d.api('GET', '/containers/diff1/changes')
      assert.equal(api.status, 200)
      assert.ok(
        (api.json() as Array<{ Path: string; Kind: number }>).some(
          (c) => c.Path === '/etc/group' && c.Kind === 2,
        ),
      )
    } finally {
      await cleanup(['diff1'], [])
    }
  })

  it('docker commit keeps added, changed and deleted files', async () => {
    try {
      await docker(['run', '--name', 'c1', 'busybox', 'sh', '-c', MUTATE])
      const id = await docker(['commit', '-m', 'my message', '-a', 'me <me@x>', 'c1', 'committed:v1'])
      assert.match(id, /^sha256:[0-9a-f]{64}$/)
      const out = await docker([
        'run',
        '--rm',
        'committed:v1',
        'sh',
        '-c',
        'cat /added; tail -n1 /etc/passwd; test -e /etc/group && echo group-present || echo group-gone; cat /home/x/f',
      ])
      assert.equal(out, 'new\nextra\ngroup-gone\ndeep')
      const inspect = JSON.parse(await docker(['image', 'inspect', 'committed:v1']))[0]
      assert.equal(inspect.Comment, 'my message')
      assert.equal(inspect.Author, 'me <me@x>')
      assert.deepEqual(inspect.Config.Cmd, ['sh', '-c', MUTATE])
      assert.equal(inspect.RootFS.Layers.length, 2)
      const history = await docker([
        'history',
        '--no-trunc',
        '--format',
        '{{.CreatedBy}}|{{.Comment}}',
        'committed:v1',
      ])
      assert.equal(history.split('\n')[0], `sh -c ${MUTATE}|my message`)
      // A commit of a commit stays consistent: the deletion is still a deletion.
      await docker(['run', '--name', 'c2', 'committed:v1', 'sh', '-c', 'rm /added'])
      await docker(['commit', 'c2', 'committed:v2'])
      assert.equal(
        await docker(['run', '--rm', 'committed:v2', 'sh', '-c', 'test -e /added && echo yes || echo no']),
        'no',
      )
    } finally {
      await cleanup(['c1', 'c2'], ['committed:v2', 'committed:v1'])
    }
  })

  it('commit -c sets the command; a running container is paused and resumed (berth)', async () => {
    try {
      await docker(['run', '-d', '--name', 'run1', 'busybox', 'sh', '-c', 'echo x > /f; sleep 300'])
      await berth(['commit', '-c', 'CMD ["echo","hi"]', 'run1', 'withcmd'])
      assert.equal(await docker(['inspect', '-f', '{{.State.Status}}', 'run1']), 'running')
      assert.equal(await docker(['run', '--rm', 'withcmd']), 'hi')
      assert.equal(await docker(['run', '--rm', 'withcmd', 'cat', '/f']), 'x')
      const until = String(Math.floor(Date.now() / 1000) + 1)
      const ev = await d.docker(['events', '--since', '0', '--until', until, '--filter', 'event=commit'])
      assert.match(ev.stdout, /container commit/)
    } finally {
      await cleanup(['run1'], ['withcmd'])
    }
  })

  it('export output is a tarball import accepts (berth export -o, docker import)', async () => {
    try {
      await docker(['run', '--name', 'ex1', 'busybox', 'sh', '-c', 'echo exported > /marker; rm /etc/group'])
      const tar = join(host, 'ex1.tar')
      await berth(['export', '-o', tar, 'ex1'])
      assert.ok((await readFile(tar)).length > 1024)
      await docker(['import', tar, 'imported:v1'])
      const out = await docker([
        'run',
        '--rm',
        'imported:v1',
        'sh',
        '-c',
        'cat /marker; test -e /etc/group && echo group-present || echo group-gone',
      ])
      assert.equal(out, 'exported\ngroup-gone')
      // docker export to stdout, imported again from stdin.
      const r = await d.docker(['export', 'ex1'], { timeoutMs: 60_000 })
      assert.equal(r.code, 0, r.stderr)
      const bytes = await d.api('GET', '/containers/ex1/export')
      assert.equal(bytes.status, 200)
    } finally {
      await cleanup(['ex1'], ['imported:v1'])
    }
  })
})
