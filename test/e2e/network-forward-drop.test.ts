// berth on a host whose iptables FORWARD policy is DROP (as on hosts with Docker installed),
// without touching this host's own policy: a berthd runs inside a network namespace of the
// test's own (its own sysfs, the host's cgroups) where `iptables -P FORWARD DROP` is set.
// Containers on a user network reach each other, a published port answers on that namespace's
// 127.0.0.1 and, routed through FORWARD, on the network's gateway address (hairpin); without
// berth's ACCEPT rules that routed traffic stops (the policy is in force); a clean stop leaves no
// bridge, nft table or iptables rule behind. The namespace goes even when a test fails.
import assert from 'node:assert/strict'
import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { request } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import {
  deleteLeftoverContainers,
  e2eSkipReason,
  REPO,
  runProcess,
  sleep,
  testRuntimeArgs,
} from '../support/daemon.ts'

const skip = e2eSkipReason() ?? (existsSync('/usr/sbin/iptables') ? undefined : 'needs iptables')

/** Runs `args` inside network namespace `ns` (only the network namespace is entered). */
function inNs(ns: string, args: string[]) {
  return spawnSync('nsenter', [`--net=/run/netns/${ns}`, ...args], { encoding: 'utf8' })
}

class NsDaemon {
  readonly ns = `bfd${randomBytes(3).toString('hex')}`
  readonly table = `bfd${randomBytes(3).toString('hex')}`
  readonly bridge = `bfd${randomBytes(3).toString('hex')}`
  dir = ''
  #child: ChildProcess | undefined
  #log: Buffer[] = []

  get socket(): string {
    return join(this.dir, 'berth.sock')
  }

  async start(): Promise<void> {
    this.dir = await mkdtemp(join(tmpdir(), 'berth-fwd-'))
    spawnSync('ip', ['netns', 'add', this.ns])
    spawnSync('ip', ['-n', this.ns, 'link', 'set', 'lo', 'up'])
    const policy = inNs(this.ns, ['iptables', '-w', '-P', 'FORWARD', 'DROP'])
    assert.equal(policy.status, 0, policy.stderr)
    const cg = join(this.dir, 'cgroup')
    const berthd = [
      process.execPath,
      join(REPO, 'src/cmd/berthd.ts'),
      '-H',
      `unix://${this.socket}`,
      '--data-root',
      join(this.dir, 'data'),
      '--exec-root',
      join(this.dir, 'exec'),
      '--pidfile',
      join(this.dir, 'berthd.pid'),
      '--log-level',
      'debug',
      ...testRuntimeArgs(),
      '-b',
      this.bridge,
      '--nft-table',
      this.table,
      '--default-address-pool',
      'base=10.77.0.0/16,size=24',
      '--dns',
      '127.0.0.1',
    ]
    // A sysfs of the namespace (berth looks up its links there) over which the host's cgroup
    // tree is moved back (runc needs it); mounts stay private to the daemon's mount namespace.
    const script = `mkdir -p ${cg} && mount --rbind /sys/fs/cgroup ${cg} && mount -t sysfs sysfs /sys && mount --move ${cg} /sys/fs/cgroup && exec "$@"`
    const child = spawn(
      'nsenter',
      [
        `--net=/run/netns/${this.ns}`,
        'unshare',
        '--mount',
        '--propagation',
        'slave',
        'sh',
        '-c',
        script,
        'sh',
        ...berthd,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    )
    child.stdout?.on('data', (b: Buffer) => this.#log.push(b))
    child.stderr?.on('data', (b: Buffer) => this.#log.push(b))
    this.#child = child
    const deadline = Date.now() + 20_000
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`berthd exited: ${this.log()}`)
      if ((await this.api('GET', '/_ping').catch(() => undefined))?.status === 200) break
      await sleep(50)
    }
    const gen = spawnSync(process.execPath, [join(REPO, 'scripts/busybox-rootfs.mjs')], {
      maxBuffer: 64 << 20,
    })
    const res = await this.api(
      'POST',
      `/images/create?fromSrc=-&repo=busybox&tag=latest&changes=${encodeURIComponent('CMD ["sh"]')}`,
      gen.stdout,
    )
    assert.equal(res.status, 200, res.body)
  }

  log(): string {
    return Buffer.concat(this.#log).toString('utf8')
  }

  api(method: string, path: string, body?: Buffer): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      const req = request({ socketPath: this.socket, method, path }, (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }))
      })
      req.on('error', reject)
      req.end(body)
    })
  }

  docker(args: string[]) {
    return runProcess('docker', args, {
      env: { ...process.env, DOCKER_HOST: `unix://${this.socket}`, DOCKER_CONFIG: join(this.dir, 'dc') },
    })
  }

  /** Stops the daemon (SIGTERM, then SIGKILL after 5 s). */
  async stopDaemon(): Promise<void> {
    const child = this.#child
    if (!child || child.exitCode !== null) return
    const exited = new Promise((r) => child.once('exit', r))
    child.kill('SIGTERM')
    await Promise.race([exited, sleep(5000)])
    if (child.exitCode === null) {
      child.kill('SIGKILL')
      await exited
    }
  }

  /** Everything this test made: containers, mounts, the namespace (with whatever berth left in
   *  it), the directories. Safe to call after a failure. */
  async cleanup(): Promise<void> {
    await this.stopDaemon()
    if (this.dir) deleteLeftoverContainers(this.dir)
    if (existsSync(`/run/netns/${this.ns}`)) spawnSync('ip', ['netns', 'del', this.ns])
    if (!this.dir) return
    const mounts = (await readFile('/proc/self/mountinfo', 'utf8'))
      .split('\n')
      .map((l) => l.split(' ')[4] ?? '')
      .filter((m) => m.startsWith(this.dir))
      .sort((a, b) => b.length - a.length)
    for (const m of mounts) spawnSync('umount', ['-l', m])
    await rm(this.dir, { recursive: true, force: true })
  }
}

describe('FORWARD policy DROP (berthd in a namespace of its own)', { skip }, () => {
  const d = new NsDaemon()
  before(() => d.start())
  after(() => d.cleanup())

  const docker = async (args: string[]) => {
    const r = await d.docker(args)
    assert.equal(r.code, 0, `docker ${args.join(' ')}: ${r.stderr}\n${d.log().slice(-2000)}`)
    return r.stdout.trim()
  }
  const ipOf = async (name: string, net: string) =>
    JSON.parse(await docker(['inspect', name]))[0].NetworkSettings.Networks[net].IPAddress as string

  it('accepts its own traffic where FORWARD drops, and leaves nothing behind', async () => {
    const forward = () => inNs(d.ns, ['iptables', '-w', '-S', 'FORWARD']).stdout
    assert.match(forward(), /-P FORWARD DROP/)
    assert.match(forward(), new RegExp(`-A FORWARD -i ${d.bridge} .*-j ACCEPT`))
    await docker(['network', 'create', 'fwdnet'])
    const bridge = `br-${JSON.parse(await docker(['network', 'inspect', 'fwdnet']))[0].Id.slice(0, 12)}`
    assert.match(forward(), new RegExp(`-A FORWARD -o ${bridge} .*-j ACCEPT`))
    await docker([
      'run',
      '-d',
      '--name',
      'web',
      '--network',
      'fwdnet',
      '-p',
      '127.0.0.1:8080:80',
      '-p',
      '8081:80',
      'busybox',
      'httpd',
      '-f',
      '-p',
      '80',
      '-h',
      '/etc',
    ])
    const web = await ipOf('web', 'fwdnet')
    // Container to container on the user network (bridged through FORWARD by br_netfilter).
    const peer = await docker(
      ['run', '--rm', '--network', 'fwdnet', 'busybox', 'nc', '-w', '3', web, '80'].concat([]),
    )
    assert.equal(peer, '', 'nc without a request prints nothing')
    const get = (host: string) => `printf 'GET /hostname HTTP/1.0\\r\\n\\r\\n' | nc -w 3 ${host} | tail -n 1`
    const fetched = await docker([
      'run',
      '--rm',
      '--network',
      'fwdnet',
      'busybox',
      'sh',
      '-c',
      get(`${web} 80`),
    ])
    assert.equal(fetched, JSON.parse(await docker(['inspect', 'web']))[0].Config.Hostname)
    // The namespace's own 127.0.0.1 (route_localnet, DNAT in output).
    const local = inNs(d.ns, ['sh', '-c', get('127.0.0.1 8080').replace('nc', 'busybox nc')])
    assert.equal(local.stdout.trim(), fetched, local.stderr)
    // Routed through FORWARD: a container to the published port on its gateway (hairpin DNAT).
    const gateway = JSON.parse(await docker(['network', 'inspect', 'fwdnet']))[0].IPAM.Config[0].Gateway
    const routed = () =>
      d.docker(['run', '--rm', '--network', 'fwdnet', 'busybox', 'sh', '-c', get(`${gateway} 8081`)])
    assert.equal((await routed()).stdout.trim(), fetched)
    // Without berth's ACCEPT rules the policy drops that traffic: the rules above are what works.
    const rules = forward()
      .split('\n')
      .filter((l) => l.includes(`berth:${d.table}`))
      .map((l) => l.split(' ').map((x) => x.replace(/^"|"$/g, '')))
    for (const r of rules) inNs(d.ns, ['iptables', '-w', '-D', ...r.slice(1)])
    assert.ok(!forward().includes('berth:'), forward())
    assert.notEqual((await routed()).stdout.trim(), fetched, 'FORWARD DROP is in force')
    for (const r of rules) inNs(d.ns, ['iptables', '-w', ...r])
    await docker(['rm', '-f', 'web'])
    await docker(['network', 'rm', 'fwdnet'])
    await d.stopDaemon()
    const links = spawnSync('ip', ['-n', d.ns, '-o', 'link'], { encoding: 'utf8' }).stdout
    assert.deepEqual(
      links
        .split('\n')
        .filter(Boolean)
        .map((l) => l.split(':')[1]?.trim()),
      ['lo'],
      links,
    )
    assert.equal(inNs(d.ns, ['nft', 'list', 'tables']).stdout.includes(d.table), false)
    assert.ok(!forward().includes('berth:'), forward())
    assert.ok(existsSync(join(d.dir, 'data')), 'the daemon ran from this test’s roots')
    assert.ok(!readFileSync('/proc/self/mountinfo', 'utf8').includes(d.dir), 'no mount on the host')
  })
})
