// Networking workloads of issue #3 for bench/run.ts: one container's network setup+teardown
// (from berthd's debug timings: reserve + plumb + release; on the default bridge and on a
// user-defined network, whose containers also get 127.0.0.11), `run --rm busybox true` on the
// default bridge, and HTTP requests/s through a published port (wrk -c8 against busybox httpd
// on 127.0.0.1, kernel DNAT, no userland proxy).
import { spawnSync } from 'node:child_process'
import type { TestDaemon } from '../test/support/daemon.ts'

type Cli = (a: string[]) => Promise<{ code: number; stdout: string; stderr: string }>

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)] ?? Number.NaN
}

/** Median ms of `run --rm --network bridge busybox true`. */
export async function runRmBridge(cli: Cli, runs: number): Promise<number> {
  const times: number[] = []
  for (let i = 0; i < runs + 2; i++) {
    const t0 = performance.now()
    const r = await cli(['run', '--rm', '--network', 'bridge', 'busybox', 'true'])
    if (r.code !== 0) throw new Error(`run on the bridge failed: ${r.stderr}`)
    if (i >= 2) times.push(performance.now() - t0)
  }
  return median(times)
}

/** Median of reserve+plumb+release per container, from the daemon's debug log (only when the
 *  bench started its own daemon); `only`: just these container ids. */
export function setupTeardownMs(daemon: TestDaemon | undefined, only?: Set<string>): number {
  if (!daemon) return Number.NaN
  const per = new Map<string, { n: number; ms: number }>()
  for (const m of daemon
    .log()
    .matchAll(/msg="network (reserved|plumbed|released)" id="([0-9a-f]+)" ms=([\d.]+)/g)) {
    const e = per.get(m[2]!) ?? { n: 0, ms: 0 }
    e.n++
    e.ms += Number(m[3])
    per.set(m[2]!, e)
  }
  return median(
    [...per.entries()].filter(([id, e]) => e.n === 3 && (!only || only.has(id))).map(([, e]) => e.ms),
  )
}

/** Setup+teardown (as setupTeardownMs) of `run --rm` containers on a user-defined network: their
 *  namespaces also get the 127.0.0.11 redirection to the embedded DNS. */
export async function userNetworkSetupTeardownMs(
  cli: Cli,
  daemon: TestDaemon | undefined,
  runs: number,
): Promise<number> {
  if (!daemon) return Number.NaN
  const net = `bench-net-${process.pid}`
  const made = await cli(['network', 'create', net])
  if (made.code !== 0) throw new Error(`network create failed: ${made.stderr}`)
  const ids = new Set<string>()
  try {
    for (let i = 0; i < runs + 2; i++) {
      const r = await cli(['run', '-d', '--network', net, 'busybox', 'true'])
      if (r.code !== 0) throw new Error(`run on ${net} failed: ${r.stderr}`)
      const id = r.stdout.trim()
      await cli(['wait', id])
      await cli(['rm', id])
      if (i >= 2) ids.add(id)
    }
  } finally {
    await cli(['network', 'rm', net])
  }
  return setupTeardownMs(daemon, ids)
}

/** wrk -c8 for 5 s against busybox httpd published on 127.0.0.1; requests/s, or NaN without wrk. */
export async function publishedPortRate(cli: Cli, port = 18480): Promise<number> {
  if (spawnSync('sh', ['-c', 'command -v wrk']).status !== 0) return Number.NaN
  const name = `bench-httpd-${process.pid}`
  const r = await cli([
    'run',
    '-d',
    '--name',
    name,
    '-p',
    `127.0.0.1:${port}:80`,
    'busybox',
    'httpd',
    '-f',
    '-p',
    '80',
    '-h',
    '/etc',
  ])
  if (r.code !== 0) throw new Error(`httpd failed: ${r.stderr}`)
  try {
    await new Promise((res) => setTimeout(res, 300))
    const out = spawnSync('wrk', ['-t2', '-c8', '-d5s', `http://127.0.0.1:${port}/hostname`], {
      encoding: 'utf8',
    })
    return Number(/Requests\/sec:\s+([\d.]+)/.exec(out.stdout)?.[1] ?? Number.NaN)
  } finally {
    await cli(['rm', '-f', name])
  }
}
