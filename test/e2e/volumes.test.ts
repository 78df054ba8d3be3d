// Volumes, bind mounts and tmpfs on real containers, through the real docker CLI and berth:
// data outlives containers, named volumes survive `rm -v`, anonymous ones go with `run --rm`,
// copy-up from the image, in-use volumes cannot be removed, prune counts. No mount is left.
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { e2eSkipReason, TestDaemon } from '../support/daemon.ts'

const skip = e2eSkipReason()

describe('volumes', { skip }, () => {
  let d: TestDaemon
  let host: string
  before(async () => {
    d = await TestDaemon.start()
    host = await mkdtemp(join(tmpdir(), 'berth-vol-host-'))
    // An image with a VOLUME and content at that path, for copy-up.
    const res = await d.docker([
      'run',
      '--name',
      'seed',
      'busybox',
      'sh',
      '-c',
      'mkdir -p /seed && echo from-image > /seed/hello && chown 123:45 /seed',
    ])
    assert.equal(res.code, 0, res.stderr)
  })
  after(async () => {
    await d?.stop()
    if (host) await rm(host, { recursive: true, force: true })
    const left = (await readFile('/proc/self/mountinfo', 'utf8'))
      .split('\n')
      .filter((l) => d !== undefined && l.includes(d.dir))
    assert.deepEqual(left, [], 'no berth mount may be left on the host')
  })

  const docker = async (args: string[]) => {
    const r = await d.docker(args)
    assert.equal(r.code, 0, `docker ${args.join(' ')}: ${r.stderr}`)
    return r.stdout.trim()
  }
  const berth = async (args: string[]) => {
    const r = await d.berth(args)
    assert.equal(r.code, 0, `berth ${args.join(' ')}: ${r.stderr}`)
    return r.stdout.trim()
  }

  it('round trip: written in one container, read in another, survives rm', async () => {
    assert.equal(await docker(['volume', 'create', 'data1']), 'data1')
    await docker(['run', '--name', 'w1', '-v', 'data1:/data', 'busybox', 'sh', '-c', 'echo hello > /data/f'])
    await docker(['rm', '-v', 'w1'])
    assert.equal(await docker(['run', '--rm', '-v', 'data1:/data', 'busybox', 'cat', '/data/f']), 'hello')
    // Named volume not removed by rm -v nor run --rm.
    assert.equal(await docker(['volume', 'ls', '-q', '--filter', 'name=data1']), 'data1')
    const v = JSON.parse(await docker(['volume', 'inspect', 'data1']))[0]
    assert.equal(v.Driver, 'local')
    assert.equal(v.Scope, 'local')
    assert.equal(v.Mountpoint, join(d.dataRoot, 'volumes/data1/_data'))
    assert.match(v.CreatedAt, /^\d{4}-\d\d-\d\dT/)
  })

  it('volume data survives SIGKILL of berthd and a restart', async () => {
    await docker(['run', '--rm', '-v', 'durable:/d', 'busybox', 'sh', '-c', 'echo kept > /d/f && sync'])
    await d.kill9()
    await d.launch()
    assert.equal(await docker(['run', '--rm', '-v', 'durable:/d', 'busybox', 'cat', '/d/f']), 'kept')
    assert.equal(await docker(['volume', 'inspect', '--format', '{{.Name}}', 'durable']), 'durable')
  })

  it('two containers sharing a volume see each other’s writes', async () => {
    const script = 'echo ready > /s/ready; while [ ! -f /s/y ]; do sleep 0.1; done; cat /s/y'
    await docker(['run', '-d', '--name', 'sharer', '-v', 'shared:/s', 'busybox', 'sh', '-c', script])
    try {
      await docker([
        'run',
        '--rm',
        '-v',
        'shared:/s',
        'busybox',
        'sh',
        '-c',
        'while [ ! -f /s/ready ]; do sleep 0.1; done; echo x > /s/y',
      ])
      assert.equal(await docker(['wait', 'sharer']), '0')
      assert.equal(await docker(['logs', 'sharer']), 'x')
    } finally {
      await d.docker(['rm', '-f', 'sharer'])
    }
  })

  it('anonymous volumes: removed by run --rm, kept by rm without -v; inspect Mounts', async () => {
    const before = new Set((await docker(['volume', 'ls', '-q'])).split('\n').filter(Boolean))
    await docker(['run', '--rm', '-v', '/anon', 'busybox', 'true'])
    const afterRm = (await docker(['volume', 'ls', '-q'])).split('\n').filter((n) => n && !before.has(n))
    assert.deepEqual(afterRm, [])

    await docker([
      'create',
      '--name',
      'anon',
      '-v',
      '/anon',
      '-v',
      'named1:/named:ro',
      '-v',
      `${host}:/h`,
      'busybox',
    ])
    const mounts = JSON.parse(await docker(['inspect', '--format', '{{json .Mounts}}', 'anon'])) as Array<
      Record<string, unknown>
    >
    const byDest = Object.fromEntries(mounts.map((m) => [m.Destination, m]))
    const anon = byDest['/anon'] as Record<string, unknown>
    assert.match(String(anon.Name), /^[0-9a-f]{64}$/)
    assert.deepEqual(anon, {
      Type: 'volume',
      Name: anon.Name,
      Source: join(d.dataRoot, 'volumes', String(anon.Name), '_data'),
      Destination: '/anon',
      Driver: 'local',
      Mode: '',
      RW: true,
      Propagation: '',
    })
    assert.deepEqual(byDest['/named'], {
      Type: 'volume',
      Name: 'named1',
      Source: join(d.dataRoot, 'volumes/named1/_data'),
      Destination: '/named',
      Driver: 'local',
      Mode: 'ro',
      RW: false,
      Propagation: '',
    })
    assert.deepEqual(byDest['/h'], {
      Type: 'bind',
      Source: host,
      Destination: '/h',
      Mode: '',
      RW: true,
      Propagation: 'rprivate',
    })
    await docker(['rm', '-v', 'anon'])
    const left = (await docker(['volume', 'ls', '-q'])).split('\n')
    assert.ok(!left.includes(String(anon.Name)), 'anonymous volume removed by rm -v')
    assert.ok(left.includes('named1'), 'named volume kept by rm -v')
  })

  it('copies image content into a new volume (and not with nocopy)', async () => {
    // An image whose VOLUME /seed has content: export the seed container, import with VOLUME.
    await docker(['export', '-o', join(host, 'seed.tar'), 'seed'])
    await docker(['import', '--change', 'VOLUME /seed', join(host, 'seed.tar'), 'seeded'])
    assert.equal(
      await docker(['run', '--rm', 'seeded', 'sh', '-c', 'cat /seed/hello; stat -c %u:%g /seed']),
      'from-image\n123:45',
    )
    assert.equal(
      await docker(['run', '--rm', '-v', 'seedvol:/seed', 'seeded', 'cat', '/seed/hello']),
      'from-image',
    )
    // Copy-up happens only into an empty volume: later content wins.
    await docker(['run', '--rm', '-v', 'seedvol:/seed', 'seeded', 'sh', '-c', 'echo changed > /seed/hello'])
    assert.equal(
      await docker(['run', '--rm', '-v', 'seedvol:/seed', 'seeded', 'cat', '/seed/hello']),
      'changed',
    )
    assert.match(
      await docker(['run', '--rm', '-v', 'etcvol:/etc', 'busybox', 'cat', '/etc/passwd']),
      /root:x:0:0/,
    )
    // /etc/hosts, hostname and resolv.conf are bind-mounted over the volume; nothing else is there.
    const etcFiles = 'hostname\nhosts\nresolv.conf'
    assert.equal(
      await docker(['run', '--rm', '-v', 'etcnocopy:/etc:nocopy', 'busybox', 'ls', '-A', '/etc']),
      etcFiles,
    )
    assert.equal(
      await docker([
        'run',
        '--rm',
        '--mount',
        'type=volume,source=etcnocopy2,target=/etc,volume-nocopy',
        'busybox',
        'ls',
        '-A',
        '/etc',
      ]),
      etcFiles,
    )
  })

  it('bind mounts read-only and read-write; --mount with a missing source fails', async () => {
    await writeFile(join(host, 'in'), 'host-data\n')
    assert.equal(await docker(['run', '--rm', '-v', `${host}:/h:ro`, 'busybox', 'cat', '/h/in']), 'host-data')
    const ro = await d.docker([
      'run',
      '--rm',
      '-v',
      `${host}:/h:ro`,
      'busybox',
      'sh',
      '-c',
      'echo x > /h/out',
    ])
    assert.notEqual(ro.code, 0)
    assert.match(ro.stderr, /Read-only file system/)
    await docker([
      'run',
      '--rm',
      '--mount',
      `type=bind,source=${host},target=/h`,
      'busybox',
      'sh',
      '-c',
      'echo rw > /h/out',
    ])
    assert.equal(await readFile(join(host, 'out'), 'utf8'), 'rw\n')
    const missing = await d.docker([
      'run',
      '--rm',
      '--mount',
      'type=bind,source=/nonexistent-berth,target=/x',
      'busybox',
      'true',
    ])
    assert.notEqual(missing.code, 0)
    assert.match(
      missing.stderr,
      /invalid mount config for type "bind": bind source path does not exist: \/nonexistent-berth/,
    )
    // --read-only with a writable volume.
    assert.equal(
      await docker([
        'run',
        '--rm',
        '--read-only',
        '-v',
        'rovol:/w',
        'busybox',
        'sh',
        '-c',
        'echo ok > /w/f && cat /w/f',
      ]),
      'ok',
    )
  })

  it('tmpfs mounts with a size limit; tmpfs-backed local volumes', async () => {
    const df = await docker([
      'run',
      '--rm',
      '--mount',
      'type=tmpfs,target=/t,tmpfs-size=1m',
      'busybox',
      'sh',
      '-c',
      'grep " /t " /proc/mounts',
    ])
    assert.match(df, /tmpfs \/t tmpfs .*size=1024k/)
    const full = await d.docker([
      'run',
      '--rm',
      '--tmpfs',
      '/t:size=1m',
      'busybox',
      'sh',
      '-c',
      'dd if=/dev/zero of=/t/f bs=1k count=2048',
    ])
    assert.notEqual(full.code, 0)
    await docker([
      'volume',
      'create',
      '--driver',
      'local',
      '--opt',
      'type=tmpfs',
      '--opt',
      'device=tmpfs',
      '--opt',
      'o=size=2m',
      'tvol',
    ])
    assert.match(
      await docker(['run', '--rm', '-v', 'tvol:/v', 'busybox', 'sh', '-c', 'grep " /v " /proc/mounts']),
      /tmpfs/,
    )
    await docker(['volume', 'rm', 'tvol'])
  })

  it('--volumes-from shares the other container’s volumes', async () => {
    await docker(['create', '--name', 'vsrc', '-v', '/shared', 'busybox'])
    await docker(['run', '--rm', '--volumes-from', 'vsrc', 'busybox', 'sh', '-c', 'echo vf > /shared/x'])
    assert.equal(
      await docker(['run', '--rm', '--volumes-from', 'vsrc:ro', 'busybox', 'cat', '/shared/x']),
      'vf',
    )
    await docker(['rm', '-v', 'vsrc'])
  })

  it('refuses to remove a volume in use (409), and force does not change that', async () => {
    await docker(['create', '--name', 'user1', '-v', 'busy:/b', 'busybox'])
    const id = await docker(['inspect', '--format', '{{.Id}}', 'user1'])
    const r = await d.docker(['volume', 'rm', 'busy'])
    assert.notEqual(r.code, 0)
    assert.match(
      r.stderr,
      new RegExp(`Error response from daemon: remove busy: volume is in use - \\[${id}\\]`),
    )
    const api = await d.api('DELETE', '/volumes/busy?force=1')
    assert.equal(api.status, 409)
    assert.equal(await docker(['volume', 'inspect', '--format', '{{.Name}}', 'busy']), 'busy')
    await docker(['rm', 'user1'])
    assert.equal(await docker(['volume', 'rm', 'busy']), 'busy')
    const gone = await d.docker(['volume', 'inspect', 'busy'])
    assert.notEqual(gone.code, 0)
    assert.match(gone.stderr, /no such volume/)
  })

  it('prune removes only unused anonymous volumes unless --all', async () => {
    await docker(['volume', 'create', 'keepme'])
    await docker(['create', '--name', 'p1', '-v', '/pa', 'busybox'])
    await docker(['rm', 'p1']) // leaves its anonymous volume behind
    await docker(['create', '--name', 'p2', '-v', '/pb', 'busybox']) // in use: never pruned
    const out = await docker(['volume', 'prune', '-f'])
    assert.match(out, /Deleted Volumes:\n[0-9a-f]{64}\n/)
    assert.equal(out.match(/^[0-9a-f]{64}$/gm)?.length, 1)
    const names = (await docker(['volume', 'ls', '-q'])).split('\n')
    assert.ok(names.includes('keepme'))
    const all = await berth(['volume', 'prune', '-f', '--all'])
    assert.match(all, /keepme/)
    assert.match(all, /Total reclaimed space:/)
    await docker(['rm', '-v', 'p2'])
  })

  it('berth volume create/ls/inspect/rm with labels and filters', async () => {
    assert.equal(await berth(['volume', 'create', '--label', 'team=a', 'bv1']), 'bv1')
    await berth(['volume', 'create', 'bv2'])
    assert.equal(await berth(['volume', 'ls', '-q', '--filter', 'label=team=a']), 'bv1')
    const table = await berth(['volume', 'ls', '--filter', 'name=bv'])
    assert.match(table, /^DRIVER\s+VOLUME NAME\nlocal\s+bv1\nlocal\s+bv2$/)
    assert.equal(await berth(['volume', 'inspect', '--format', '{{.Labels.team}}', 'bv1']), 'a')
    assert.equal(
      await berth(['volume', 'ls', '-q', '--filter', 'dangling=true', '--filter', 'name=bv2']),
      'bv2',
    )
    assert.equal(await berth(['volume', 'rm', 'bv1', 'bv2']), 'bv1\nbv2')
    const r = await d.berth(['volume', 'rm', 'bv1'])
    assert.equal(r.code, 1)
    assert.match(r.stderr, /Error response from daemon: get bv1: no such volume/)
  })

  it('emits volume events', async () => {
    const since = Math.floor(Date.now() / 1000) - 1
    await docker(['run', '--rm', '-v', 'evvol:/e', 'busybox', 'true'])
    await docker(['volume', 'rm', 'evvol'])
    const until = Math.floor(Date.now() / 1000) + 1
    const ev = await docker([
      'events',
      '--since',
      String(since),
      '--until',
      String(until),
      '--filter',
      'type=volume',
      '--filter',
      'volume=evvol',
      '--format',
      '{{.Action}}',
    ])
    assert.deepEqual(ev.split('\n'), ['create', 'mount', 'unmount', 'destroy'])
  })

  it('--mount volume-subpath mounts a directory of the volume; a missing one fails', async () => {
    await docker(['volume', 'create', 'subvol'])
    await docker([
      'run',
      '--rm',
      '-v',
      'subvol:/v',
      'busybox',
      'sh',
      '-c',
      'mkdir -p /v/a/b && echo deep > /v/a/b/f',
    ])
    const out = await docker([
      'run',
      '--rm',
      '--mount',
      'type=volume,source=subvol,target=/m,volume-subpath=a/b',
      'busybox',
      'cat',
      '/m/f',
    ])
    assert.equal(out, 'deep')
    const bad = await d.docker([
      'run',
      '--rm',
      '--mount',
      'type=volume,source=subvol,target=/m,volume-subpath=nope',
      'busybox',
      'true',
    ])
    assert.notEqual(bad.code, 0)
    assert.match(bad.stderr, /no such file or directory/)
    const outside = await d.docker([
      'run',
      '--rm',
      '--mount',
      'type=volume,source=subvol,target=/m,volume-subpath=../x',
      'busybox',
      'true',
    ])
    assert.notEqual(outside.code, 0)
    assert.match(outside.stderr, /subpath must be a relative path within the volume/)
    await docker(['volume', 'rm', 'subvol'])
  })

  it('--mount bind-recursive: read-only reaches submounts unless writable; disabled drops them', async () => {
    const src = join(host, 'rec')
    const sub = join(src, 'sub')
    await mkdir(sub, { recursive: true })
    execFileSync('mount', ['-t', 'tmpfs', 'tmpfs', sub])
    try {
      await writeFile(join(sub, 'marker'), 'x')
      const write = (mode: string) =>
        d.docker([
          'run',
          '--rm',
          '--mount',
          `type=bind,source=${src},target=/b,readonly,bind-recursive=${mode}`,
          'busybox',
          'sh',
          '-c',
          'ls /b/sub; touch /b/sub/new',
        ])
      const enabled = await write('enabled')
      assert.notEqual(enabled.code, 0, 'recursive read-only: the submount is read-only too')
      assert.match(enabled.stdout, /marker/)
      assert.match(enabled.stderr, /Read-only file system/)
      const writable = await write('writable')
      assert.equal(writable.code, 0, writable.stderr)
      const disabled = await d.docker([
        'run',
        '--rm',
        '--mount',
        `type=bind,source=${src},target=/b,bind-recursive=disabled`,
        'busybox',
        'ls',
        '/b/sub',
      ])
      assert.equal(disabled.code, 0, disabled.stderr)
      assert.equal(disabled.stdout.trim(), '', 'the submount does not come along')
    } finally {
      execFileSync('umount', [sub])
    }
  })

  it('system df reports each volume with its size and how many containers use it', async () => {
    await docker(['volume', 'create', 'dfvol'])
    await docker([
      'run',
      '--name',
      'dfuser',
      '-v',
      'dfvol:/d',
      'busybox',
      'sh',
      '-c',
      'dd if=/dev/zero of=/d/f bs=1024 count=300 2>/dev/null',
    ])
    const rows = (await docker(['system', 'df', '-v', '--format', '{{json .Volumes}}'])).trim()
    const vol = (JSON.parse(rows) as Array<Record<string, string>>).find((v) => v.Name === 'dfvol')
    assert.ok(vol, rows)
    assert.equal(vol.Links, '1')
    assert.match(vol.Size ?? '', /^30\d(\.\d+)?kB$/)
    const api = JSON.parse((await d.api('GET', '/system/df')).body)
    const usage = api.Volumes.find((v: { Name: string }) => v.Name === 'dfvol').UsageData
    assert.equal(usage.RefCount, 1)
    assert.ok(usage.Size >= 300 * 1024, String(usage.Size))
    await docker(['rm', 'dfuser'])
    await docker(['volume', 'rm', 'dfvol'])
  })

  it('a container whose start fails leaves no mount behind (rootfs, tmpfs-backed volume)', async () => {
    const mounts = async () =>
      (await readFile('/proc/self/mountinfo', 'utf8')).split('\n').filter((l) => l.includes(d.dir)).length
    await docker(['volume', 'create', '--opt', 'type=tmpfs', '--opt', 'device=tmpfs', 'failvol'])
    const before = await mounts()
    const r = await d.docker(['run', '--name', 'failstart', '-v', 'failvol:/v', 'busybox', '/no/such/cmd'])
    assert.equal(r.code, 127, r.stderr)
    assert.equal(await mounts(), before, 'the rootfs and the volume are unmounted again')
    const state = JSON.parse(await docker(['inspect', 'failstart']))[0].State
    assert.equal(state.Running, false)
    // Nothing holds the volume: it can go.
    await docker(['rm', 'failstart'])
    await docker(['volume', 'rm', 'failvol'])
  })
})
