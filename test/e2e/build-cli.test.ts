// `docker build` (DOCKER_BUILDKIT=0) and `berth build` against a real berthd: real Dockerfiles
// built with real containers; -q, --iidfile, -f -, context from stdin, .dockerignore, a failing
// RUN's exit code and message, a parse error's line, tags, and `builder prune`.
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { e2eSkipReason, REPO, type RunResult, TestDaemon } from '../support/daemon.ts'

const skip = e2eSkipReason()

/** docker's legacy-builder deprecation notice, printed on every DOCKER_BUILDKIT=0 build. */
function withoutNotice(stderr: string): string {
  return stderr
    .split('\n')
    .filter(
      (l) =>
        !/DEPRECATED: The legacy builder|BuildKit is currently disabled|environment-variable\.|^\s*$/.test(l),
    )
    .join('\n')
}

const ok = (r: RunResult) =>
  assert.equal(r.code, 0, `exit ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`)

describe('build through the CLIs', { skip }, () => {
  let d: TestDaemon
  let dir: string
  let ctx: string
  before(async () => {
    d = await TestDaemon.start()
    dir = await mkdtemp(join(tmpdir(), 'berth-build-e2e-'))
    ctx = join(dir, 'ctx')
    await mkdir(join(ctx, 'ignored-dir'), { recursive: true })
    await writeFile(
      join(ctx, 'Dockerfile'),
      [
        'FROM busybox',
        'ARG GREETING=hello',
        'COPY . /ctx/',
        'RUN echo "$GREETING from run" > /greeting && ls -a /ctx | sort > /listing',
        'LABEL stage=final',
        'CMD ["cat", "/greeting"]',
        '',
      ].join('\n'),
    )
    await writeFile(join(ctx, '.dockerignore'), '*.log\nignored-dir\nDockerfile\n')
    await writeFile(join(ctx, 'kept.txt'), 'kept\n')
    await writeFile(join(ctx, 'noise.log'), 'noise\n')
    await writeFile(join(ctx, 'ignored-dir/secret'), 'secret\n')
    await writeFile(join(dir, 'outside-secret'), 'never sent\n')
    await symlink('../outside-secret', join(ctx, 'link-out'))
  })
  after(async () => {
    await d?.stop()
    if (dir) await rm(dir, { recursive: true, force: true })
  })

  async function runImage(image: string, ...cmd: string[]): Promise<string> {
    const r = await d.berth(['run', '--rm', image, ...cmd])
    ok(r)
    return r.stdout
  }

  it('docker build and berth build make the same working image, with tags', async () => {
    const docker = await d.docker([
      'build',
      '-t',
      'built-by-docker:1',
      '-t',
      'second:tag',
      '--build-arg',
      'GREETING=hi',
      ctx,
    ])
    ok(docker)
    assert.match(docker.stdout, /^Sending build context to Docker daemon\s+\S+B\r?\r?\n/)
    assert.match(docker.stdout, /Step 1\/6 : FROM busybox\n/)
    assert.match(docker.stdout, /Successfully built [0-9a-f]{12}\n/)
    assert.match(docker.stdout, /Successfully tagged built-by-docker:1\n/)
    assert.match(docker.stdout, /Successfully tagged second:tag\n/)
    assert.equal(await runImage('built-by-docker:1'), 'hi from run\n')
    assert.equal(await runImage('second:tag'), 'hi from run\n')

    const berth = await d.berth(
      ['build', '--progress=plain', '-t', 'built-by-berth', '--build-arg', 'GREETING', ctx],
      {
        env: { GREETING: 'from-env' },
      },
    )
    ok(berth)
    assert.match(berth.stdout, /Step 1\/6 : FROM busybox\n/)
    assert.match(berth.stdout, /Successfully tagged built-by-berth:latest\n/)
    assert.equal(await runImage('built-by-berth'), 'from-env from run\n')
    const inspect = await d.berth([
      'image',
      'inspect',
      '--format',
      '{{.Config.Labels.stage}}',
      'built-by-berth',
    ])
    assert.equal(inspect.stdout.trim(), 'final')
  })

  it('berth build --progress=plain prints byte for byte what docker build prints', async () => {
    const plain = join(dir, 'plain')
    await mkdir(plain)
    await writeFile(join(plain, 'Dockerfile'), 'FROM busybox\nCOPY a.txt /a\nRUN echo built > /b\nENV X=1\n')
    await writeFile(join(plain, 'a.txt'), 'a\n')
    ok(await d.docker(['build', '-t', 'plain:1', plain]))
    const docker = await d.docker(['build', '-t', 'plain:1', plain])
    const berth = await d.berth(['build', '-t', 'plain:1', plain])
    ok(docker)
    ok(berth)
    assert.match(berth.stdout, / ---> Using cache\n/)
    assert.equal(berth.stdout, docker.stdout)
  })

  it('honours .dockerignore and sends symlinks as links, as docker does', async () => {
    // The CLI sends the ignored Dockerfile (the daemon needs it); the daemon then leaves it out
    // of COPY because .dockerignore lists it (moby's removeDockerfile).
    for (const cli of ['berth', 'docker'] as const) {
      const r = await d[cli](['build', '-q', '-t', `ignore-${cli}`, ctx])
      ok(r)
      const listing = await runImage(`ignore-${cli}`, 'cat', '/listing')
      assert.deepEqual(listing.trim().split('\n'), ['.', '..', '.dockerignore', 'kept.txt', 'link-out'], cli)
      const link = await runImage(`ignore-${cli}`, 'readlink', '/ctx/link-out')
      assert.equal(link.trim(), '../outside-secret')
    }
  })

  it('-q prints only the id (both CLIs); --iidfile writes it; --compress sends gzip', async () => {
    const iid = join(dir, 'iid')
    const berth = await d.berth(['build', '-q', '--compress', '--iidfile', iid, ctx])
    ok(berth)
    assert.match(berth.stdout, /^sha256:[0-9a-f]{64}\n$/)
    assert.equal(await readFile(iid, 'utf8'), berth.stdout.trim())
    const docker = await d.docker(['build', '-q', ctx])
    ok(docker)
    assert.equal(docker.stdout, berth.stdout, 'same context and Dockerfile, same image id (cached)')
  })

  const STDIN_DOCKERFILE = 'FROM busybox\nRUN echo stdin-dockerfile > /s\n'

  async function buildWithStdinDockerfile(cli: 'berth' | 'docker'): Promise<void> {
    ok(await d[cli](['build', '-t', `stdin-f-${cli}`, '-f', '-', ctx], { input: STDIN_DOCKERFILE }))
    assert.equal(await runImage(`stdin-f-${cli}`, 'cat', '/s'), 'stdin-dockerfile\n')
  }

  it('berth build -f - reads the Dockerfile from stdin', () => buildWithStdinDockerfile('berth'))

  // docker's CLI sends this context without the last entry's padding and the end blocks (its
  // ReplaceFileTarWrapper); dockerd's Go tar reader accepts a stream ending right after the data.
  it('docker build -f - reads the Dockerfile from stdin', () => buildWithStdinDockerfile('docker'))

  it('context - takes a lone Dockerfile (both CLIs) or a tar', async () => {
    for (const cli of ['berth', 'docker'] as const) {
      ok(await d[cli](['build', '-t', `stdin-ctx-${cli}`, '-'], { input: STDIN_DOCKERFILE }))
      assert.equal(await runImage(`stdin-ctx-${cli}`, 'cat', '/s'), 'stdin-dockerfile\n')
    }
    const tar = await runTar(ctx)
    ok(await d.berth(['build', '-t', 'stdin-tar', '-'], { input: tar }))
    assert.equal(await runImage('stdin-tar'), 'hello from run\n')
  })

  it('a failing RUN exits with its code and docker message, in both CLIs', async () => {
    const failing = join(dir, 'failing')
    await mkdir(failing)
    await writeFile(
      join(failing, 'Dockerfile'),
      'FROM busybox\nRUN echo before-failure && exit 3\nRUN echo never\n',
    )
    const docker = await d.docker(['build', failing])
    const berth = await d.berth(['build', '--progress=plain', failing])
    for (const r of [docker, berth]) {
      assert.equal(r.code, 3, r.stderr)
      assert.match(r.stdout, /before-failure\n/)
      assert.doesNotMatch(r.stdout, /Step 3\/3/)
      assert.equal(
        withoutNotice(r.stderr).trim(),
        "The command '/bin/sh -c echo before-failure && exit 3' returned a non-zero code: 3",
      )
    }
    const compact = await d.berth(['build', '--progress=tty', failing])
    assert.equal(compact.code, 3)
    assert.match(compact.stdout, /\[2\/3\] RUN echo before-failure && exit 3 +ERROR/)
    assert.match(compact.stdout, /│ before-failure/)
  })

  it('a Dockerfile parse error names its line, in both CLIs', async () => {
    const bad = join(dir, 'bad')
    await mkdir(bad)
    await writeFile(join(bad, 'Dockerfile'), 'FROM busybox\n\nNOPE something\n')
    const docker = await d.docker(['build', bad])
    const berth = await d.berth(['build', bad])
    for (const r of [docker, berth]) {
      assert.equal(r.code, 1)
      assert.match(withoutNotice(r.stderr), /dockerfile parse error on line 3: unknown instruction: NOPE/i)
    }
  })

  it('the compact view marks cached steps and ends with the id and tags', async () => {
    const r = await d.berth(['build', '--progress=tty', '-t', 'compact:1', ctx])
    ok(r)
    assert.match(r.stdout, /\[3\/6\] COPY \. \/ctx\/ +CACHED/)
    assert.match(r.stdout, /Built [0-9a-f]{12} compact:1 in \d+\.\ds\n$/)
  })

  it('builder prune lists what it deleted and the space, as docker prints it', async () => {
    const declined = await d.berth(['builder', 'prune'], { input: 'n\n' })
    ok(declined)
    assert.equal(
      declined.stdout,
      'WARNING! This will remove all dangling build cache.\nAre you sure you want to continue? [y/N] Total reclaimed space: 0B\n',
    )
    const r = await d.berth(['builder', 'prune', '-a', '-f'])
    ok(r)
    assert.match(
      r.stdout,
      /^Deleted build cache objects:\n(\S+\n)+\nTotal reclaimed space: \d[\d.]*[kMG]?B\n$/,
    )
    const docker = await d.docker(['builder', 'prune', '-a', '-f'])
    ok(docker)
    assert.equal(docker.stdout, 'Total reclaimed space: 0B\n')
  })

  it('a build is cancelled when the client goes away: its RUN container is removed', async () => {
    const slow = join(dir, 'slow')
    await mkdir(slow)
    await writeFile(join(slow, 'Dockerfile'), 'FROM busybox\nRUN echo started && sleep 300\n')
    const cli = spawn(process.execPath, [join(REPO, 'src/cmd/berth.ts'), 'build', '--progress=plain', slow], {
      env: { ...process.env, BERTH_HOST: d.host },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    try {
      await new Promise<void>((resolve, reject) => {
        let out = ''
        const timer = setTimeout(() => reject(new Error(`RUN never started: ${out}`)), 30_000)
        cli.stdout.on('data', (b: Buffer) => {
          out += b.toString()
          if (out.includes('started\n')) {
            clearTimeout(timer)
            resolve()
          }
        })
      })
      const running = await d.berth(['ps', '-q'])
      assert.notEqual(running.stdout.trim(), '', 'the RUN container is running')
    } finally {
      cli.kill('SIGKILL')
    }
    let left = 'unknown'
    for (let i = 0; i < 100; i++) {
      left = (await d.berth(['ps', '-a', '-q'])).stdout.trim()
      if (left === '') break
      await new Promise((r) => setTimeout(r, 100))
    }
    assert.equal(left, '', 'no build container left behind')
    assert.equal(await d.ping(), true, 'berthd is still up')
  })
})

/** The context directory as an uncompressed tar made by GNU tar (as `tar c . | docker build -`). */
async function runTar(cwd: string): Promise<Buffer> {
  const { spawnSync } = await import('node:child_process')
  const r = spawnSync('tar', ['-C', cwd, '-cf', '-', '.'])
  if (r.status !== 0) throw new Error(`tar failed: ${r.stderr.toString()}`)
  return r.stdout
}
