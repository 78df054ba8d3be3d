// Test harness: starts a real berthd from source on a temporary socket, data root and exec
// root; imports busybox:latest from the host's busybox-static; runs berth / docker commands
// against it; and on stop removes every container, kills the daemon (by its pid), unmounts
// whatever is left under its roots and deletes them.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { request } from 'node:http'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

export const REPO = resolve(import.meta.dirname, '../..')
/** The OCI runtime the test daemons use (BERTH_TEST_RUNTIME), else berthd's default. */
const TEST_RUNTIME = process.env.BERTH_TEST_RUNTIME ?? ''
const NODE = process.execPath

export interface RunResult {
  code: number
  stdout: string
  stderr: string
}

/** Why e2e tests cannot run here, or undefined when they can. */
export function e2eSkipReason(): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root'
  for (const bin of ['/usr/sbin/runc', '/usr/bin/conmon', '/usr/bin/busybox']) {
    if (!existsSync(bin)) return `needs ${bin}`
  }
  return undefined
}

export class TestDaemon {
  readonly dir: string
  readonly socket: string
  readonly host: string
  #child: ChildProcess | undefined
  #log: Buffer[] = []
  extraArgs: string[] = []
  /** This daemon's own bridge and nftables table (other test daemons run concurrently). */
  readonly bridge = `bt${randomBytes(3).toString('hex')}`
  readonly nftTable = `bt${randomBytes(3).toString('hex')}`
  /** 10.<n>.0.0/16: the address pool of this daemon's networks. */
  readonly poolOctet = 32 + Math.floor(Math.random() * 200)
  /** Kernel objects found after a clean stop (the daemon should have removed them). */
  leftovers: string[] = []

  private constructor(dir: string) {
    this.dir = dir
    this.socket = join(dir, 'berth.sock')
    this.host = `unix://${this.socket}`
  }

  /** What runs as berthd: the sources, or the bundled dist/berthd.mjs (the benchmark measures what ships). */
  entry = join(REPO, 'src/cmd/berthd.ts')

  static async start(
    opts: { busybox?: boolean; dist?: boolean; extraArgs?: (dir: string) => Promise<string[]> } = {},
  ): Promise<TestDaemon> {
    const d = new TestDaemon(await mkdtemp(join(tmpdir(), 'berth-e2e-')))
    // BERTH_DIST_DIR picks a private bundle (scripts/build.mjs writes it) for A/B measurements.
    if (opts.dist) d.entry = join(REPO, process.env.BERTH_DIST_DIR ?? 'dist', 'berthd.mjs')
    try {
      if (opts.extraArgs) d.extraArgs = await opts.extraArgs(d.dir)
      await d.launch()
      if (opts.busybox !== false) await d.importBusybox()
    } catch (err) {
      // A daemon that failed to come up must not leave its roots behind either.
      await d.stop().catch(() => undefined)
      throw err
    }
    return d
  }

  get dataRoot(): string {
    return join(this.dir, 'data')
  }

  get execRoot(): string {
    return join(this.dir, 'exec')
  }

  get pid(): number | undefined {
    return this.#child?.pid
  }

  log(): string {
    return Buffer.concat(this.#log).toString('utf8')
  }

  async launch(): Promise<void> {
    // The bundled daemon runs as scripts/setup.sh installs it (same malloc arenas).
    const shipped = this.entry.endsWith('.mjs')
    const child = spawn(
      NODE,
      [
        this.entry,
        '-H',
        this.host,
        '--data-root',
        this.dataRoot,
        '--exec-root',
        this.execRoot,
        '--pidfile',
        join(this.dir, 'berthd.pid'),
        '--log-level',
        'debug',
        ...this.networkArgs(),
        ...this.runtimeArgs(),
        ...this.extraArgs,
      ],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: shipped ? { ...process.env, MALLOC_ARENA_MAX: '2' } : process.env,
      },
    )
    child.stdout?.on('data', (b: Buffer) => this.#log.push(b))
    child.stderr?.on('data', (b: Buffer) => this.#log.push(b))
    this.#child = child
    const deadline = Date.now() + 20_000
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`berthd exited with ${child.exitCode}:\n${this.log()}`)
      if (await this.ping()) return
      await sleep(50)
    }
    throw new Error(`berthd did not answer within 20s:\n${this.log()}`)
  }

  /** Isolation from concurrent test daemons; a loopback DNS upstream so no query leaves. */
  networkArgs(): string[] {
    const args = ['-b', this.bridge, '--nft-table', this.nftTable]
    if (!this.extraArgs.includes('--bip') && !this.extraArgs.includes('--default-address-pool'))
      args.push('--default-address-pool', `base=10.${this.poolOctet}.0.0/16,size=24`)
    if (!this.extraArgs.includes('--dns')) args.push('--dns', '127.0.0.1')
    return args
  }

  /** BERTH_TEST_RUNTIME (runc or crun) runs the suite under another OCI runtime. */
  runtimeArgs(): string[] {
    return this.extraArgs.includes('--default-runtime') ? [] : testRuntimeArgs()
  }

  /** Bridges this daemon made: its default one and those of its networks' records. */
  bridges(): string[] {
    const out = new Set([this.bridge])
    const dir = join(this.dataRoot, 'network')
    if (existsSync(dir))
      for (const f of readdirSync(dir).filter((x) => x.endsWith('.json'))) {
        const b = (JSON.parse(readFileSync(join(dir, f), 'utf8')) as { bridge?: string }).bridge
        if (b) out.add(b)
      }
    return [...out]
  }

  /** SIGKILL the daemon (containers must survive). */
  async kill9(): Promise<void> {
    const child = this.#child
    if (!child || child.exitCode !== null) return
    const exited = new Promise((r) => child.once('exit', r))
    child.kill('SIGKILL')
    await exited
    this.#child = undefined
  }

  async ping(): Promise<boolean> {
    try {
      const res = await this.api('GET', '/_ping')
      return res.status === 200
    } catch {
      // Not listening yet.
      return false
    }
  }

  /** A raw API call over the socket. */
  api(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; body: string; json: () => any; headers: Record<string, unknown> }> {
    return new Promise((resolvePromise, reject) => {
      const payload =
        body === undefined
          ? undefined
          : Buffer.isBuffer(body)
            ? body
            : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body))
      const req = request(
        {
          socketPath: this.socket,
          method,
          path,
          headers: { 'Content-Type': 'application/json', ...headers },
        },
        (res) => {
          const chunks: Buffer[] = []
          res.on('data', (c: Buffer) => chunks.push(c))
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8')
            resolvePromise({
              status: res.statusCode ?? 0,
              body: text,
              json: () => JSON.parse(text),
              headers: res.headers,
            })
          })
        },
      )
      req.on('error', reject)
      req.end(payload)
    })
  }

  async importBusybox(tag = 'busybox:latest'): Promise<void> {
    const gen = spawnSync(NODE, [join(REPO, 'scripts/busybox-rootfs.mjs')], { maxBuffer: 64 << 20 })
    const [repo, t] = tag.split(':')
    const res = await this.api(
      'POST',
      `/images/create?fromSrc=-&repo=${repo}&tag=${t}&changes=${encodeURIComponent('CMD ["sh"]')}`,
      gen.stdout,
      { 'Content-Type': 'application/x-tar' },
    )
    if (res.status !== 200 || res.body.includes('"error'))
      throw new Error(`import failed: ${res.status} ${res.body}`)
  }

  /** Runs the berth CLI (from source) against this daemon. */
  berth(
    args: string[],
    opts: { input?: string | Buffer; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
  ): Promise<RunResult> {
    return runProcess(NODE, [join(REPO, 'src/cmd/berth.ts'), ...args], {
      ...opts,
      env: { ...process.env, BERTH_HOST: this.host, ...opts.env },
    })
  }

  /** Runs the real docker CLI against this daemon. */
  docker(
    args: string[],
    opts: { input?: string | Buffer; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
  ): Promise<RunResult> {
    return runProcess('docker', args, {
      ...opts,
      env: {
        ...process.env,
        DOCKER_HOST: this.host,
        DOCKER_BUILDKIT: '0',
        DOCKER_CONFIG: join(this.dir, 'docker-config'),
        ...opts.env,
      },
    })
  }

  async stop(): Promise<void> {
    let clean = false
    let bridges: string[] = [this.bridge]
    try {
      if (await this.ping()) {
        clean = true
        const list = await this.api('GET', '/containers/json?all=1')
        for (const c of list.json() as Array<{ Id: string }>)
          await this.api('DELETE', `/containers/${c.Id}?force=1`)
      }
    } finally {
      const child = this.#child
      if (child && child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r))
        child.kill('SIGTERM')
        await Promise.race([exited, sleep(5000)])
        if (child.exitCode === null) child.kill('SIGKILL')
      }
      bridges = this.bridges()
      this.leftovers = cleanupNetwork(bridges, this.nftTable)
      await cleanupRoots(this.dir)
    }
    if (clean && this.leftovers.length > 0)
      throw new Error(`berthd left network objects behind: ${this.leftovers.join(', ')}`)
  }
}

/** Removes this daemon's bridges, nft table and iptables rules if still there; returns what it found. */
function cleanupNetwork(bridges: string[], table: string): string[] {
  const found: string[] = []
  for (const b of bridges) {
    if (!existsSync(`/sys/class/net/${b}`)) continue
    found.push(`bridge ${b}`)
    spawnSync('ip', ['link', 'del', b])
  }
  for (const family of ['ip', 'ip6']) {
    if (spawnSync('nft', ['list', 'table', family, table]).status === 0) {
      found.push(`nft table ${family} ${table}`)
      spawnSync('nft', ['delete', 'table', family, table])
    }
  }
  for (const tool of ['iptables', 'ip6tables']) {
    const rules = spawnSync(tool, ['-w', '-S', 'FORWARD'], { encoding: 'utf8' }).stdout ?? ''
    for (const line of rules.split('\n').filter((l) => l.includes(`berth:${table}`))) {
      found.push(`${tool} ${line}`)
      spawnSync(tool, [
        '-w',
        ...line
          .replace(/^-A /, '-D ')
          .split(' ')
          .map((x) => x.replace(/^"|"$/g, '')),
      ])
    }
  }
  return found
}

/** `--default-runtime <BERTH_TEST_RUNTIME>` when the suite is asked to run under one runtime. */
export function testRuntimeArgs(): string[] {
  return TEST_RUNTIME ? ['--default-runtime', TEST_RUNTIME] : []
}

/** Force-deletes the containers a daemon rooted at `dir` (data/, exec/) left running, with the
 *  runtime it recorded (daemon/runtime-choice.ts), through berth's crun wrapper on hybrid hosts. */
export function deleteLeftoverContainers(dir: string): void {
  const runtimeRoot = join(dir, 'exec', 'runtime')
  if (!existsSync(runtimeRoot)) return
  let runtime = 'runc'
  try {
    runtime = readFileSync(join(dir, 'data', 'runtime'), 'utf8').trim() || 'runc'
  } catch {
    // No record: a daemon from before the record, or one that never started: runc's.
  }
  const wrapper = join(dir, 'exec', 'conmon', 'crun-hybrid')
  if (runtime === 'crun' && existsSync(wrapper)) runtime = wrapper
  const list = spawnSync(runtime, ['--root', runtimeRoot, 'list', '-q'], { encoding: 'utf8' })
  for (const id of (list.stdout ?? '').split('\n').filter(Boolean))
    spawnSync(runtime, ['--root', runtimeRoot, 'delete', '-f', id])
}

/** Kills leftover monitors and containers under `dir`, unmounts everything below it, removes it. */
async function cleanupRoots(dir: string): Promise<void> {
  deleteLeftoverContainers(dir)
  const mounts = (await readFile('/proc/self/mountinfo', 'utf8'))
    .split('\n')
    .map((l) => l.split(' ')[4] ?? '')
    .filter((m) => m.startsWith(dir))
    .sort((a, b) => b.length - a.length)
  for (const m of mounts) spawnSync('umount', ['-l', m])
  await rm(dir, { recursive: true, force: true })
}

export function runProcess(
  file: string,
  args: string[],
  opts: { input?: string | Buffer; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<RunResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(file, args, { env: opts.env, stdio: ['pipe', 'pipe', 'pipe'] })
    const out: Buffer[] = []
    const err: Buffer[] = []
    child.stdout.on('data', (b: Buffer) => out.push(b))
    child.stderr.on('data', (b: Buffer) => err.push(b))
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000)
    child.on('error', reject)
    child.on('close', (code) => {
      clearTimeout(timer)
      resolvePromise({
        code: code ?? -1,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      })
    })
    child.stdin.end(opts.input ?? '')
  })
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms))
}
