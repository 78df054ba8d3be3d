// `berth network …` and `berth port` against a real berthd, each output compared with what the
// real docker CLI prints for the same daemon state; plus the NET I/O figures of `stats`.
// Host ports are ephemeral (concurrent test daemons share the host).
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { e2eSkipReason, type RunResult, TestDaemon } from '../support/daemon.ts'

const skip = e2eSkipReason()
const HTTPD = ['busybox', 'httpd', '-f', '-p', '80', '-h', '/etc']

describe('berth network and port CLI', { skip }, () => {
  let d: TestDaemon
  before(async () => {
    d = await TestDaemon.start()
  })
  after(async () => {
    await d?.stop()
  })

  const ok = (r: RunResult, what: string) => {
    assert.equal(r.code, 0, `${what}: ${r.stderr}`)
    return r.stdout
  }
  const berth = async (args: string[]) => ok(await d.berth(args), `berth ${args.join(' ')}`)
  /** Runs `args` with both CLIs and asserts identical output and status. */
  const same = async (args: string[]) => {
    const [b, k] = [await d.berth(args), await d.docker(args)]
    assert.deepEqual(
      { code: b.code, stdout: b.stdout, stderr: b.stderr.replaceAll('berth', 'docker') },
      { code: k.code, stdout: k.stdout, stderr: k.stderr },
      `berth and docker differ for ${args.join(' ')}`,
    )
    return b
  }

  it('creates, lists and inspects a network like docker', async () => {
    const subnet = `10.${d.poolOctet}.250.0/24`
    const id = (await berth(['network', 'create', '--subnet', subnet, '--label', 'team=a', 'cli-a'])).trim()
    assert.match(id, /^[0-9a-f]{64}$/)
    await same(['network', 'ls'])
    await same(['network', 'ls', '--no-trunc'])
    const q = await same(['network', 'ls', '-q', '--filter', 'name=cli-a'])
    assert.equal(q.stdout, `${id.slice(0, 12)}\n`)
    const fmt = await same([
      'network',
      'ls',
      '--filter',
      'label=team=a',
      '--format',
      '{{.Name}} {{.Driver}} {{.Labels}}',
    ])
    assert.equal(fmt.stdout, 'cli-a bridge team=a\n')
    await same(['network', 'ls', '--format', 'json'])
    const sub = await same(['network', 'inspect', '-f', '{{range .IPAM.Config}}{{.Subnet}}{{end}}', 'cli-a'])
    assert.equal(sub.stdout, `${subnet}\n`)
    await same(['network', 'inspect', 'cli-a', 'bridge'])
    const missing = await same(['network', 'inspect', 'no-such-net'])
    assert.equal(missing.code, 1)
    const dup = await same(['network', 'create', 'cli-a'])
    assert.notEqual(dup.code, 0)
  })

  it('connects and disconnects a running container, and refuses to remove a network in use', async () => {
    await berth(['network', 'create', 'cli-b'])
    await berth(['run', '-d', '--name', 'cli-web', '--network', 'cli-a', ...HTTPD])
    assert.equal(await berth(['network', 'connect', '--alias', 'www2', 'cli-b', 'cli-web']), '')
    const nets = JSON.parse(await berth(['inspect', '-f', '{{json .NetworkSettings.Networks}}', 'cli-web']))
    assert.deepEqual(Object.keys(nets).sort(), ['cli-a', 'cli-b'])
    assert.ok(nets['cli-b'].Aliases.includes('www2'))
    const members = await berth([
      'network',
      'inspect',
      '-f',
      '{{range .Containers}}{{.Name}}{{end}}',
      'cli-b',
    ])
    assert.equal(members, 'cli-web\n')
    const busy = await same(['network', 'rm', 'cli-b'])
    assert.equal(busy.code, 1)
    assert.match(busy.stderr, /^Error response from daemon: .*active endpoints/)
    assert.equal(await berth(['network', 'disconnect', 'cli-b', 'cli-web']), '')
    const after = JSON.parse(await berth(['inspect', '-f', '{{json .NetworkSettings.Networks}}', 'cli-web']))
    assert.deepEqual(Object.keys(after), ['cli-a'])
    const rm = await d.berth(['network', 'rm', 'cli-b', 'no-such-net'])
    assert.equal(rm.code, 1)
    assert.equal(rm.stdout, 'cli-b\n')
    assert.match(rm.stderr, /^Error response from daemon: network no-such-net not found\nexit status 1\n$/)
    assert.equal(await berth(['network', 'rm', '-f', 'no-such-net']), '')
  })

  it('prints published ports like docker port', async () => {
    await berth([
      'run',
      '-d',
      '--name',
      'cli-pub',
      '-p',
      '127.0.0.1::80',
      '-p',
      '127.0.0.1::53/udp',
      ...HTTPD,
    ])
    const all = await same(['port', 'cli-pub'])
    assert.match(all.stdout, /^53\/udp -> 127\.0\.0\.1:\d+\n80\/tcp -> 127\.0\.0\.1:\d+\n$/)
    const one = await same(['container', 'port', 'cli-pub', '80'])
    assert.match(one.stdout, /^127\.0\.0\.1:\d+\n$/)
    const none = await same(['port', 'cli-pub', '443'])
    assert.equal(none.stderr, "Error: No public port '443' published for cli-pub\n")
  })

  it('shows network traffic in stats', async () => {
    const ip = (
      await berth(['inspect', '-f', '{{(index .NetworkSettings.Networks "cli-a").IPAddress}}', 'cli-web'])
    ).trim()
    assert.match(ip, /^\d+\.\d+\.\d+\.\d+$/)
    await berth([
      'run',
      '--rm',
      '--network',
      'cli-a',
      'busybox',
      'sh',
      '-c',
      `printf 'GET /hostname HTTP/1.0\\r\\n\\r\\n' | nc -w 3 ${ip} 80`,
    ])
    const res = await d.api('GET', '/containers/cli-web/stats?stream=false')
    assert.equal(res.status, 200)
    const eth0 = res.json().networks?.eth0
    assert.ok(eth0, `no eth0 in ${res.body}`)
    assert.ok(eth0.rx_bytes > 0 && eth0.tx_bytes > 0 && eth0.rx_packets > 0, JSON.stringify(eth0))
    assert.equal(res.json().networks.lo, undefined)
    const netio = await berth(['stats', '--no-stream', '--format', '{{.NetIO}}', 'cli-web'])
    assert.notEqual(netio.trim(), '0B / 0B')
    const hostNet = await berth([
      'run',
      '-d',
      '--name',
      'cli-host',
      '--network',
      'host',
      'busybox',
      'sleep',
      '60',
    ])
    assert.ok(hostNet)
    const host = await d.api('GET', '/containers/cli-host/stats?stream=false')
    assert.equal(host.json().networks, undefined, 'host network: no per-container figures, as docker')
  })

  it('runs a container on two networks with per-network aliases (API 1.44+ syntax)', async () => {
    await berth(['network', 'create', 'cli-c'])
    const args = ['--network', 'cli-a', '--network', 'name=cli-c,alias=svc-c', '--network-alias', 'svc-a']
    await berth(['run', '-d', '--name', 'cli-multi', ...args, 'busybox', 'sleep', '60'])
    const nets = JSON.parse(await berth(['inspect', '-f', '{{json .NetworkSettings.Networks}}', 'cli-multi']))
    assert.deepEqual(Object.keys(nets).sort(), ['cli-a', 'cli-c'])
    assert.deepEqual(nets['cli-a'].Aliases, ['svc-a'])
    assert.deepEqual(nets['cli-c'].Aliases, ['svc-c'])
    const found = await berth(['run', '--rm', '--network', 'cli-c', 'busybox', 'nslookup', 'svc-c'])
    assert.match(found, new RegExp(`Address: ${nets['cli-c'].IPAddress.replaceAll('.', '\\.')}\\b`))
    await berth(['rm', '-f', 'cli-multi'])
    await berth(['network', 'rm', 'cli-c'])
  })

  it('prunes unused networks only', async () => {
    await berth(['network', 'create', 'cli-unused'])
    const r = await d.berth(['network', 'prune', '-f'])
    assert.equal(r.code, 0, r.stderr)
    assert.equal(r.stdout, 'Deleted Networks:\ncli-unused\n\n')
    const names = await berth(['network', 'ls', '--format', '{{.Name}}'])
    assert.deepEqual(names.trim().split('\n').sort(), ['bridge', 'cli-a', 'host', 'none'])
    for (const c of ['cli-web', 'cli-pub', 'cli-host']) await d.berth(['rm', '-f', c])
    assert.equal(await berth(['network', 'rm', 'cli-a']), 'cli-a\n')
  })
})
