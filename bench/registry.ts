// Distribution workloads of issue #5 for bench/run.ts (or alone: `node bench/registry.ts`,
// which starts its own berthd from the sources): push and pull of a 200 MB image in 4 layers
// through berthd and berth-registry (its own process, filesystem storage) on 127.0.0.1 with the
// docker CLI, and the registry's requests/s for blob HEAD and manifest GET (8 connections).
// Layer content is real binaries from the host (/usr), so gzip has realistic work to do.
import { type ChildProcess, spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { createWriteStream, readdirSync, readFileSync, statSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { Agent, request } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pipeline } from 'node:stream/promises'
import tar from 'tar-stream'
import { REPO, TestDaemon } from '../test/support/daemon.ts'

type Cli = (a: string[]) => Promise<{ code: number; stdout: string; stderr: string }>

export interface RegistryFigures {
  imageMb: number
  pushMbPerS: number
  pullMbPerS: number
  blobHeadRps: number
  manifestGetRps: number
}

const LAYERS = 4
const LAYER_BYTES = 50_000_000

/** Host files (largest first) concatenated to `bytes`, starting `skip` bytes in. */
function hostBinaries(bytes: number, skip: number): Buffer {
  const files: string[] = []
  const walk = (dir: string, depth: number) => {
    let names: string[]
    try {
      names = readdirSync(dir)
    } catch {
      return // unreadable directory: skip it
    }
    for (const n of names) {
      const p = join(dir, n)
      try {
        const st = statSync(p, { throwIfNoEntry: false })
        if (st?.isFile() && st.size > 64 * 1024) files.push(p)
        else if (st?.isDirectory() && depth < 4) walk(p, depth + 1)
      } catch {
        // A file that vanished or cannot be read is simply not used.
      }
    }
  }
  walk('/usr/lib', 0)
  walk('/usr/bin', 0)
  const out: Buffer[] = []
  let have = 0
  let skipped = 0
  for (const f of files.sort()) {
    const b = readFileSync(f)
    if (skipped < skip) {
      skipped += b.length
      continue
    }
    out.push(b)
    have += b.length
    if (have >= bytes) break
  }
  if (have < bytes) throw new Error(`only ${have} bytes of host binaries found`)
  return Buffer.concat(out).subarray(0, bytes)
}

/** A docker-archive (manifest.json + config + layer tars) of LAYERS layers of LAYER_BYTES each. */
export async function writeArchive(path: string, tag: string): Promise<void> {
  const layers: Buffer[] = []
  for (let i = 0; i < LAYERS; i++) {
    const p = tar.pack()
    p.entry(
      { name: `data/layer${i}.bin`, mode: 0o644, mtime: new Date(1_700_000_000_000) },
      hostBinaries(LAYER_BYTES, i * LAYER_BYTES),
    )
    p.finalize()
    const chunks: Buffer[] = []
    for await (const c of p) chunks.push(c as Buffer)
    layers.push(Buffer.concat(chunks))
  }
  const sha = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`
  const config = Buffer.from(
    JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      config: { Cmd: ['/bin/true'] },
      rootfs: { type: 'layers', diff_ids: layers.map(sha) },
    }),
  )
  const out = tar.pack()
  const done = pipeline(out, createWriteStream(path))
  out.entry({ name: 'config.json' }, config)
  for (const [i, l] of layers.entries()) out.entry({ name: `layer${i}.tar` }, l)
  out.entry(
    { name: 'manifest.json' },
    JSON.stringify([
      { Config: 'config.json', RepoTags: [tag], Layers: layers.map((_, i) => `layer${i}.tar`) },
    ]),
  )
  out.finalize()
  await done
}

export async function startRegistryProcess(root: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(
    process.execPath,
    [join(REPO, 'src/cmd/berth-registry.ts'), 'serve', '--addr', '127.0.0.1:0', '--root', root],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  )
  const url = await new Promise<string>((resolve, reject) => {
    let buf = ''
    const onData = (b: Buffer) => {
      buf += b.toString()
      const m = /"msg":"listening","url":"([^"]+)"/.exec(buf)
      if (m) {
        child.stdout?.off('data', onData)
        child.stdout?.resume()
        resolve(m[1]!)
      }
    }
    child.stdout?.on('data', onData)
    child.once('exit', (code) => reject(new Error(`berth-registry exited with ${code}`)))
  })
  return { child, url }
}

/** Requests/s over 8 keep-alive connections for 3 s (HEAD too, which wrk mishandles). */
async function httpRate(
  url: string,
  method: 'GET' | 'HEAD',
  headers: Record<string, string> = {},
): Promise<number> {
  const agent = new Agent({ keepAlive: true, maxSockets: 8 })
  const target = new URL(url)
  const one = () =>
    new Promise<void>((resolve, reject) => {
      const req = request(
        { host: target.hostname, port: target.port, path: target.pathname, method, headers, agent },
        (res) => {
          if (res.statusCode !== 200) reject(new Error(`${method} ${url}: ${res.statusCode}`))
          res.resume()
          res.on('end', resolve)
        },
      )
      req.on('error', reject)
      req.end()
    })
  let n = 0
  const until = performance.now() + 3000
  const worker = async () => {
    while (performance.now() < until) {
      await one()
      n++
    }
  }
  const t0 = performance.now()
  await Promise.all(Array.from({ length: 8 }, worker))
  agent.destroy()
  return n / ((performance.now() - t0) / 1000)
}

async function timed(cli: Cli, args: string[]): Promise<number> {
  const t0 = performance.now()
  const r = await cli(args)
  if (r.code !== 0) throw new Error(`${args.join(' ')} failed: ${r.stderr}`)
  return (performance.now() - t0) / 1000
}

/** Push and pull of the 200 MB image through the daemon `cli` talks to, and the registry's rates. */
export async function registryFigures(cli: Cli): Promise<RegistryFigures> {
  const dir = await mkdtemp(join(tmpdir(), 'berth-bench-registry-'))
  const reg = await startRegistryProcess(join(dir, 'root'))
  const host = reg.url.replace('http://', '')
  const ref = `${host}/bench/big:1`
  try {
    const archive = join(dir, 'big.tar')
    await writeArchive(archive, ref)
    const load = await cli(['load', '-i', archive])
    if (load.code !== 0) throw new Error(`load failed: ${load.stderr}`)
    const imageMb = (LAYERS * LAYER_BYTES) / 1e6
    const pushS = await timed(cli, ['push', ref])
    await timed(cli, ['rmi', ref])
    const pullS = await timed(cli, ['pull', ref])
    const manifest = await fetch(`${reg.url}/v2/bench/big/manifests/1`, {
      headers: { Accept: 'application/vnd.docker.distribution.manifest.v2+json' },
    })
    const layer = ((await manifest.json()) as { layers: { digest: string }[] }).layers[0]!.digest
    const blobHeadRps = await httpRate(`${reg.url}/v2/bench/big/blobs/${layer}`, 'HEAD')
    const manifestGetRps = await httpRate(`${reg.url}/v2/bench/big/manifests/1`, 'GET', {
      Accept: 'application/vnd.docker.distribution.manifest.v2+json',
    })
    await cli(['rmi', ref])
    return { imageMb, pushMbPerS: imageMb / pushS, pullMbPerS: imageMb / pullS, blobHeadRps, manifestGetRps }
  } finally {
    reg.child.kill('SIGTERM')
    await rm(dir, { recursive: true, force: true })
  }
}

if (import.meta.filename === process.argv[1]) {
  const d = await TestDaemon.start({ busybox: false })
  try {
    const f = await registryFigures((a) => d.docker(a, { timeoutMs: 600_000 }))
    process.stdout.write(`${JSON.stringify(f, null, 2)}\n`)
  } finally {
    await d.stop()
  }
}
