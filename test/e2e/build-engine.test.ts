// The build engine end to end: POST /build with tar contexts against a real berthd (real RUN
// containers): every instruction, heredocs, parallel stages, the layer cache (content, build
// args, .dockerignore), cache mounts, failures and their cleanup, parse errors, symlinks out of
// the context, ADD from a loopback URL, ONBUILD.
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { after, before, describe, it } from 'node:test'
import { gzipSync } from 'node:zlib'
import { type Entry, tarOf } from '../support/build-tar.ts'
import { e2eSkipReason, TestDaemon } from '../support/daemon.ts'
import { responseErrors } from '../support/engine-schema.ts'

const skip = e2eSkipReason()

interface BuildResult {
  status: number
  messages: Array<{
    stream?: string
    error?: string
    errorDetail?: { code?: number; message: string }
    aux?: { ID: string }
  }>
  text: string
  id?: string
  error?: string
  code?: number
  ms: number
}

describe('build engine', { skip }, () => {
  let d: TestDaemon
  let server: Server
  let port = 0
  before(async () => {
    d = await TestDaemon.start()
    server = createServer((req, res) => {
      if (req.url === '/files/hello.txt') {
        res.writeHead(200, { 'Last-Modified': 'Wed, 01 Jan 2020 00:00:00 GMT' })
        res.end('hello from the web\n')
      } else {
        res.writeHead(404)
        res.end()
      }
    })
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    port = (server.address() as AddressInfo).port
  })
  after(async () => {
    server?.close()
    await d?.stop()
  })

  async function build(
    files: Record<string, Entry>,
    query: Record<string, string> = {},
    gzip = false,
  ): Promise<BuildResult> {
    const qs = new URLSearchParams({ rm: '1', ...query }).toString()
    const body = gzip ? gzipSync(tarOf(files)) : tarOf(files)
    const t0 = performance.now()
    const res = await d.api('POST', `/build?${qs}`, body, { 'Content-Type': 'application/x-tar' })
    const ms = performance.now() - t0
    const messages = res.body
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l))
    const text = messages.map((m) => m.stream ?? '').join('')
    // Failures before the first message come as a plain API error (Docker's daemon does the same).
    const err =
      res.status === 200 ? messages.find((m) => m.error) : { error: messages[0]?.message ?? res.body }
    const aux = messages.find((m) => m.aux?.ID)
    return {
      status: res.status,
      messages,
      text,
      id: aux?.aux.ID,
      error: err?.error,
      code: err?.errorDetail?.code,
      ms,
    }
  }

  async function ok(files: Record<string, Entry>, query: Record<string, string> = {}): Promise<BuildResult> {
    const r = await build(files, query)
    assert.equal(r.error, undefined, `build failed: ${r.error}\n${r.text}`)
    assert.ok(r.id, r.text)
    return r
  }

  async function runOut(image: string, cmd: string[], flags: string[] = []): Promise<string> {
    const r = await d.docker(['run', '--rm', ...flags, image, ...cmd])
    assert.equal(r.code, 0, r.stderr)
    return r.stdout
  }

  async function inspect(id: string): Promise<any> {
    const r = await d.api('GET', `/images/${id}/json`)
    assert.equal(r.status, 200, r.body)
    return r.json()
  }

  it('builds every instruction into a runnable image with Docker metadata', async () => {
    const r = await ok(
      {
        Dockerfile: [
          'ARG BASE=busybox',
          'FROM $BASE',
          'LABEL org.example.a="one two" b=2',
          'MAINTAINER someone',
          'ENV GREETING=hello PATHX=/opt',
          'ARG WHO=world',
          'WORKDIR /app',
          'COPY a.txt ./',
          'COPY --chmod=750 dir/ sub/',
          'ADD http://127.0.0.1:PORT/files/hello.txt /web/',
          'ADD arch.tar /unpacked/',
          'RUN echo "$GREETING $WHO" > /app/out.txt && mkdir -p /data',
          'EXPOSE 8080 53/udp',
          'VOLUME ["/data"]',
          'USER 1000:1000',
          'STOPSIGNAL SIGTERM',
          'HEALTHCHECK --interval=5s --retries=2 CMD ["true"]',
          'SHELL ["/bin/sh", "-ec"]',
          'ENTRYPOINT ["/bin/sh", "-c"]',
          'CMD ["cat /app/out.txt"]',
          'ONBUILD RUN echo triggered > /tmp/onbuild.txt',
        ]
          .join('\n')
          .replace('PORT', String(port)),
        'a.txt': 'A\n',
        'dir/x.txt': 'X\n',
        'dir/deep/y.txt': 'Y\n',
        'arch.tar': tarOf({ 'inner/file.txt': 'from the archive\n' }),
      },
      { t: 'every:1' },
    )
    assert.match(r.text, /^Step 1\/21 : ARG BASE=busybox\nStep 2\/21 : FROM \$BASE$/m)
    assert.match(r.text, / ---> Running in [0-9a-f]{12}\n/)
    assert.match(r.text, /Removing intermediate container [0-9a-f]{12}\n/)
    assert.match(r.text, /Successfully built [0-9a-f]{12}\n/)
    assert.match(r.text, /Successfully tagged every:1\n/)
    const img = await inspect('every:1')
    const c = img.Config
    assert.equal(img.Author, 'someone')
    assert.deepEqual(c.Labels, { 'org.example.a': 'one two', b: '2' })
    assert.ok(c.Env.includes('GREETING=hello'))
    assert.ok(!c.Env.some((e: string) => e.startsWith('WHO=')), 'ARG values are not persisted')
    assert.equal(c.WorkingDir, '/app')
    assert.deepEqual(Object.keys(c.ExposedPorts).sort(), ['53/udp', '8080/tcp'])
    assert.deepEqual(Object.keys(c.Volumes), ['/data'])
    assert.equal(c.User, '1000:1000')
    assert.equal(c.StopSignal, 'SIGTERM')
    assert.deepEqual(c.Healthcheck.Test, ['CMD', 'true'])
    assert.equal(c.Healthcheck.Interval, 5e9)
    assert.deepEqual(c.Shell, ['/bin/sh', '-ec'])
    assert.deepEqual(c.Entrypoint, ['/bin/sh', '-c'])
    assert.deepEqual(c.Cmd, ['cat /app/out.txt'])
    assert.deepEqual(c.OnBuild, ['RUN echo triggered > /tmp/onbuild.txt'])
    assert.equal(await runOut('every:1', []), 'hello world\n')
    const listing = await runOut(
      'every:1',
      [
        'cat /app/a.txt /app/sub/x.txt /app/sub/deep/y.txt /web/hello.txt /unpacked/inner/file.txt; stat -c %a /app/sub/x.txt; stat -c %a /web/hello.txt',
      ],
      ['--user', '0'],
    )
    assert.equal(listing, 'A\nX\nY\nhello from the web\nfrom the archive\n750\n600\n')
    const hist = (await d.api('GET', '/images/every:1/history')).json() as Array<{
      CreatedBy: string
      Size: number
    }>
    assert.ok(
      hist.some((h) => h.CreatedBy.includes('#(nop)  ENV GREETING=hello')),
      JSON.stringify(hist),
    )
    assert.ok(
      hist.some((h) => h.CreatedBy.startsWith('|1 WHO=world /bin/sh -c echo')),
      JSON.stringify(hist),
    )
    // ONBUILD runs in a child build.
    const child = await ok({ Dockerfile: 'FROM every:1\nRUN cat /tmp/onbuild.txt\n' })
    assert.match(child.text, /# Executing 1 build trigger\n/)
    assert.match(child.text, /triggered\n/)
    // The inherited SHELL runs the trigger.
    assert.match(child.text, /The command|---> Running in/)
    const childHist = (await d.api('GET', `/images/${child.id}/history`)).json() as Array<{
      CreatedBy: string
    }>
    assert.ok(
      childHist.some((h) => h.CreatedBy.startsWith('/bin/sh -ec echo triggered')),
      JSON.stringify(childHist),
    )
    assert.equal((await inspect(child.id!)).Config.OnBuild, null)
  })

  it('runs heredocs in RUN (script, shebang, redirection) and COPY', async () => {
    const r = await ok({
      Dockerfile: [
        'FROM busybox',
        'RUN <<EOF',
        'echo one > /h1',
        'echo two >> /h1',
        'EOF',
        'RUN <<EOF',
        '#!/bin/sh',
        'echo "script $0" > /h2',
        'EOF',
        'ARG X=val',
        'COPY <<EOF /h3',
        'content $X',
        'EOF',
        'RUN cat <<A > /h4',
        'a-body',
        'A',
        '',
      ].join('\n'),
    })
    const out = await runOut(r.id!, ['sh', '-c', 'cat /h1 /h2 /h3 /h4'])
    assert.equal(out, 'one\ntwo\nscript /dev/pipes/EOF\ncontent val\na-body\n')
  })

  it('runs independent stages at once and skips stages the target does not need', async () => {
    // Each stage notes the kernel's uptime (shared by every container) around its sleep: the two
    // sleeps overlap only if the stages really ran at the same time.
    const stamp = (n: string) =>
      `RUN cut -d" " -f1 /proc/uptime > /${n}.start && sleep 1 && cut -d" " -f1 /proc/uptime > /${n}.end`
    const r = await ok(
      {
        Dockerfile: [
          'FROM busybox AS a',
          stamp('a'),
          'FROM busybox AS unused',
          'RUN exit 9',
          'FROM busybox AS b',
          stamp('b'),
          'FROM b',
          'COPY --from=0 /a.start /a.end /',
        ].join('\n'),
      },
      { nocache: '1' },
    )
    assert.doesNotMatch(r.text, /exit 9/)
    assert.match(
      r.text,
      /Step 1\/6 : FROM busybox AS a\n[\s\S]*Step 3\/6 : FROM busybox AS b\n[\s\S]*Step 5\/6 : FROM b\n/,
    )
    const [aStart, aEnd, bStart, bEnd] = (
      await runOut(r.id!, ['cat', '/a.start', '/a.end', '/b.start', '/b.end'])
    )
      .trim()
      .split('\n')
      .map(Number)
    const overlap = Math.min(aEnd!, bEnd!) - Math.max(aStart!, bStart!)
    assert.ok(
      overlap > 0.5,
      `stage sleeps overlapped ${overlap.toFixed(2)} s (a ${aStart}-${aEnd}, b ${bStart}-${bEnd})`,
    )
    // Sequential stages would need 2 × (1 s + a container start); about 1.4 s on an idle host.
    assert.ok(r.ms < 2000, `two 1 s stages took ${Math.round(r.ms)} ms`)
  })

  it('caches on content, build args and .dockerignore, not on times', async () => {
    const df = [
      'FROM busybox',
      'COPY a.txt /a.txt',
      'COPY . /all/',
      'ARG V=1',
      'RUN echo "v=$V" > /v',
      'RUN cat /a.txt /v',
    ].join('\n')
    const files = (a: string, mtimeNoise = '', ignored = 'i1') => ({
      Dockerfile: df,
      '.dockerignore': 'ignored.txt\nlogs\n!logs/keep.log\n',
      'logs/keep.log': 'kept\n',
      'logs/drop.log': `dropped ${ignored}\n`,
      'a.txt': a,
      'b.txt': `b${mtimeNoise}`.slice(0, 1),
      'ignored.txt': ignored,
    })
    const first = await ok(files('A1'))
    assert.doesNotMatch(first.text, /Using cache/)
    assert.equal(
      await runOut(first.id!, ['sh', '-c', 'ls /all/logs; test ! -e /all/ignored.txt && echo gone']),
      'keep.log\ngone\n',
    )
    const again = await ok(files('A1', 'x', 'i2'))
    assert.equal(again.id, first.id, again.text)
    assert.equal(again.text.match(/Using cache/g)?.length, 5)
    const touched = await ok(files('A2'))
    assert.notEqual(touched.id, first.id)
    assert.equal(touched.text.match(/Using cache/g)?.length ?? 0, 0, touched.text)
    assert.match(touched.text, /A2v=1/)
    const arg = await ok(files('A2'), { buildargs: JSON.stringify({ V: '2' }) })
    // COPY, COPY and ARG are cached; both RUNs run again.
    assert.equal(arg.text.match(/Using cache/g)?.length, 3, arg.text)
    assert.match(arg.text, /A2v=2/)
    const none = await ok(files('A2'), { nocache: '1' })
    assert.doesNotMatch(none.text, /Using cache/)
  })

  it('keeps RUN cache mounts across builds', async () => {
    const files = {
      Dockerfile:
        'FROM busybox\nRUN --mount=type=cache,target=/cache echo x >> /cache/log && wc -l < /cache/log && test ! -e /cache-leak\n',
    }
    const one = await ok(files, { nocache: '1' })
    const two = await ok(files, { nocache: '1' })
    assert.match(one.text, /^1$/m)
    assert.match(two.text, /^2$/m)
    assert.equal(await runOut(two.id!, ['ls', '-A', '/cache']), '')
    const df = (await d.api('GET', '/system/df')).json()
    assert.ok(
      df.BuildCache.some((b: { Type: string }) => b.Type === 'exec.cachemount'),
      JSON.stringify(df.BuildCache),
    )
  })

  it('fails a RUN with its exit code and leaves no image, container or mount behind', async () => {
    const before = (await d.api('GET', '/images/json?all=1')).json().length
    const r = await build(
      { Dockerfile: 'FROM busybox\nRUN echo doomed > /x && exit 3\n' },
      { t: 'failing:1' },
    )
    assert.equal(r.error, "The command '/bin/sh -c echo doomed > /x && exit 3' returned a non-zero code: 3")
    assert.equal(r.code, 3)
    assert.equal((await d.api('GET', '/images/json?all=1')).json().length, before)
    assert.equal((await d.api('GET', '/images/failing:1/json')).status, 404)
    assert.deepEqual((await d.api('GET', '/containers/json?all=1')).json(), [])
    const { readFile, readdir } = await import('node:fs/promises')
    const mounts = (await readFile('/proc/self/mountinfo', 'utf8'))
      .split('\n')
      .filter((l) => l.includes(d.dir))
    assert.deepEqual(mounts, [])
    assert.deepEqual(await readdir(`${d.dataRoot}/overlay/containers`), [])
    assert.deepEqual(await readdir(`${d.dataRoot}/build/tmp`), [])
  })

  it('reports Dockerfile syntax errors with their line', async () => {
    const r = await build({ Dockerfile: 'FROM busybox\nRUN true\nFOO bar\n' })
    assert.match(r.error ?? '', /dockerfile parse error on line 3: unknown instruction: FOO/i)
  })

  it('never follows symlinks out of the context', async () => {
    const files = {
      Dockerfile: 'FROM busybox\nCOPY dir/ /d/\n',
      'dir/abs': { symlink: '/etc/shadow' },
      'dir/up': { symlink: '../../../../etc/passwd' },
      'dir/f.txt': 'inside\n',
    }
    const r = await ok(files)
    const out = await runOut(r.id!, ['sh', '-c', 'readlink /d/abs; readlink /d/up; cat /d/f.txt'])
    assert.equal(out, '/etc/shadow\n../../../../etc/passwd\ninside\n')
    const esc = await build({ Dockerfile: 'FROM busybox\nCOPY link/passwd /p\n', link: { symlink: '/etc' } })
    assert.match(esc.error ?? '', /file not found in build context/)
    const up = await build({
      Dockerfile: 'FROM busybox\nCOPY up /p\n',
      up: { symlink: '../../etc/hostname' },
    })
    assert.match(up.error ?? '', /file not found in build context/)
  })

  it('accepts a gzip context and a Dockerfile elsewhere, labels and target', async () => {
    const r = await build(
      {
        'build/Custom.df': 'FROM busybox AS one\nRUN echo one > /one\nFROM busybox AS two\nRUN echo two\n',
      },
      { dockerfile: 'build/Custom.df', target: 'one', labels: JSON.stringify({ 'com.x': 'y$z' }) },
      true,
    )
    assert.equal(r.error, undefined, r.text)
    assert.doesNotMatch(r.text, /echo two/)
    assert.deepEqual((await inspect(r.id!)).Config.Labels, { 'com.x': 'y$z' })
  })

  it('copies with --chown by name, --parents, --exclude, --from an image, and bind/tmpfs mounts', async () => {
    const r = await ok({
      Dockerfile: [
        'FROM busybox',
        'COPY --chown=nobody:nogroup a/one.txt /owned/',
        'COPY --parents a/one.txt b/two.txt /par/',
        'COPY --exclude=*.log a/ /ex/',
        'COPY --from=busybox /bin/busybox /bb',
        'RUN --mount=type=bind,source=a,target=/ctx --mount=type=tmpfs,target=/scratch cat /ctx/one.txt > /from-bind && touch /scratch/t && test ! -e /ctx/../scratch-leak',
        'RUN --network=none ip -o link | grep -v " lo:" | wc -l > /links',
      ].join('\n'),
      'a/one.txt': '1\n',
      'a/debug.log': 'log\n',
      'b/two.txt': '2\n',
    })
    const out = await runOut(r.id!, [
      'sh',
      '-c',
      'stat -c "%U:%G" /owned/one.txt; cat /par/a/one.txt /par/b/two.txt; ls /ex; test -x /bb && echo bb; cat /from-bind /links; ls -A /scratch 2>/dev/null | wc -l',
    ])
    assert.equal(out, 'nobody:nogroup\n1\n2\none.txt\nbb\n1\n0\n0\n')
  })

  it('creates WORKDIR directories and keeps containers with rm=false', async () => {
    const r = await ok(
      { Dockerfile: 'FROM busybox\nWORKDIR /made/here\nRUN pwd > /pwd\nCMD ["pwd"]\n' },
      { rm: '0' },
    )
    assert.doesNotMatch(r.text, /Removing intermediate container/)
    const kept = (await d.api('GET', '/containers/json?all=1')).json() as Array<{ Id: string }>
    assert.equal(kept.length, 1)
    for (const c of kept) await d.api('DELETE', `/containers/${c.Id}?force=1`)
    const out = await runOut(r.id!, ['sh', '-c', 'cat /pwd; pwd; test -d /made/here && echo dir'])
    assert.equal(out, '/made/here\n/made/here\ndir\n')
    const scratch = await ok({ Dockerfile: 'FROM scratch\nWORKDIR /w\nCOPY f /w/f\n', f: 'x' })
    const layers = (await inspect(scratch.id!)).RootFS.Layers
    assert.equal(layers.length, 2)
  })

  it('checks ADD --checksum and reports a missing source', async () => {
    const url = `http://127.0.0.1:${port}/files/hello.txt`
    const bad = await build({
      Dockerfile: `FROM busybox\nADD --checksum=sha256:${'0'.repeat(64)} ${url} /x\n`,
    })
    assert.match(bad.error ?? '', /digest mismatch/)
    const missing = await build({ Dockerfile: 'FROM busybox\nCOPY nope.txt /x\n' })
    assert.match(
      missing.error ?? '',
      /COPY failed: file not found in build context or excluded by \.dockerignore: stat nope\.txt: file does not exist/,
    )
  })

  it('keeps the cache across a daemon restart, reports it in system df and prunes it', async () => {
    const files = { Dockerfile: 'FROM busybox\nRUN echo cached > /c\nCOPY f /f\n', f: 'x'.repeat(4096) }
    const first = await ok(files)
    await d.kill9()
    await d.launch()
    const again = await ok(files)
    assert.equal(again.id, first.id)
    assert.equal(again.text.match(/Using cache/g)?.length, 2, again.text)
    const df = (await d.api('GET', '/system/df')).json()
    assert.deepEqual(responseErrors('SystemDataUsage', df), [])
    // Top-level images only, as `docker images` lists them: no intermediate build images.
    const listed = (await d.api('GET', '/images/json')).json().map((i: { Id: string }) => i.Id)
    assert.deepEqual(df.Images.map((i: { Id: string }) => i.Id).sort(), listed.sort())
    assert.ok((await d.api('GET', '/images/json?all=1')).json().length > listed.length)
    // busybox's one layer is under every image built FROM it: shared, as `system df -v` shows.
    const busybox = df.Images.find((i: { RepoTags: string[] }) => i.RepoTags.includes('busybox:latest'))
    assert.ok(busybox.SharedSize > 0 && busybox.SharedSize <= busybox.Size, JSON.stringify(busybox))
    const regular = df.BuildCache.filter((b: { Type: string }) => b.Type === 'regular')
    assert.ok(regular.length >= 2, JSON.stringify(df.BuildCache))
    assert.ok(
      regular.some((b: { Size: number }) => b.Size >= 4096),
      JSON.stringify(regular),
    )
    const pruned = (await d.api('POST', '/build/prune?all=1')).json()
    assert.deepEqual(responseErrors('BuildPrune', pruned), [])
    assert.ok(pruned.CachesDeleted.length >= 2, JSON.stringify(pruned))
    assert.ok(pruned.SpaceReclaimed >= 4096, JSON.stringify(pruned))
    assert.deepEqual((await d.api('GET', '/system/df')).json().BuildCache, [])
    const rebuilt = await ok(files)
    assert.doesNotMatch(rebuilt.text, /Using cache/)
  })

  it('ADD unpacks xz and bzip2 tarballs too (through the Debian tools)', async () => {
    const inner = tarOf({ 'x/in.txt': 'packed\n' })
    const files = {
      Dockerfile:
        'FROM busybox\nADD a.tar.xz /xz/\nADD a.tar.bz2 /bz/\nCMD ["cat", "/xz/x/in.txt", "/bz/x/in.txt"]\n',
      'a.tar.xz': execFileSync('xz', ['-c'], { input: inner }),
      'a.tar.bz2': execFileSync('bzip2', ['-c'], { input: inner }),
    }
    await ok(files, { t: 'unpacked:1' })
    assert.equal(await runOut('unpacked:1', []), 'packed\npacked\n')
  })
})
