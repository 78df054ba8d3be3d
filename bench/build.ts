// Builder workloads of issue #6 for bench/run.ts, through the real docker CLI (legacy builder):
// a 10-step Dockerfile over a 20 MB context (20 files of 1 MB), built cold (--no-cache), rebuilt
// fully cached, and rebuilt after changing one copied file. Medians; the context lives in a
// temporary directory removed afterwards.
import { randomBytes } from 'node:crypto'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

type Cli = (a: string[]) => Promise<{ code: number; stdout: string; stderr: string }>

const DOCKERFILE = `FROM busybox
ENV APP=/app
WORKDIR /app
COPY f1.bin f2.bin ./
COPY . /ctx/
RUN echo built > /built
ARG VERSION=1
RUN echo "$VERSION" > /version
LABEL bench=build
CMD ["sh"]
`

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)] ?? Number.NaN
}

async function timed(cli: Cli, args: string[]): Promise<number> {
  const t0 = performance.now()
  const r = await cli(args)
  const ms = performance.now() - t0
  if (r.code !== 0) throw new Error(`docker ${args.join(' ')}: ${r.stderr}`)
  return ms
}

/** Cold, cached and one-file-changed build times (ms) via the docker CLI. */
export async function buildTimes(
  dockerCli: Cli,
  runs: number,
): Promise<{ coldMs: number; cachedMs: number; oneFileMs: number }> {
  const dir = await mkdtemp(join(tmpdir(), 'berth-bench-build-'))
  try {
    await writeFile(join(dir, 'Dockerfile'), DOCKERFILE)
    for (let i = 1; i <= 20; i++) await writeFile(join(dir, `f${i}.bin`), randomBytes(1 << 20))
    const args = ['build', '-q', '-t', 'bench-build:latest', dir]
    const cold: number[] = []
    for (let i = 0; i < 3; i++)
      cold.push(await timed(dockerCli, ['build', '-q', '--no-cache', '-t', 'bench-build:latest', dir]))
    const cached: number[] = []
    for (let i = 0; i < runs + 2; i++) {
      const ms = await timed(dockerCli, args)
      if (i >= 2) cached.push(ms)
    }
    const changed: number[] = []
    for (let i = 0; i < 5; i++) {
      await writeFile(join(dir, 'f7.bin'), randomBytes(1 << 20))
      changed.push(await timed(dockerCli, args))
    }
    await dockerCli(['rmi', '-f', 'bench-build:latest'])
    await dockerCli(['builder', 'prune', '-af'])
    return { coldMs: median(cold), cachedMs: median(cached), oneFileMs: median(changed) }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}
