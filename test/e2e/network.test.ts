// Networking on real containers through the real docker CLI: the default bridge, user-defined
// networks with name and alias resolution, isolation, published ports (tcp, udp, -P, 127.0.0.1)
// answered from the host, --internal, connect/disconnect while running, host port conflicts,
// network events. After the daemon stops no bridge, veth or nft table of it is left.
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { createSocket } from 'node:dgram'
import { after, before, describe, it } from 'node:test'
import { e2eSkipReason, sleep, TestDaemon } from '../support/daemon.ts'

const skip = e2eSkipReason()
const HTTPD = ['busybox', 'httpd', '-f', '-p', '80', '-h', '/etc']
const get = (host: string) => `printf 'GET /hostname HTTP/1.0\\r\\n\\r\\n' | nc -w 3 ${host} 80`

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    // ESRCH: gone.
    return false
  }
}

function curl(url: string): string {
  return execFileSync('curl', ['-s', '-m', '5', url], { encoding: 'utf8' })
}

describe('networking', { skip }, () => {
  let d: TestDaemon
  before(async () => {
    d = await TestDaemon.start()
  })
  after(async () => {
    const bridges = d?.bridges() ?? []
    await d?.stop()
    const links = execFileSync('ip', ['-o', 'link'], { encoding: 'utf8' })
    for (const b of bridges) assert.ok(!links.includes(`${b}:`), `bridge ${b} left behind`)
  })

  const docker = async (args: string[]) => {
    const r = await d.docker(args)
    assert.equal(r.code, 0, `docker ${args.join(' ')}: ${r.stderr}`)
    return r.stdout.trim()
  }
  const inspect = async (name: string) => JSON.parse(await docker(['inspect', name]))[0]

  it('wires a container on the default bridge: address, route, /etc/hosts', async () => {
    const out = await docker([
      'run',
      '--rm',
      '--hostname',
      'h1',
      'busybox',
      'sh',
      '-c',
      'ip -4 -o addr show eth0; ip route; cat /etc/hosts',
    ])
    assert.match(out, new RegExp(`eth0\\s+inet 10\\.${d.poolOctet}\\.\\d+\\.\\d+/\\d+`))
    assert.match(out, /default via 10\.\d+\.\d+\.1 dev eth0/)
    assert.match(out, /10\.\d+\.\d+\.\d+\th1/)
  })

  it('reaches containers by name and alias on a user network, not from another network', async () => {
    await docker(['network', 'create', 'front'])
    await docker(['network', 'create', 'back'])
    await docker(['run', '-d', '--name', 'web', '--network', 'front', '--network-alias', 'www', ...HTTPD])
    const web = await inspect('web')
    const ip = web.NetworkSettings.Networks.front.IPAddress
    assert.match(ip, /^10\./)
    assert.ok(web.NetworkSettings.Networks.front.DNSNames.includes('www'))
    const byName = await docker([
      'run',
      '--rm',
      '--network',
      'front',
      'busybox',
      'sh',
      '-c',
      `${get('web')}; ${get('www')}`,
    ])
    assert.equal(byName.match(/200 OK/g)?.length, 2, byName)
    assert.ok(byName.includes(web.Config.Hostname))
    const other = await d.docker(['run', '--rm', '--network', 'back', 'busybox', 'sh', '-c', get(ip)])
    assert.doesNotMatch(other.stdout, /200 OK/)
    const net = JSON.parse(await docker(['network', 'inspect', 'front']))[0]
    assert.equal(net.Containers[web.Id].IPv4Address.split('/')[0], ip)
  })

  it('refuses to remove a network with active endpoints (403), then removes it and its bridge', async () => {
    const res = await d.api('DELETE', '/networks/front')
    assert.equal(res.status, 403)
    assert.match(res.json().message, /has active endpoints/)
    const bridge = `br-${(await inspect('front')).Id.slice(0, 12)}`
    await docker(['rm', '-f', 'web'])
    await docker(['network', 'rm', 'front'])
    assert.equal(execFileSync('ip', ['-o', 'link'], { encoding: 'utf8' }).includes(`${bridge}:`), false)
    const missing = await d.api('GET', '/networks/front')
    assert.equal(missing.status, 404)
    assert.equal(missing.json().message, 'network front not found')
  })

  it('publishes tcp ports on 127.0.0.1 and 0.0.0.0, reachable from the host; -P uses ephemeral ports', async () => {
    await docker([
      'run',
      '-d',
      '--name',
      'pub',
      '-p',
      '127.0.0.1:18081:80',
      '-p',
      '18082:80',
      '--expose',
      '80',
      ...HTTPD,
    ])
    const id = (await inspect('pub')).Config.Hostname
    assert.ok(curl('http://127.0.0.1:18081/hostname').includes(id))
    assert.ok(curl('http://127.0.0.1:18082/hostname').includes(id))
    assert.match((await inspect('pub')).NetworkSettings.SandboxKey, /^\/proc\/\d+\/ns\/net$/)
    const ports = (await inspect('pub')).NetworkSettings.Ports['80/tcp']
    assert.deepEqual(ports, [
      { HostIp: '127.0.0.1', HostPort: '18081' },
      { HostIp: '0.0.0.0', HostPort: '18082' },
    ])
    await docker(['run', '-d', '--name', 'pubp', '-P', '--expose', '80', ...HTTPD])
    const p = (await inspect('pubp')).NetworkSettings.Ports['80/tcp'][0]
    assert.ok(Number(p.HostPort) >= 1024)
    assert.ok(curl(`http://127.0.0.1:${p.HostPort}/hostname`).length > 0)
    const ps = await docker(['ps', '--format', '{{.Names}} {{.Ports}}'])
    assert.match(ps, /pub .*127\.0\.0\.1:18081->80\/tcp/)
  })

  it('hairpins: a container reaches a published port through the host', async () => {
    const gw = JSON.parse(await docker(['network', 'inspect', 'bridge']))[0].IPAM.Config[0].Gateway
    const out = await docker([
      'run',
      '--rm',
      'busybox',
      'sh',
      '-c',
      `printf 'GET /hostname HTTP/1.0\\r\\n\\r\\n' | nc -w 3 ${gw} 18082`,
    ])
    assert.match(out, /200 OK/)
  })

  it('honours --ip, --mac-address, --add-host host-gateway and --link', async () => {
    const sub = `10.${d.poolOctet}.250.0/24`
    await docker(['network', 'create', '--subnet', sub, 'fixed'])
    const want = `10.${d.poolOctet}.250.50`
    const out = await docker([
      'run',
      '--rm',
      '--network',
      'fixed',
      '--ip',
      want,
      '--mac-address',
      '02:42:de:ad:be:ef',
      'busybox',
      'ip',
      '-o',
      'addr',
      'show',
      'eth0',
    ])
    assert.ok(out.includes(`inet ${want}/24`), out)
    const mac = await docker([
      'run',
      '--rm',
      '--network',
      'fixed',
      '--mac-address',
      '02:42:de:ad:be:ef',
      'busybox',
      'cat',
      '/sys/class/net/eth0/address',
    ])
    assert.equal(mac, '02:42:de:ad:be:ef')
    await docker(['network', 'rm', 'fixed'])
    const gw = JSON.parse(await docker(['network', 'inspect', 'bridge']))[0].IPAM.Config[0].Gateway
    await docker(['run', '-d', '--name', 'linked', 'busybox', 'sleep', '300'])
    const lip = (await inspect('linked')).NetworkSettings.IPAddress
    const hosts = await docker([
      'run',
      '--rm',
      '--add-host',
      'gw.test:host-gateway',
      '--link',
      'linked:db',
      'busybox',
      'cat',
      '/etc/hosts',
    ])
    assert.match(hosts, new RegExp(`${gw.replaceAll('.', '\\.')}\\tgw\\.test`))
    assert.match(hosts, new RegExp(`${lip.replaceAll('.', '\\.')}\\tdb`))
    await docker(['rm', '-f', 'linked'])
  })

  it('fails a start on a taken host port with Docker message and leaves nothing set up', async () => {
    const r = await d.docker(['run', '-d', '--name', 'clash', '-p', '18082:80', ...HTTPD])
    assert.notEqual(r.code, 0)
    assert.match(r.stderr, /Bind for 0\.0\.0\.0:18082 failed: port is already allocated/)
    const c = await inspect('clash')
    assert.equal(c.State.Running, false)
    assert.equal(c.NetworkSettings.Networks.bridge.IPAddress, '')
    const bridge = JSON.parse(await docker(['network', 'inspect', 'bridge']))[0]
    assert.equal(Object.values(bridge.Containers).filter((x: any) => x.Name === 'clash').length, 0)
    assert.ok(curl('http://127.0.0.1:18082/hostname').length > 0, 'the first binding still answers')
    await docker(['rm', '-f', 'clash', 'pubp'])
  })

  it('publishes udp ports', async () => {
    // busybox nc has no UDP: a UDP echo server from the host's python3, in the container's namespace.
    const py =
      "import socket;s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM);s.bind(('0.0.0.0',9999))\nwhile True:\n d,a=s.recvfrom(100);s.sendto(d.upper(),a)"
    await docker([
      'run',
      '-d',
      '--name',
      'udp',
      '-v',
      '/:/host:ro',
      '-p',
      '127.0.0.1:18053:9999/udp',
      'busybox',
      'chroot',
      '/host',
      'python3',
      '-c',
      py,
    ])
    const s = createSocket('udp4')
    try {
      const reply = new Promise<string>((r) => s.once('message', (m) => r(m.toString())))
      const timer = setInterval(() => s.send('hello-udp', 18053, '127.0.0.1'), 200)
      const got = await Promise.race([reply, sleep(5000).then(() => 'timeout')])
      clearInterval(timer)
      assert.equal(got, 'HELLO-UDP')
    } finally {
      s.close()
    }
    await docker(['rm', '-f', 'udp'])
  })

  it('--internal networks have no route out', async () => {
    await docker(['network', 'create', '--internal', 'sealed'])
    const out = await d.docker([
      'run',
      '--rm',
      '--network',
      'sealed',
      'busybox',
      'sh',
      '-c',
      'ip route; nc -w 2 192.0.2.2 22 </dev/null && echo REACHED',
    ])
    assert.doesNotMatch(out.stdout, /default/)
    assert.doesNotMatch(out.stdout, /REACHED/)
    await docker(['network', 'rm', 'sealed'])
  })

  it('connects and disconnects a running container', async () => {
    await docker(['network', 'create', 'n-a'])
    await docker(['network', 'create', 'n-b'])
    await docker(['run', '-d', '--name', 'srv', '--network', 'n-b', ...HTTPD])
    const srvIp = (await inspect('srv')).NetworkSettings.Networks['n-b'].IPAddress
    await docker(['run', '-d', '--name', 'cli', '--network', 'n-a', 'busybox', 'sleep', '300'])
    const before = await d.docker(['exec', 'cli', 'sh', '-c', get(srvIp)])
    assert.doesNotMatch(before.stdout, /200 OK/)
    await docker(['network', 'connect', 'n-b', 'cli'])
    const during = await docker(['exec', 'cli', 'sh', '-c', `ip -o link; ${get(srvIp)}`])
    assert.match(during, /eth1/)
    assert.match(during, /200 OK/)
    assert.ok((await inspect('cli')).NetworkSettings.Networks['n-b'].IPAddress)
    await docker(['network', 'disconnect', 'n-b', 'cli'])
    const afterOut = await docker(['exec', 'cli', 'ip', '-o', 'link'])
    assert.doesNotMatch(afterOut, /eth1/)
    await docker(['rm', '-f', 'srv', 'cli'])
    await docker(['network', 'rm', 'n-a', 'n-b'])
  })

  it('emits network events', async () => {
    const since = Math.floor(Date.now() / 1000) - 1
    await docker(['network', 'create', 'evnet'])
    await docker(['run', '--rm', '--network', 'evnet', 'busybox', 'true'])
    await docker(['network', 'rm', 'evnet'])
    const until = Math.floor(Date.now() / 1000) + 1
    const ev = await docker([
      'events',
      '--since',
      String(since),
      '--until',
      String(until),
      '--filter',
      'type=network',
      '--format',
      '{{.Action}} {{.Actor.Attributes.name}} {{.Actor.Attributes.type}}',
    ])
    assert.deepEqual(
      ev.split('\n').filter((l) => l.includes('evnet')),
      ['create evnet bridge', 'connect evnet bridge', 'disconnect evnet bridge', 'destroy evnet bridge'],
    )
  })

  it('keeps bridges and rules for running containers across a clean SIGTERM (live restore)', async () => {
    await docker(['run', '-d', '--name', 'live', '-p', '127.0.0.1:18084:80', ...HTTPD])
    const pid = d.pid!
    process.kill(pid, 'SIGTERM')
    for (let i = 0; i < 100 && alive(pid); i++) await sleep(50)
    assert.equal(alive(pid), false, 'berthd exits on SIGTERM')
    assert.ok(curl('http://127.0.0.1:18084/hostname').length > 0, 'reachable while berthd is down')
    await d.launch()
    assert.ok(curl('http://127.0.0.1:18084/hostname').length > 0, 'reachable after the restart')
    await docker(['rm', '-f', 'live'])
  })

  it('keeps running containers reachable across a SIGKILL of berthd', async () => {
    await docker(['network', 'create', 'keep'])
    await docker(['run', '-d', '--name', 'kept', '--network', 'keep', '-p', '127.0.0.1:18083:80', ...HTTPD])
    await d.kill9()
    assert.ok(curl('http://127.0.0.1:18083/hostname').length > 0, 'reachable while berthd is down')
    await d.launch()
    assert.ok(curl('http://127.0.0.1:18083/hostname').length > 0, 'reachable after the restart')
    const out = await docker(['run', '--rm', '--network', 'keep', 'busybox', 'sh', '-c', get('kept')])
    assert.match(out, /200 OK/)
    await docker(['rm', '-f', 'kept'])
    await docker(['network', 'rm', 'keep'])
  })
})
