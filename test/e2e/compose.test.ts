// docker-compose v1 (Debian's docker-compose, Python over docker-py), a third-party client,
// against a real berthd: a two-service project with a named volume, an env file and `.env`
// interpolation through up / ps / logs / exec / run --rm / stop / start / down -v, and services
// with network_mode host and none.
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { mkdir, writeFile } from 'node:fs/promises'
import { hostname } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { e2eSkipReason, type RunResult, runProcess, TestDaemon } from '../support/daemon.ts'

function composeSkipReason(): string | undefined {
  const r = spawnSync('docker-compose', ['version', '--short'], { encoding: 'utf8' })
  if (r.status !== 0) return 'needs docker-compose v1: apt-get install docker-compose'
  if (!r.stdout.startsWith('1.')) return `needs docker-compose v1, found ${r.stdout.trim()}`
  // Compose v1 runs `exec` and `run` through the docker CLI.
  if (spawnSync('docker', ['--version']).status !== 0) return 'needs the docker CLI'
  return undefined
}

const skip = e2eSkipReason() ?? composeSkipReason()

const APP = `version: "3.8"
services:
  web:
    image: busybox:\${BUSYBOX_TAG}
    command: ["sh", "-c", "echo web up $$APP_MODE; while true; do sleep 1; done"]
    env_file: app.env
    volumes:
      - data:/data
    labels:
      suite: compose
  worker:
    image: busybox:latest
    command: ["sh", "-c", "echo worker sees $$GREETING; echo hi > /data/from-worker; sleep 300"]
    environment:
      GREETING: hello
    volumes:
      - data:/data
    depends_on:
      - web
volumes:
  data: {}
`

const MODES = `version: "3.8"
services:
  hostnet:
    image: busybox:latest
    network_mode: host
    command: ["sh", "-c", "ls /sys/class/net; hostname; sleep 300"]
  nonet:
    image: busybox:latest
    network_mode: none
    command: ["sh", "-c", "ls /sys/class/net; sleep 300"]
`

const HEALTH = `version: "2.4"
services:
  db:
    image: busybox:latest
    command: ["sh", "-c", "touch /tmp/ready; echo db ready; sleep 300"]
    healthcheck:
      test: ["CMD", "test", "-f", "/tmp/ready"]
      interval: 1s
      retries: 3
    ports:
      - "8080"
  app:
    image: busybox:latest
    command: ["sh", "-c", "echo app after db; exit 3"]
    depends_on:
      db:
        condition: service_healthy
    tmpfs: /run
    init: true
    mem_limit: 32m
`

const RECREATE = `version: "3.8"
services:
  svc:
    image: busybox:latest
    command: ["sh", "-c", "echo mode=$$MODE; ls /anon; touch /anon/$$MODE; sleep 300"]
    environment:
      MODE: \${MODE:-one}
    volumes:
      - /anon
`

describe('docker-compose v1 against berthd', { skip }, () => {
  let d: TestDaemon
  let dir: string
  before(async () => {
    d = await TestDaemon.start()
    dir = join(d.dir, 'project')
    await mkdir(dir)
    await writeFile(join(dir, 'docker-compose.yml'), APP)
    await writeFile(join(dir, 'modes.yml'), MODES)
    await writeFile(join(dir, 'health.yml'), HEALTH)
    await writeFile(join(dir, 'recreate.yml'), RECREATE)
    await writeFile(join(dir, 'app.env'), 'APP_MODE=production\nSECRET=s3cr3t\n')
    await writeFile(join(dir, '.env'), 'BUSYBOX_TAG=latest\n')
  })
  after(async () => {
    // The project's network and volume go with down; the daemon's stop checks for leftovers.
    if (d) {
      await compose('app', 'docker-compose.yml', ['down', '-v', '-t', '1']).catch(() => undefined)
      await compose('modes', 'modes.yml', ['down', '-t', '1']).catch(() => undefined)
      await compose('health', 'health.yml', ['down', '-t', '1']).catch(() => undefined)
      await compose('recreate', 'recreate.yml', ['down', '-v', '-t', '1']).catch(() => undefined)
    }
    await d?.stop()
  })

  /** By default compose runs `exec` and `run` through the docker CLI (as on any Linux host);
   *  `noCli` makes it use docker-py and dockerpty itself (COMPOSE_INTERACTIVE_NO_CLI). */
  function compose(
    project: string,
    file: string,
    args: string[],
    noCli = false,
    extraEnv: NodeJS.ProcessEnv = {},
  ): Promise<RunResult> {
    const env: NodeJS.ProcessEnv = { ...process.env, DOCKER_CONFIG: join(d.dir, 'docker-config') }
    for (const k of ['DOCKER_HOST', 'COMPOSE_INTERACTIVE_NO_CLI', 'COMPOSE_API_VERSION', 'MODE'])
      delete env[k]
    if (noCli) env.COMPOSE_INTERACTIVE_NO_CLI = '1'
    Object.assign(env, extraEnv)
    return runProcess('docker-compose', ['-H', d.host, '-p', project, '-f', join(dir, file), ...args], {
      timeoutMs: 120_000,
      env,
    })
  }
  const app = (...args: string[]) => compose('app', 'docker-compose.yml', args)
  const ok = (r: RunResult, what: string) => assert.equal(r.code, 0, `${what}: ${r.stderr}${r.stdout}`)
  const api = async (path: string) => (await d.api('GET', path)).json()

  async function waitForLogs(service: string, text: string): Promise<string> {
    let out = ''
    for (let i = 0; i < 50; i++) {
      const r = await app('logs', '--no-color', service)
      out = r.stdout
      if (out.includes(text)) return out
      await new Promise((res) => setTimeout(res, 100))
    }
    assert.fail(`${service} logs never showed ${text}:\n${out}`)
  }

  it('up -d creates the network, the volume and both services', async () => {
    const r = await app('up', '-d')
    ok(r, 'up')
    assert.match(r.stderr, /Creating network "app_default" with the default driver/)
    assert.match(r.stderr, /Creating volume "app_data" with default driver/)
    const ps = await app('ps')
    ok(ps, 'ps')
    assert.match(ps.stdout, /app_web_1 .* Up/)
    assert.match(ps.stdout, /app_worker_1 .* Up/)
    const q = await app('ps', '-q')
    assert.equal(q.stdout.trim().split('\n').length, 2)
    const containers = (await api(
      `/containers/json?filters=${encodeURIComponent('{"label":["com.docker.compose.project=app"]}')}`,
    )) as Array<{ Names: string[]; Labels: Record<string, string>; NetworkSettings: { Networks: object } }>
    const web = containers.find((c) => c.Names[0] === '/app_web_1')!
    assert.equal(web.Labels.suite, 'compose')
    assert.equal(web.Labels['com.docker.compose.service'], 'web')
    assert.deepEqual(Object.keys(web.NetworkSettings.Networks), ['app_default'])
    const vol = await api('/volumes/app_data')
    assert.equal(vol.Labels['com.docker.compose.project'], 'app')
    const net = await api('/networks/app_default')
    assert.equal(net.Labels['com.docker.compose.network'], 'default')
  })

  it('logs shows each service, with env_file and environment applied', async () => {
    assert.match(await waitForLogs('web', 'web up production'), /web_1 +\| web up production/)
    assert.match(await waitForLogs('worker', 'worker sees hello'), /worker_1 +\| worker sees hello/)
  })

  it('exec runs in a service container: shared volume, env file, exit code, -e, --workdir', async () => {
    let r = await app('exec', '-T', 'web', 'sh', '-c', 'cat /data/from-worker; echo $SECRET; exit 3')
    assert.equal(r.code, 3, r.stderr)
    assert.equal(r.stdout, 'hi\ns3cr3t\n')
    r = await app('exec', '-T', '-e', 'X=1', '--workdir', '/data', 'web', 'sh', '-c', 'pwd; echo $X')
    ok(r, 'exec -e --workdir')
    assert.equal(r.stdout, '/data\n1\n')
    // The same through docker-py and dockerpty (no docker CLI).
    r = await compose(
      'app',
      'docker-compose.yml',
      ['exec', '-T', 'web', 'sh', '-c', 'echo $APP_MODE; exit 4'],
      true,
    )
    assert.equal(r.code, 4, r.stderr)
    assert.equal(r.stdout, 'production\n')
  })

  // Compose v1's own run path (COMPOSE_INTERACTIVE_NO_CLI) attaches only after starting the
  // container and starts it again if it already exited (docker/compose#1280): its output
  // depends on that race with any engine, so run goes through the docker CLI here.
  it('run --rm starts a one-off container on the project network and removes it', async () => {
    let r = await app('run', '--rm', '-T', 'worker', 'sh', '-c', 'echo run sees $GREETING; ls /data')
    ok(r, 'run --rm')
    assert.equal(r.stdout, 'run sees hello\nfrom-worker\n')
    // Service names resolve to the service containers (berth's DNS) and answer.
    r = await app('run', '--rm', '-T', 'web', 'ping', '-c', '1', '-W', '2', 'worker')
    ok(r, 'run ping worker')
    assert.match(r.stdout, /1 packets received/)
    r = await app('run', '--rm', '-T', 'web', 'sh', '-c', 'exit 5')
    assert.equal(r.code, 5, r.stderr)
    const all = (await api('/containers/json?all=1')) as Array<{ Names: string[] }>
    assert.deepEqual(all.map((c) => c.Names[0]).sort(), ['/app_web_1', '/app_worker_1'])
  })

  it('stop, start and restart the project', async () => {
    ok(await app('stop', '-t', '1'), 'stop')
    const ps = await app('ps')
    assert.match(ps.stdout, /app_web_1 .* Exit 137/)
    assert.match(ps.stdout, /app_worker_1 .* Exit 137/)
    ok(await app('start'), 'start')
    ok(await app('restart', '-t', '1', 'web'), 'restart')
    const again = await app('ps')
    assert.match(again.stdout, /app_web_1 .* Up/)
    assert.match(again.stdout, /app_worker_1 .* Up/)
  })

  it('down -v removes the containers, the network and the volume', async () => {
    const r = await app('down', '-v', '-t', '1')
    ok(r, 'down')
    assert.match(r.stderr, /Removing network app_default/)
    assert.match(r.stderr, /Removing volume app_data/)
    assert.deepEqual(await api('/containers/json?all=1'), [])
    assert.equal((await d.api('GET', '/volumes/app_data')).status, 404)
    assert.equal((await d.api('GET', '/networks/app_default')).status, 404)
  })

  it('waits for a healthy dependency, aborts on exit with its code; top, port, pause, kill, rm', async () => {
    const h = (...args: string[]) => compose('health', 'health.yml', args)
    try {
      const up = await h(
        'up',
        '-t',
        '1',
        '--abort-on-container-exit',
        '--exit-code-from',
        'app',
        '--no-color',
      )
      assert.equal(up.code, 3, up.stderr)
      assert.match(up.stdout, /app_1 +\| app after db/)
      assert.match(up.stdout, /health_app_1 exited with code 3/)
      // db passed its check (stopped now, so moby reports it unhealthy).
      const db = (await api('/containers/health_db_1/json')) as {
        State: { Health: { Log: Array<{ ExitCode: number }> } }
      }
      assert.ok(
        db.State.Health.Log.some((l) => l.ExitCode === 0),
        JSON.stringify(db.State.Health),
      )
      const app = (await api('/containers/health_app_1/json')) as {
        HostConfig: { Init: boolean; Memory: number; Tmpfs: Record<string, string> }
      }
      assert.deepEqual([app.HostConfig.Init, app.HostConfig.Memory], [true, 32 << 20])
      assert.deepEqual(Object.keys(app.HostConfig.Tmpfs), ['/run'])
      ok(await h('up', '-d', 'db'), 'up db')
      const top = await h('top', 'db')
      ok(top, 'top')
      assert.match(top.stdout, /UID +PID +PPID/)
      assert.match(top.stdout, /sleep 300/)
      const port = await h('port', 'db', '8080')
      ok(port, 'port')
      assert.match(port.stdout.trim(), /^0\.0\.0\.0:\d+$/)
      ok(await h('pause'), 'pause')
      assert.match((await h('ps')).stdout, /health_db_1 .* Paused/)
      ok(await h('unpause'), 'unpause')
      ok(await h('kill'), 'kill')
      assert.match((await h('ps')).stdout, /health_db_1 .* Exit 137/)
      ok(await h('rm', '-f'), 'rm')
      assert.deepEqual(await api('/containers/json?all=1'), [])
    } finally {
      // Later cases expect no containers even when this one fails.
      ok(await h('down', '-t', '1'), 'down')
    }
  })

  // Compose v1 reads the image's ContainerConfig to recreate a service; dockerd omits it from API
  // 1.45 on (recreating fails with KeyError against Docker 25+), berth sends it to Compose v1.
  it('recreates a changed service and carries its anonymous volume over (API 1.47)', async () => {
    const r = (mode: string, ...args: string[]) =>
      compose('recreate', 'recreate.yml', args, false, { MODE: mode })
    try {
      ok(await r('one', 'up', '-d'), 'up')
      const first = (await api('/containers/recreate_svc_1/json')) as { Id: string }
      const logs = async (want: RegExp) => {
        for (let i = 0; i < 50; i++) {
          const out = (await r('two', 'logs', '--no-color')).stdout
          if (want.test(out)) return out
          await new Promise((res) => setTimeout(res, 100))
        }
        assert.fail(`logs never matched ${want}`)
      }
      await logs(/mode=one/)
      const up = await r('two', 'up', '-d', '-t', '1')
      ok(up, 'recreate')
      assert.match(up.stderr, /Recreating recreate_svc_1/)
      const second = (await api('/containers/recreate_svc_1/json')) as {
        Id: string
        Config: { Env: string[] }
      }
      assert.notEqual(second.Id, first.Id)
      assert.ok(second.Config.Env.includes('MODE=two'))
      // The file the first container left in /anon is there for the second one.
      const out = await logs(/mode=two\n.*\| one\n/)
      assert.doesNotMatch(out, /mode=one/)
    } finally {
      ok(await r('two', 'down', '-v', '-t', '1'), 'down')
    }
  })

  it('runs services with network_mode host and none', async () => {
    const up = await compose('modes', 'modes.yml', ['up', '-d'])
    ok(up, 'up')
    assert.doesNotMatch(up.stderr, /Creating network/)
    const logs = async (svc: string, last: string) => {
      for (let i = 0; i < 50; i++) {
        const r = await compose('modes', 'modes.yml', ['logs', '--no-color', svc])
        const lines = r.stdout
          .split('\n')
          .filter((l) => l.includes('|'))
          .map((l) => l.slice(l.indexOf('|') + 2))
        if (lines.includes(last) || (svc === 'nonet' && lines.length > 0)) return lines
        await new Promise((res) => setTimeout(res, 100))
      }
      assert.fail(`no logs from ${svc}`)
    }
    // Host network: the host's interfaces (this daemon's bridge among them) and its hostname.
    const host = await logs('hostnet', hostname())
    assert.ok(host.includes(d.bridge) && host.includes('lo'), host.join(','))
    assert.equal(host.at(-1), hostname())
    assert.deepEqual(await logs('nonet', 'lo'), ['lo'])
    const ps = await compose('modes', 'modes.yml', ['ps'])
    assert.match(ps.stdout, /modes_hostnet_1 .* Up/)
    assert.match(ps.stdout, /modes_nonet_1 .* Up/)
    ok(await compose('modes', 'modes.yml', ['down', '-t', '1']), 'down')
    assert.deepEqual(await api('/containers/json?all=1'), [])
  })
})
