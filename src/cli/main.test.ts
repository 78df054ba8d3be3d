// CLI tests: real argument parsing and client against a fake daemon on a temp socket; outputs are
// compared with golden files in testdata/ (checked against docker 28's output for the same data).
// Set UPDATE_GOLDEN=1 to rewrite them.
process.env.TZ = 'UTC'

import assert from 'node:assert/strict'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import type { ServerResponse } from 'node:http'
import { join } from 'node:path'
import { Readable, Writable } from 'node:stream'
import { describe, it } from 'node:test'
import { type FakeHijack, type FakeRoutes, startFakeEngine, upgradeHead } from '../client/fake-engine.ts'
import { encodeFrame } from '../client/index.ts'
import { main } from './main.ts'
import { routes as fixtureRoutes, NOW } from './testdata/engine-fixtures.ts'

const TESTDATA = join(import.meta.dirname, 'testdata')

function collector() {
  const chunks: Buffer[] = []
  const stream = new Writable({
    write(chunk, _enc, cb) {
      chunks.push(Buffer.from(chunk))
      cb()
    },
  })
  return { stream, text: () => Buffer.concat(chunks).toString() }
}

async function runCli(
  argv: string[],
  opts: { routes?: FakeRoutes; hijack?: Record<string, FakeHijack>; stdin?: string } = {},
): Promise<{
  code: number
  stdout: string
  stderr: string
  requests: { method: string; path: string; query: URLSearchParams; body: Buffer }[]
}> {
  const fe = await startFakeEngine(opts.routes ?? fixtureRoutes, { hijack: opts.hijack })
  const out = collector()
  const err = collector()
  try {
    const code = await main({
      argv: ['-H', fe.host, ...argv],
      env: {},
      stdout: out.stream,
      stderr: err.stream,
      stdin: Readable.from(opts.stdin === undefined ? [] : [Buffer.from(opts.stdin)]),
      stdinIsTTY: false,
      stdoutIsTTY: false,
      now: () => NOW,
    })
    return { code, stdout: out.text(), stderr: err.text(), requests: fe.requests }
  } finally {
    await fe.close()
  }
}

function golden(name: string, actual: string): void {
  const path = join(TESTDATA, `${name}.golden`)
  if (process.env.UPDATE_GOLDEN || !existsSync(path)) writeFileSync(path, actual)
  assert.equal(actual, readFileSync(path, 'utf8'))
}

describe('golden output', () => {
  const cases: [string, string[]][] = [
    ['ps', ['ps']],
    ['ps-all', ['ps', '-a']],
    ['ps-size-notrunc', ['container', 'ls', '-a', '-s', '--no-trunc']],
    ['ps-quiet', ['ps', '-aq']],
    ['ps-json', ['ps', '-a', '--format', 'json']],
    [
      'ps-format-table',
      ['ps', '-a', '--format', 'table {{.Names}}\\t{{.Label "a"}}\\t{{.Networks}}\\t{{.Mounts}}'],
    ],
    ['images', ['images']],
    ['images-digests', ['image', 'ls', '--digests']],
    ['images-quiet', ['images', '-q']],
    ['images-notrunc', ['images', '--no-trunc']],
    ['history', ['history', 'nginx']],
    ['history-notrunc-nohuman', ['image', 'history', '--no-trunc', '-H=false', 'nginx']],
    ['info', ['info']],
    ['system-df', ['system', 'df']],
    ['system-df-json', ['system', 'df', '--format', 'json']],
    ['inspect', ['inspect', 'web']],
    [
      'inspect-format',
      [
        'inspect',
        '-f',
        '{{.Name}} {{.State.Pid}} {{json .Config.Labels}} {{index .Config.Labels "a"}}',
        'web',
      ],
    ],
  ]
  for (const [name, argv] of cases) {
    it(`berth ${argv.join(' ')}`, async () => {
      const r = await runCli(argv)
      assert.equal(r.code, 0, r.stderr)
      golden(name, r.stdout)
    })
  }

  it('berth version (client part depends on the Node running the tests)', async () => {
    const r = await runCli(['version'])
    assert.equal(r.code, 0)
    golden('version', r.stdout.replace(process.version, 'NODE_VERSION'))
  })

  it('berth info prints daemon warnings on stderr', async () => {
    const r = await runCli(['info'])
    assert.equal(r.stderr, 'WARNING: bridge-nf-call-iptables is disabled\n')
  })
})

describe('errors and exit codes', () => {
  it('a management command alone lists its verbs', async () => {
    const r = await runCli(['network'])
    assert.equal(r.code, 0)
    assert.match(r.stdout, /Usage: {2}berth network COMMAND\n\nManage networks\n\nCommands:\n {2}connect /)
    assert.match(r.stdout, /^ {2}rm {10}Remove one or more networks$/m)
  })

  it('unknown command: exit 1', async () => {
    const r = await runCli(['frobnicate'])
    assert.equal(r.code, 1)
    assert.equal(
      r.stderr,
      "berth: unknown command: berth frobnicate\n\nRun 'berth --help' for more information\n",
    )
  })
  it('unknown flag: exit 125 with usage', async () => {
    const r = await runCli(['ps', '--bogus'])
    assert.equal(r.code, 125)
    assert.equal(
      r.stderr,
      "unknown flag: --bogus\n\nUsage:  berth ps [OPTIONS]\n\nRun 'berth ps --help' for more information\n",
    )
  })
  it('wrong argument count: exit 1', async () => {
    const r = await runCli(['rm'])
    assert.equal(r.code, 1)
    assert.match(
      r.stderr,
      /^berth: 'berth rm' requires at least 1 argument\n\nUsage: {2}berth rm \[OPTIONS\] CONTAINER \[CONTAINER\.\.\.\]\n\nSee 'berth rm --help'/,
    )
  })
  it('daemon errors print "Error response from daemon" and exit 1', async () => {
    const r = await runCli(['container', 'inspect', 'web', 'nope', '-f', '{{.Name}}'])
    assert.equal(r.code, 1)
    assert.equal(r.stdout, '/web\n')
    assert.equal(r.stderr, 'Error response from daemon: No such container: nope\n')
  })
  it('inspect of an unknown object prints [] and "No such object"', async () => {
    const r = await runCli(['inspect', 'nope'])
    assert.equal(r.code, 1)
    assert.equal(r.stdout, '[]\n')
    assert.equal(r.stderr, 'Error: No such object: nope\n')
  })
  it('template errors', async () => {
    const bad = await runCli(['ps', '--format', '{{.Nope}}'])
    assert.equal(bad.code, 1)
    assert.match(
      bad.stderr,
      /^failed to execute template: template: :1:2: executing "" at <\.Nope>: can't evaluate field Nope/,
    )
    const parse = await runCli(['inspect', '-f', '{{.Name', 'web'])
    assert.equal(parse.code, 64)
    assert.equal(parse.stderr, 'template parsing error: template: :1: unclosed action\n')
  })
  it('unreachable daemon', async () => {
    const out = collector()
    const err = collector()
    const code = await main({
      argv: ['-H', 'unix:///nonexistent.sock', 'ps'],
      env: {},
      stdout: out.stream,
      stderr: err.stream,
      stdin: Readable.from([]),
      stdinIsTTY: false,
      stdoutIsTTY: false,
    })
    assert.equal(code, 1)
    assert.equal(
      err.text(),
      'Cannot connect to the Docker daemon at unix:///nonexistent.sock. Is the docker daemon running?\n',
    )
  })
  it('rm reports each failure and exits 1', async () => {
    const r = await runCli(['rm', '-f', 'a', 'b'], {
      routes: {
        'DELETE /containers/a': { status: 204 },
        'DELETE /containers/b': { status: 404, json: { message: 'No such container: b' } },
      },
    })
    assert.equal(r.code, 1)
    assert.equal(r.stdout, 'a\n')
    assert.equal(r.stderr, 'Error response from daemon: No such container: b\n')
    assert.equal(r.requests.find((q) => q.path === '/containers/a')?.query.get('force'), '1')
  })
})

/** A fake daemon for `run`: create, attach (frames), wait (headers first, status after start), start. */
function runDaemon(opts: { exitCode?: number; startError?: string; output?: Buffer }) {
  let started!: () => void
  const startedP = new Promise<void>((r) => {
    started = r
  })
  const routes: FakeRoutes = {
    'POST /containers/create': { status: 201, json: { Id: 'c0ffee', Warnings: ['something odd'] } },
    'POST /containers/c0ffee/wait': async (_req, res: ServerResponse) => {
      res.writeHead(200, { 'Content-Type': 'application/json' })
      res.flushHeaders()
      await startedP
      res.end(JSON.stringify({ StatusCode: opts.exitCode ?? 0 }))
    },
    'POST /containers/c0ffee/start': () => {
      started()
      return opts.startError ? { status: 400, json: { message: opts.startError } } : { status: 204 }
    },
  }
  const hijack: Record<string, FakeHijack> = {
    'POST /containers/c0ffee/attach': (_req, socket) => {
      socket.write(upgradeHead(true))
      startedP.then(() => socket.end(opts.output ?? Buffer.alloc(0)))
    },
  }
  return { routes, hijack }
}

describe('run', () => {
  it('attaches, starts, streams output and exits with the container status', async () => {
    const d = runDaemon({
      exitCode: 3,
      output: Buffer.concat([encodeFrame('stdout', 'hello\n'), encodeFrame('stderr', 'warn\n')]),
    })
    const r = await runCli(['run', '--name', 'x', 'alpine', 'sh', '-c', 'exit 3'], d)
    assert.equal(r.code, 3)
    assert.equal(r.stdout, 'hello\n')
    assert.equal(r.stderr, 'WARNING: something odd\nwarn\n')
    const create = r.requests.find((q) => q.path === '/containers/create')
    assert.equal(create?.query.get('name'), 'x')
    assert.deepEqual(JSON.parse(create?.body.toString() ?? '{}').Cmd, ['sh', '-c', 'exit 3'])
    const order = r.requests.map((q) => q.path.split('/').pop())
    assert.ok(order.indexOf('attach') < order.indexOf('start'), 'attach before start')
    assert.ok(order.indexOf('wait') < order.indexOf('start'), 'wait before start')
  })
  it('-d prints the id without attaching or waiting', async () => {
    const d = runDaemon({})
    const r = await runCli(['run', '-d', 'alpine'], d)
    assert.equal(r.code, 0)
    assert.equal(r.stdout, 'c0ffee\n')
    assert.ok(!r.requests.some((q) => q.path.endsWith('/attach') || q.path.endsWith('/wait')))
  })
  it('maps start failures to 127 / 126 / 125', async () => {
    const notFound = 'failed to create task: exec: "nope": executable file not found in $PATH'
    const r = await runCli(['run', 'alpine', 'nope'], runDaemon({ startError: notFound }))
    assert.equal(r.code, 127)
    assert.equal(
      r.stderr,
      `WARNING: something odd\nberth: Error response from daemon: ${notFound}\n\nRun 'berth run --help' for more information\n`,
    )
    assert.equal(
      (await runCli(['run', 'alpine', '/etc'], runDaemon({ startError: 'exec /etc: permission denied' })))
        .code,
      126,
    )
    assert.equal((await runCli(['run', 'alpine'], runDaemon({ startError: 'cgroup trouble' }))).code, 125)
  })
  it('create failures exit 125', async () => {
    const r = await runCli(['run', 'alpine'], {
      routes: { 'POST /containers/create': { status: 500, json: { message: 'disk full' } } },
    })
    assert.equal(r.code, 125)
    assert.equal(
      r.stderr,
      "berth: Error response from daemon: disk full\n\nRun 'berth run --help' for more information\n",
    )
  })
  it('a missing image is pulled (and the registry error reported) as docker does', async () => {
    const r = await runCli(['run', 'alpine'], {
      routes: {
        'POST /containers/create': { status: 404, json: { message: 'No such image: alpine:latest' } },
        'POST /images/create': { json: { message: 'no registry configured' }, status: 501 },
      },
    })
    assert.equal(r.code, 125)
    assert.equal(
      r.stderr,
      "Unable to find image 'alpine:latest' locally\nberth: Error response from daemon: no registry configured\n\nRun 'berth run --help' for more information\n",
    )
  })
})

describe('other verbs', () => {
  it('logs demultiplexes to stdout and stderr', async () => {
    const r = await runCli(['logs', '--tail', '5', 'web'], {
      routes: {
        ...fixtureRoutes,
        'GET /containers/web/logs': {
          headers: { 'Content-Type': 'application/vnd.docker.multiplexed-stream' },
          text: Buffer.concat([encodeFrame('stdout', 'o1\n'), encodeFrame('stderr', 'e1\n')]).toString(
            'latin1',
          ),
        },
      },
    })
    assert.equal(r.code, 0)
    assert.equal(r.stdout, 'o1\n')
    assert.equal(r.stderr, 'e1\n')
    assert.equal(r.requests.find((q) => q.path.endsWith('/logs'))?.query.get('tail'), '5')
  })
  it('rmi prints Untagged/Deleted lines', async () => {
    const r = await runCli(['rmi', 'nginx'], {
      routes: { 'DELETE /images/nginx': { json: [{ Untagged: 'nginx:latest' }, { Deleted: 'sha256:11' }] } },
    })
    assert.equal(r.stdout, 'Untagged: nginx:latest\nDeleted: sha256:11\n')
  })
  it('tag splits the target into repo and tag', async () => {
    const r = await runCli(['tag', 'nginx', 'me/web:v2'], {
      routes: { 'POST /images/nginx/tag': { status: 201 } },
    })
    assert.equal(r.code, 0)
    const q = r.requests.find((x) => x.path === '/images/nginx/tag')?.query
    assert.equal(q?.get('repo'), 'docker.io/me/web')
    assert.equal(q?.get('tag'), 'v2')
  })
  it('container prune -f prints deleted ids and reclaimed space', async () => {
    const r = await runCli(['container', 'prune', '-f'], {
      routes: { 'POST /containers/prune': { json: { ContainersDeleted: ['a', 'b'], SpaceReclaimed: 1234 } } },
    })
    assert.equal(r.stdout, 'Deleted Containers:\na\nb\n\nTotal reclaimed space: 1.234kB\n')
  })
  it('image prune asks first and declines on "n"', async () => {
    const r = await runCli(['image', 'prune'], { stdin: 'n\n', routes: {} })
    assert.equal(
      r.stdout,
      'WARNING! This will remove all dangling images.\nAre you sure you want to continue? [y/N] Total reclaimed space: 0B\n',
    )
  })
  it('load prints the daemon stream', async () => {
    const r = await runCli(['load'], {
      stdin: 'tar-bytes',
      routes: {
        'POST /images/load': {
          headers: { 'Content-Type': 'application/json' },
          text: '{"stream":"Loaded image: x:latest\\n"}\n',
        },
      },
    })
    assert.equal(r.stdout, 'Loaded image: x:latest\n')
    assert.equal(r.requests.find((q) => q.path === '/images/load')?.query.get('quiet'), '1')
  })
  it("events prints docker's default line format", async () => {
    const e = {
      Type: 'container',
      Action: 'start',
      Actor: { ID: 'abc', Attributes: { name: 'web', image: 'nginx' } },
      scope: 'local',
      time: 1748779200,
      timeNano: 1748779200 * 1e9 + 123_456_000,
    }
    const r = await runCli(['events', '--until', '1748779300'], {
      routes: { 'GET /events': { text: `${JSON.stringify(e)}\n` } },
    })
    assert.equal(r.stdout, '2025-06-01T12:00:00.123456000Z container start abc (image=nginx, name=web)\n')
  })
})
