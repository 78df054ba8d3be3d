// berth's benchmark (not a test): starts its own berthd on a temporary root (or uses
// BERTH_BENCH_HOST), measures the workloads of issue #2 and writes docs/benchmarks.md.
// Where Docker's engine is running (/var/run/docker.sock), the same workloads run against it.
// Usage: node bench/run.ts [--runs N] [--no-write]
import { spawnSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { Agent, request } from 'node:http'
import { cpus, loadavg, release, totalmem } from 'node:os'
import { join } from 'node:path'
import { REPO, runProcess, TestDaemon } from '../test/support/daemon.ts'
import { buildTimes } from './build.ts'
import { execLatency, statsCpu } from './living.ts'
import { publishedPortRate, runRmBridge, setupTeardownMs, userNetworkSetupTeardownMs } from './network.ts'
import { registryFigures } from './registry.ts'

const args = process.argv.slice(2)
const RUNS = Number(args[args.indexOf('--runs') + 1]) || 15
const WRITE = !args.includes('--no-write')
const LOAD_BEFORE = loadavg()[0]?.toFixed(2)

interface Target {
  name: string
  socket: string
  cli: (a: string[]) => Promise<{ code: number; stdout: string; stderr: string }>
  daemonPids: () => number[]
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)] ?? Number.NaN
}

function api(
  socket: string,
  method: string,
  path: string,
  body?: unknown,
  agent?: Agent,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { socketPath: socket, method, path, agent, headers: { 'Content-Type': 'application/json' } },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }))
      },
    )
    req.on('error', reject)
    req.end(body === undefined ? undefined : JSON.stringify(body))
  })
}

function rssKb(pid: number): number {
  try {
    return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0)
  } catch {
    return 0
  }
}

function pidsOf(name: string): number[] {
  const r = spawnSync('pgrep', ['-x', name], { encoding: 'utf8' })
  return r.stdout.split('\n').filter(Boolean).map(Number)
}

async function timeIt(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now()
  await fn()
  return performance.now() - t0
}

async function runRm(t: Target, cli: (a: string[]) => Promise<{ code: number }>): Promise<number> {
  const times: number[] = []
  for (let i = 0; i < RUNS + 2; i++) {
    const ms = await timeIt(async () => {
      const r = await cli(['run', '--rm', 'busybox', 'true'])
      if (r.code !== 0) throw new Error(`${t.name}: run failed`)
    })
    if (i >= 2) times.push(ms)
  }
  return median(times)
}

async function parallelStarts(t: Target, total = 48, workers = 8): Promise<number> {
  const ids: string[] = []
  let next = 0
  const t0 = performance.now()
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (next < total) {
        next++
        const c = await api(t.socket, 'POST', '/containers/create', {
          Image: 'busybox',
          Cmd: ['sleep', '300'],
        })
        const id = JSON.parse(c.body).Id as string
        ids.push(id)
        const s = await api(t.socket, 'POST', `/containers/${id}/start`)
        if (s.status !== 204) throw new Error(`start: ${s.status} ${s.body}`)
      }
    }),
  )
  const rate = total / ((performance.now() - t0) / 1000)
  await Promise.all(ids.map((id) => api(t.socket, 'DELETE', `/containers/${id}?force=1`)))
  return rate
}

async function listRate(t: Target, n = 100, seconds = 3): Promise<number> {
  const ids: string[] = []
  for (let i = 0; i < n; i++)
    ids.push(
      JSON.parse(
        (await api(t.socket, 'POST', '/containers/create', { Image: 'busybox', Cmd: ['true'] })).body,
      ).Id,
    )
  const agent = new Agent({ keepAlive: true, maxSockets: 1 })
  let count = 0
  const end = performance.now() + seconds * 1000
  const t0 = performance.now()
  while (performance.now() < end) {
    await api(t.socket, 'GET', '/containers/json?all=1', undefined, agent)
    count++
  }
  const rate = count / ((performance.now() - t0) / 1000)
  agent.destroy()
  for (const id of ids) await api(t.socket, 'DELETE', `/containers/${id}?force=1`)
  return rate
}

/** Long enough for berthd's idle collector (5 s of API silence, src/daemon/idle-gc.ts) to run. */
const SETTLE_MS = 9_000

async function memory(t: Target, n = 10): Promise<{ idleMb: number; perContainerMb: number }> {
  // Idle means idle: sampled once the API has been quiet, not in the wake of the last workload.
  await new Promise((r) => setTimeout(r, SETTLE_MS))
  const idle = t.daemonPids().reduce((s, p) => s + rssKb(p), 0)
  const monitorsBefore = new Set(pidsOf('conmon'))
  const ids: string[] = []
  for (let i = 0; i < n; i++) {
    const id = JSON.parse(
      (await api(t.socket, 'POST', '/containers/create', { Image: 'busybox', Cmd: ['sleep', '300'] })).body,
    ).Id as string
    await api(t.socket, 'POST', `/containers/${id}/start`)
    ids.push(id)
  }
  await new Promise((r) => setTimeout(r, SETTLE_MS))
  const daemonNow = t.daemonPids().reduce((s, p) => s + rssKb(p), 0)
  const monitors = pidsOf('conmon')
    .filter((p) => !monitorsBefore.has(p))
    .concat(pidsOf('containerd-shim-runc-v2'))
  const monitorKb = monitors.reduce((s, p) => s + rssKb(p), 0)
  for (const id of ids) await api(t.socket, 'DELETE', `/containers/${id}?force=1`)
  return { idleMb: idle / 1024, perContainerMb: (daemonNow - idle + monitorKb) / 1024 / n }
}

async function logsRead(t: Target): Promise<number> {
  const c = await api(t.socket, 'POST', '/containers/create', {
    Image: 'busybox',
    Cmd: [
      'sh',
      '-c',
      'yes 0123456789012345678901234567890123456789012345678901234567890123456789012345678 | head -c 52428800',
    ],
  })
  const id = JSON.parse(c.body).Id as string
  await api(t.socket, 'POST', `/containers/${id}/start`)
  await api(t.socket, 'POST', `/containers/${id}/wait`)
  const times: number[] = []
  for (let i = 0; i < 3; i++) {
    times.push(
      await timeIt(async () => {
        const r = spawnSync('sh', ['-c', `${t.name === 'berth' ? 'berth' : 'docker'} logs ${id} | wc -c`], {
          encoding: 'utf8',
          env: { ...process.env, BERTH_HOST: `unix://${t.socket}`, DOCKER_HOST: `unix://${t.socket}` },
        })
        if (Number(r.stdout.trim()) < 50_000_000) throw new Error(`short log read: ${r.stdout} ${r.stderr}`)
      }),
    )
  }
  await api(t.socket, 'DELETE', `/containers/${id}?force=1`)
  return median(times)
}

async function main(): Promise<void> {
  const external = process.env.BERTH_BENCH_HOST
  const daemon = external ? undefined : await TestDaemon.start({ dist: true })
  const socket = external ? external.replace('unix://', '') : daemon!.socket
  const env = {
    ...process.env,
    BERTH_HOST: `unix://${socket}`,
    DOCKER_HOST: `unix://${socket}`,
    DOCKER_BUILDKIT: '0',
  }
  const berthCli = (a: string[]) => runProcess('berth', a, { env })
  const dockerCli = (a: string[]) => runProcess('docker', a, { env })
  const berth: Target = {
    name: 'berth',
    socket,
    cli: berthCli,
    daemonPids: () => (daemon?.pid ? [daemon.pid] : pidsOf('node')),
  }
  const rows: Array<[string, string, string]> = []
  // The OCI runtime berthd chose (crun where installed; BERTH_TEST_RUNTIME=runc for the other).
  const runtimeName = String(JSON.parse((await api(socket, 'GET', '/info')).body).DefaultRuntime)
  try {
    await new Promise((r) => setTimeout(r, SETTLE_MS)) // idle: the import's request is over
    const fresh = berth.daemonPids().reduce((sum, p) => sum + rssKb(p), 0) / 1024
    rows.push([
      'berthd resident memory, idle just after start (busybox imported)',
      `${fresh.toFixed(1)} MB`,
      '< 80 MB',
    ])
    const startTimes: number[] = []
    for (let i = 0; i < 10; i++) startTimes.push(await timeIt(() => berthCli(['--version'])))
    rows.push(['`berth --version` (CLI start-up alone)', `${median(startTimes).toFixed(0)} ms`, '< 60 ms'])
    const versionTimes: number[] = []
    for (let i = 0; i < 10; i++) versionTimes.push(await timeIt(() => berthCli(['version'])))
    rows.push([
      '`berth version` (start-up plus two API calls)',
      `${median(versionTimes).toFixed(0)} ms`,
      '< 60 ms',
    ])
    rows.push([
      '`run --rm busybox true` via docker CLI',
      `${(await runRm(berth, dockerCli)).toFixed(0)} ms`,
      '≤ 120 ms',
    ])
    rows.push([
      '`run --rm busybox true` via berth',
      `${(await runRm(berth, berthCli)).toFixed(0)} ms`,
      '≤ 150 ms',
    ])
    rows.push([
      'containers created+started/s, 8 in parallel',
      `${(await parallelStarts(berth)).toFixed(1)}/s`,
      '≥ 20/s',
    ])
    rows.push([
      '`GET /containers/json?all=1`, 100 containers, one connection',
      `${(await listRate(berth)).toFixed(0)} req/s`,
      '≥ 1,000 req/s',
    ])
    const mem = await memory(berth)
    rows.push([
      'berthd resident memory, idle after the workloads above',
      `${mem.idleMb.toFixed(1)} MB`,
      '< 80 MB',
    ])
    rows.push([
      'host memory per running container (daemon growth + conmon)',
      `${mem.perContainerMb.toFixed(2)} MB`,
      '≤ 3 MB',
    ])
    rows.push([
      '`docker exec <c> true`, end to end',
      `${(await execLatency(dockerCli, RUNS)).toFixed(0)} ms`,
      '≤ 45 ms',
    ])
    if (daemon?.pid)
      rows.push([
        'berthd CPU while 50 containers stream stats',
        `${(await statsCpu(dockerCli, socket, daemon.pid)).toFixed(0)} % of a core`,
        'reported',
      ])
    rows.push(['`berth logs` of 50 MB', `${(await logsRead(berth)).toFixed(0)} ms`, '< 1,000 ms'])
    rows.push([
      '`run --rm busybox true` on the default bridge via docker CLI',
      `${(await runRmBridge(dockerCli, RUNS)).toFixed(0)} ms`,
      '≤ 150 ms',
    ])
    rows.push([
      'network setup+teardown per container (median)',
      `${setupTeardownMs(daemon).toFixed(1)} ms`,
      '≤ 30 ms',
    ])
    rows.push([
      'network setup+teardown per container on a user network (with 127.0.0.11, median)',
      `${(await userNetworkSetupTeardownMs(dockerCli, daemon, RUNS)).toFixed(1)} ms`,
      '≤ 30 ms',
    ])
    rows.push([
      'published port HTTP req/s (wrk -c8, busybox httpd, 127.0.0.1)',
      `${(await publishedPortRate(dockerCli)).toFixed(0)} req/s`,
      '≥ 4,000 req/s',
    ])
    const build = await buildTimes(dockerCli, RUNS)
    rows.push([
      '`docker build`, 10 steps, 20 MB context, fully cached',
      `${build.cachedMs.toFixed(0)} ms`,
      '≤ 100 ms',
    ])
    rows.push(['`docker build`, same, cold (`--no-cache`)', `${build.coldMs.toFixed(0)} ms`, '≤ 1,500 ms'])
    rows.push([
      '`docker build`, same, one copied file changed',
      `${build.oneFileMs.toFixed(0)} ms`,
      'reported',
    ])
    const dist = await registryFigures(dockerCli)
    rows.push([
      `push of a ${dist.imageMb} MB image (4 layers) to berth-registry, docker CLI`,
      `${dist.pushMbPerS.toFixed(0)} MB/s`,
      '≥ 150 MB/s',
    ])
    rows.push([
      'pull of the same image from berth-registry',
      `${dist.pullMbPerS.toFixed(0)} MB/s`,
      '≥ 150 MB/s',
    ])
    rows.push(['berth-registry blob HEAD, 8 connections', `${dist.blobHeadRps.toFixed(0)} req/s`, 'reported'])
    rows.push([
      'berth-registry manifest GET, 8 connections',
      `${dist.manifestGetRps.toFixed(0)} req/s`,
      'reported',
    ])
  } finally {
    await daemon?.stop()
  }
  const dockerd = spawnSync('sh', [
    '-c',
    'test -S /var/run/docker.sock && docker -H unix:///var/run/docker.sock version >/dev/null 2>&1',
  ])
  const dockerNote =
    dockerd.status === 0
      ? ''
      : "Docker's engine is not installed on this machine, so no side-by-side ratio was measured in this run."
  const cpu = cpus()[0]?.model ?? 'unknown CPU'
  const md = `# Benchmarks

Measured by \`node bench/run.ts\` (medians of ${RUNS} runs after 2 warm-ups where a latency is
timed), which starts its own berthd (${runtimeName} through conmon, overlayfs) on a temporary data root,
imports busybox from the host's busybox-static and drives it through the bundled \`berth\`
CLI, the real \`docker\` CLI (DOCKER_HOST pointed at berthd) and raw API calls.

- Date: ${new Date().toISOString()}
- Machine: ${cpus().length} × ${cpu}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Linux ${release()}; load average ${LOAD_BEFORE} before, ${loadavg()[0]?.toFixed(2)} after (figures swing by 10–30 % with load)
- berth: ${spawnSync('git', ['-C', REPO, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).stdout.trim()}, Node ${process.versions.node}

| workload | berth | budget |
| --- | --- | --- |
${rows.map((r) => `| ${r.join(' | ')} |`).join('\n')}

${dockerNote}

For scale, the issue quotes Docker 20.10's engine measured on these machines: \`run --rm busybox
true\` 390 ms, 6.3 containers/s with 8 in parallel, 100 list requests/s, 145 MB idle plus 13 MB
per container for its shim, 4.2 s to read 50 MB of logs.

How: "idle" memory is sampled after the API has been quiet for 9 s (berthd runs one
memory-reducing collection after 5 s of silence), once just after start and once after the
workloads above; the memory per container starts 10 \`sleep\` containers and divides the growth
of berthd's idle resident set plus the resident sets of their conmon monitors by 10; the list
rate creates 100 containers and issues sequential requests over one keep-alive connection for
3 s; the parallel rate creates and starts 48 containers from 8 concurrent API clients; push and
pull move a 200 MB image of host binaries (compresses ~2.7:1) in 4 layers between berthd and a
berth-registry on loopback through the docker CLI, with igzip (Debian's isal) installed.

The OCI runtime: berthd drives crun where it is installed (it is here), else runc. The other
one is measured with \`BERTH_TEST_RUNTIME=runc node bench/run.ts --no-write\`; on 2026-11-24 it
gave \`docker exec <c> true\` 50–56 ms under runc (31 ms under crun in the same hour): every
\`runc exec\` starts Go twice and compiles Docker's seccomp profile for three architectures in
libseccomp (~16 ms of its ~30), where crun loads the filter it compiled at create. The other rows
were within a few percent of each other, except 8 containers in parallel (22/s under runc).
`
  process.stdout.write(md)
  if (WRITE) writeFileSync(join(REPO, 'docs/benchmarks.md'), md)
}

await main()
