// Workloads of issue #7 for bench/run.ts: `docker exec <c> true` end to end, and berthd's CPU
// use while 50 running containers' stats are streamed at once (from /proc/<pid>/stat).
import { readFileSync } from 'node:fs'
import { request } from 'node:http'

type Cli = (a: string[]) => Promise<{ code: number; stdout: string; stderr: string }>

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)] ?? Number.NaN
}

/** Median ms of `exec <running container> true` through `cli`. */
export async function execLatency(cli: Cli, runs: number): Promise<number> {
  const id = (await cli(['run', '-d', 'busybox', 'sleep', '300'])).stdout.trim()
  try {
    const times: number[] = []
    for (let i = 0; i < runs + 2; i++) {
      const t0 = performance.now()
      const r = await cli(['exec', id, 'true'])
      if (r.code !== 0) throw new Error(`exec failed: ${r.stderr}`)
      if (i >= 2) times.push(performance.now() - t0)
    }
    return median(times)
  } finally {
    await cli(['rm', '-f', id])
  }
}

/** utime + stime of a process, in clock ticks (100/s on Linux). */
function cpuTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return Number(fields[11]) + Number(fields[12])
}

/** berthd's CPU use (% of one core) while `n` containers' stats stream for `seconds`. */
export async function statsCpu(
  cli: Cli,
  socket: string,
  daemonPid: number,
  n = 50,
  seconds = 10,
): Promise<number> {
  const ids: string[] = []
  for (let i = 0; i < n; i++) ids.push((await cli(['run', '-d', 'busybox', 'sleep', '300'])).stdout.trim())
  const streams = ids.map(
    (id) =>
      request({ socketPath: socket, path: `/containers/${id}/stats?stream=1` }, (res) =>
        res.resume(),
      ).end() as ReturnType<typeof request>,
  )
  try {
    await new Promise((r) => setTimeout(r, 2000)) // let every stream start
    const t0 = cpuTicks(daemonPid)
    await new Promise((r) => setTimeout(r, seconds * 1000))
    return (cpuTicks(daemonPid) - t0) / seconds // ticks per second = % of one core
  } finally {
    for (const s of streams) s.destroy()
    await cli(['rm', '-f', ...ids])
  }
}
