// Ports published on IPv6 loopback (`-p [::1]:port:cport`): the kernel cannot DNAT ::1, so berthd
// proxies them (TCP and UDP), as Docker's docker-proxy does. The listener follows the container
// (closed on removal) and is re-opened after a berthd restart, clean or SIGKILL.
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { createSocket } from 'node:dgram'
import { once } from 'node:events'
import { after, before, describe, it } from 'node:test'
import { e2eSkipReason, TestDaemon } from '../support/daemon.ts'

const skip = e2eSkipReason()
const UDP_ECHO =
  "import socket;s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM);s.bind(('0.0.0.0',5353))\nwhile True:\n d,a=s.recvfrom(100);s.sendto(d.upper(),a)"

function curl(url: string): { code: number; body: string } {
  const r = spawnSync('curl', ['-sg', '--max-time', '3', url], { encoding: 'utf8' })
  return { code: r.status ?? -1, body: r.stdout.trim() }
}

/** Asks [::1]:port over UDP (every 200 ms, for up to 5 s); the reply, or '' without one. */
async function udpAsk(port: number, text: string): Promise<string> {
  const s = createSocket('udp6')
  const timer = setInterval(() => s.send(text, port, '::1'), 200)
  try {
    s.send(text, port, '::1')
    const reply = once(s, 'message').then(([m]) => String(m).trim())
    const timeout = new Promise<string>((r) => setTimeout(() => r(''), 5000).unref())
    return await Promise.race([reply, timeout])
  } finally {
    clearInterval(timer)
    s.close()
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

describe('ports on [::1] (userland proxy)', { skip }, () => {
  let d: TestDaemon
  const port = 20000 + Math.floor(Math.random() * 20000)
  before(async () => {
    d = await TestDaemon.start()
  })
  after(async () => {
    await d?.stop()
  })

  const docker = async (args: string[]) => {
    const r = await d.docker(args)
    assert.equal(r.code, 0, `docker ${args.join(' ')}: ${r.stderr}`)
    return r.stdout.trim()
  }

  it('serves TCP and UDP on [::1], across berthd restarts, and closes with the container', async () => {
    await docker(['network', 'create', 'v6lo'])
    const id = await docker([
      'run',
      '-d',
      '--name',
      'lo6',
      '--network',
      'v6lo',
      '-p',
      `[::1]:${port}:80`,
      '-p',
      `[::1]:${port + 1}:5353/udp`,
      '-v',
      '/:/host:ro',
      'busybox',
      'sh',
      '-c',
      // busybox nc has no UDP server: a UDP echo from the host's python3, in the container.
      `httpd -p 80 -h /etc; exec chroot /host python3 -c "${UDP_ECHO}"`,
    ])
    const hostname = id.slice(0, 12)
    const url = `http://[::1]:${port}/hostname`
    let got = curl(url)
    for (let i = 0; i < 20 && got.body !== hostname; i++) {
      await new Promise((r) => setTimeout(r, 100))
      got = curl(url)
    }
    assert.equal(got.body, hostname)
    assert.equal(await udpAsk(port + 1, 'ping'), 'PING')
    assert.match(await docker(['port', 'lo6', '80']), new RegExp(`^\\[::1\\]:${port}$`))
    // The proxy lives in berthd: it comes back with the daemon.
    await d.kill9()
    assert.notEqual(curl(url).body, hostname, 'no proxy while berthd is down')
    await d.launch()
    assert.equal(curl(url).body, hostname, 'after a SIGKILL of berthd')
    const pid = d.pid!
    process.kill(pid, 'SIGTERM')
    for (let i = 0; i < 100 && alive(pid); i++) await new Promise((r) => setTimeout(r, 50))
    assert.equal(alive(pid), false, 'berthd exits on SIGTERM')
    await d.launch()
    assert.equal(curl(url).body, hostname, 'after a clean restart (live restore)')
    assert.equal(await udpAsk(port + 1, 'ping'), 'PING')
    await docker(['rm', '-f', 'lo6'])
    assert.notEqual(curl(url).code, 0, 'closed with the container')
    await docker(['network', 'rm', 'v6lo'])
  })
})
