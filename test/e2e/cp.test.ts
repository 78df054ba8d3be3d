// Copying files in and out of containers (archive API, `docker cp`, `berth cp`): files and
// directories both ways, running and stopped containers, volumes, symlinks confined to the
// container, and uploaded tarballs that try to escape write nothing outside.
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, readdir, readFile, readlink, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { BLOCK, encodeHeader, padding, type TarHeader } from '../../src/lib/tar/index.ts'
import { e2eSkipReason, TestDaemon } from '../support/daemon.ts'

const skip = e2eSkipReason()

function entry(name: string, type: TarHeader['type'], data = '', linkname = ''): Buffer {
  const body = Buffer.from(data)
  const h: TarHeader = {
    name,
    type,
    mode: type === 'directory' ? 0o755 : 0o644,
    uid: 0,
    gid: 0,
    size: type === 'file' ? body.length : 0,
    mtime: 1_700_000_000,
    linkname,
    devmajor: 0,
    devminor: 0,
    xattrs: {},
  }
  return Buffer.concat([encodeHeader(h), body, Buffer.alloc(type === 'file' ? padding(body.length) : 0)])
}

describe('cp and the archive API', { skip }, () => {
  let d: TestDaemon
  let host: string
  before(async () => {
    d = await TestDaemon.start()
    host = await mkdtemp(join(tmpdir(), 'berth-cp-host-'))
  })
  after(async () => {
    await d?.stop()
    if (host) await rm(host, { recursive: true, force: true })
    const left = (await readFile('/proc/self/mountinfo', 'utf8'))
      .split('\n')
      .filter((l) => d !== undefined && l.includes(d.dir))
    assert.deepEqual(left, [], 'no berth mount may be left on the host')
  })

  const docker = async (args: string[], input?: string | Buffer) => {
    const r = await d.docker(args, { input })
    assert.equal(r.code, 0, `docker ${args.join(' ')}: ${r.stderr}`)
    return r.stdout.trim()
  }
  const berth = async (args: string[]) => {
    const r = await d.berth(args)
    assert.equal(r.code, 0, `berth ${args.join(' ')}: ${r.stderr}`)
    return r.stdout
  }

  it('copies a file and a directory into and out of a running container (docker cp)', async () => {
    await docker(['run', '-d', '--name', 'run1', 'busybox', 'sleep', '300'])
    try {
      await writeFile(join(host, 'f.txt'), 'file-content\n')
      await mkdir(join(host, 'dir/sub'), { recursive: true })
      await writeFile(join(host, 'dir/sub/a'), 'A')
      await symlink('sub/a', join(host, 'dir/link'))
      await docker(['cp', join(host, 'f.txt'), 'run1:/tmp/'])
      await docker(['cp', join(host, 'dir'), 'run1:/tmp/dir'])
      await docker(['cp', join(host, 'f.txt'), 'run1:/tmp/renamed.txt'])

      const out = join(host, 'out')
      await mkdir(out)
      await docker(['cp', 'run1:/tmp/f.txt', out])
      await docker(['cp', 'run1:/tmp/renamed.txt', join(out, 'r.txt')])
      await docker(['cp', 'run1:/tmp/dir', join(out, 'dir2')])
      await docker(['cp', 'run1:/tmp/dir/.', join(out, 'contents')])
      assert.equal(await readFile(join(out, 'f.txt'), 'utf8'), 'file-content\n')
      assert.equal(await readFile(join(out, 'r.txt'), 'utf8'), 'file-content\n')
      assert.equal(await readFile(join(out, 'dir2/sub/a'), 'utf8'), 'A')
      assert.equal(await readFile(join(out, 'dir2/link'), 'utf8'), 'A')
      assert.deepEqual((await readdir(join(out, 'contents'))).sort(), ['link', 'sub'])
    } finally {
      await d.docker(['rm', '-f', 'run1'])
    }
  })

  it('reaches tmpfs mounts and nested mounts of a running container; read-only stays read-only', async () => {
    await docker(['volume', 'create', 'cpro'])
    await docker([
      'run',
      '-d',
      '--name',
      'live1',
      '--tmpfs',
      '/scratch',
      '-v',
      'cpro:/ro:ro',
      'busybox',
      'sh',
      '-c',
      'mkdir -p /data/nested && mount -t tmpfs none /data/nested 2>/dev/null; echo in-tmpfs > /scratch/t; sleep 300',
    ])
    try {
      // Wait for the command to have written its file.
      for (let i = 0; i < 50; i++) {
        if ((await d.docker(['exec', 'live1', 'cat', '/scratch/t'])).code === 0) break
        await new Promise((r) => setTimeout(r, 100))
      }
      const out = join(host, 'live-out')
      await mkdir(out)
      await docker(['cp', 'live1:/scratch/t', join(out, 't')])
      assert.equal(await readFile(join(out, 't'), 'utf8'), 'in-tmpfs\n')
      await writeFile(join(host, 'up.txt'), 'uploaded')
      await docker(['cp', join(host, 'up.txt'), 'live1:/scratch/'])
      assert.equal(await docker(['exec', 'live1', 'cat', '/scratch/up.txt']), 'uploaded')
      const ro = await d.docker(['cp', join(host, 'up.txt'), 'live1:/ro/'])
      assert.notEqual(ro.code, 0)
      assert.match(ro.stderr, /read-only/)
      // A directory archive of / leaves out the kernel's /proc, /sys and /dev contents.
      const names = execFileSync('sh', ['-c', 'docker cp live1:/ - | tar -t'], {
        env: { ...process.env, DOCKER_HOST: d.host },
        encoding: 'utf8',
        maxBuffer: 64 << 20,
      })
        .split('\n')
        .map((n) => n.replace(/^\.?\//, ''))
      assert.ok(names.includes('scratch/t'), `tmpfs content archived: ${names.slice(0, 20).join(' ')}`)
      assert.ok(names.includes('data/nested/'), 'the nested mount point')
      assert.ok(!names.some((n) => /^(proc|sys)\/./.test(n)), 'no /proc or /sys content')
    } finally {
      await d.docker(['rm', '-f', 'live1'])
      await d.docker(['volume', 'rm', 'cpro'])
    }
  })

  it('copies special names both ways: spaces, unicode, a leading dash, a 150-character name', async () => {
    const names = ['with space.txt', 'grüße-✓.txt', '-dash.txt', `${'n'.repeat(150)}.txt`]
    const src = join(host, 'special')
    await mkdir(src, { recursive: true })
    for (const n of names) await writeFile(join(src, n), `content of ${n}\n`)
    await docker(['run', '-d', '--name', 'special1', 'busybox', 'sleep', '300'])
    try {
      await docker(['cp', src, 'special1:/sp'])
      const listing = (
        await docker(['exec', 'special1', 'sh', '-c', 'cd /sp && for f in *; do echo "$f"; done'])
      )
        .split('\n')
        .sort()
      assert.deepEqual(listing, [...names].sort())
      const back = join(host, 'special-back')
      await docker(['cp', 'special1:/sp', back])
      for (const n of names) assert.equal(await readFile(join(back, n), 'utf8'), `content of ${n}\n`)
      await docker(['cp', join(src, 'with space.txt'), 'special1:/sp/renamed file'])
      assert.equal(await docker(['exec', 'special1', 'cat', '/sp/renamed file']), 'content of with space.txt')
    } finally {
      await d.docker(['rm', '-f', 'special1'])
    }
  })

  it('works on a stopped container, and paths in volumes reach the volume', async () => {
    await docker([
      'create',
      '--name',
      'stopped',
      '-v',
      'cpvol:/data',
      'busybox',
      'cat',
      '/etc/from-host',
      '/data/v',
    ])
    try {
      await writeFile(join(host, 'from-host'), 'hello-stopped\n')
      await writeFile(join(host, 'v'), 'in-volume\n')
      await docker(['cp', join(host, 'from-host'), 'stopped:/etc/from-host'])
      await docker(['cp', join(host, 'v'), 'stopped:/data/v'])
      assert.equal(await docker(['start', '-a', 'stopped']), 'hello-stopped\nin-volume')
      assert.equal(await docker(['run', '--rm', '-v', 'cpvol:/d', 'busybox', 'cat', '/d/v']), 'in-volume')
      // After exit: copy out of the stopped container again.
      await docker(['cp', 'stopped:/etc/from-host', join(host, 'back')])
      assert.equal(await readFile(join(host, 'back'), 'utf8'), 'hello-stopped\n')
      const stat = await d.api('HEAD', '/containers/stopped/archive?path=/etc/from-host')
      assert.equal(stat.status, 200)
      const decoded = JSON.parse(
        Buffer.from(String(stat.headers['x-docker-container-path-stat']), 'base64').toString(),
      )
      assert.equal(decoded.name, 'from-host')
      assert.equal(decoded.size, 14)
      assert.equal(decoded.linkTarget, '')
      const missing = await d.api('GET', '/containers/stopped/archive?path=/nope')
      assert.equal(missing.status, 404)
      assert.match(missing.json().message, /Could not find the file \/nope in container stopped/)
    } finally {
      await d.docker(['rm', '-v', 'stopped'])
      await d.docker(['volume', 'rm', 'cpvol'])
    }
  })

  it('berth cp both ways, with - (tar on stdin/stdout) and -L', async () => {
    await docker([
      'run',
      '--name',
      'bcp',
      'busybox',
      'sh',
      '-c',
      'mkdir -p /etc && echo inside > /etc/marker && ln -s ../../../../../../../../etc /esc && ln -s /etc/marker /mlink',
    ])
    try {
      await writeFile(join(host, 'bfile'), 'berth-file\n')
      await berth(['cp', join(host, 'bfile'), 'bcp:/bfile'])
      await berth(['cp', 'bcp:/bfile', join(host, 'bfile-back')])
      assert.equal(await readFile(join(host, 'bfile-back'), 'utf8'), 'berth-file\n')
      // A trailing slash asserts a directory: onto an existing file it is an error, as in docker.
      const onFile = await d.berth(['cp', join(host, 'bfile'), 'bcp:/bfile/'])
      assert.equal(onFile.code, 1)
      assert.match(onFile.stderr, /destination directory "\/bfile\/" does not exist/)
      // Symlinks resolve inside the container: /esc points at the container's /etc, not the host's.
      await berth(['cp', 'bcp:/esc/marker', join(host, 'marker')])
      assert.equal(await readFile(join(host, 'marker'), 'utf8'), 'inside\n')
      // Without -L the link itself is copied, with -L its target.
      await berth(['cp', 'bcp:/mlink', join(host, 'mlink')])
      assert.equal(await readlink(join(host, 'mlink')), '/etc/marker')
      await berth(['cp', '-L', 'bcp:/mlink', join(host, 'mlink-followed')])
      assert.equal(await readFile(join(host, 'mlink-followed'), 'utf8'), 'inside\n')
      // `-` to stdout is a tar whose entry is named after the source.
      const tar = await d.berth(['cp', 'bcp:/etc/marker', '-'])
      assert.equal(tar.code, 0, tar.stderr)
      assert.equal(tar.stdout.slice(0, 6), 'marker')
      // `-` from stdin: a tar extracted into the directory.
      const upload = Buffer.concat([
        entry('up/', 'directory'),
        entry('up/x', 'file', 'from-stdin'),
        Buffer.alloc(BLOCK * 2),
      ])
      const r = await d.berth(['cp', '-', 'bcp:/tmp'], { input: upload })
      assert.equal(r.code, 0, r.stderr)
      await docker(['cp', 'bcp:/tmp/up/x', join(host, 'x')])
      assert.equal(await readFile(join(host, 'x'), 'utf8'), 'from-stdin')
    } finally {
      await d.docker(['rm', 'bcp'])
    }
  })

  it('an uploaded tarball with ../, absolute paths or symlinks writes nothing outside', async () => {
    await docker(['create', '--name', 'evil', 'busybox'])
    try {
      const tag = randomBytes(6).toString('hex')
      const outside = `/tmp/berth-escape-${tag}`
      const attempts = [
        [entry(`../../../../../../../..${outside}`, 'file', 'pwned')],
        [entry('esc', 'symlink', '', '/tmp'), entry(`esc/berth-escape-${tag}`, 'file', 'pwned')],
        [
          entry('esc2', 'symlink', '', '../../../../../../../../tmp'),
          entry(`esc2/berth-escape-${tag}`, 'file', 'pwned'),
        ],
        [entry('hl', 'link', '', `../../../../../../../..${outside}`)],
      ]
      for (const parts of attempts) {
        const res = await d.api(
          'PUT',
          '/containers/evil/archive?path=/',
          Buffer.concat([...parts, Buffer.alloc(BLOCK * 2)]),
          {
            'Content-Type': 'application/x-tar',
          },
        )
        assert.ok(res.status === 400 || res.status === 200, `status ${res.status}: ${res.body}`)
        assert.equal(existsSync(outside), false, 'nothing written outside the container')
      }
      // An absolute entry name lands inside the container root.
      const abs = await d.api(
        'PUT',
        '/containers/evil/archive?path=/tmp',
        Buffer.concat([entry(`${outside}`, 'file', 'inside'), Buffer.alloc(BLOCK * 2)]),
        {
          'Content-Type': 'application/x-tar',
        },
      )
      assert.equal(abs.status, 200, abs.body)
      assert.equal(existsSync(outside), false)
      // A symlinked extraction point resolves inside the container, not on the host.
      const via = await d.api(
        'PUT',
        '/containers/evil/archive?path=/esc',
        Buffer.concat([entry(`berth-escape-${tag}`, 'file', 'x'), Buffer.alloc(BLOCK * 2)]),
        {
          'Content-Type': 'application/x-tar',
        },
      )
      assert.equal(via.status, 200, via.body)
      assert.equal(existsSync(outside), false)
      // noOverwriteDirNonDir refuses to replace a directory with a file.
      const clash = await d.api(
        'PUT',
        '/containers/evil/archive?path=/&noOverwriteDirNonDir=1',
        Buffer.concat([entry('etc', 'file', 'x'), Buffer.alloc(BLOCK * 2)]),
        {
          'Content-Type': 'application/x-tar',
        },
      )
      assert.equal(clash.status, 400)
      assert.match(clash.json().message, /cannot overwrite directory/)
    } finally {
      await d.docker(['rm', 'evil'])
    }
  })
})
