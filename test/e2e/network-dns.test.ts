// The embedded DNS on user-defined networks through the real docker CLI: container names,
// aliases (round-robin over several containers) and ids resolve per network; other names are
// forwarded to berthd's --dns upstream, a fake resolver on loopback (no query leaves the host).
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { e2eSkipReason, TestDaemon } from '../support/daemon.ts'
import { LoopbackUpstream } from './network-fake-upstream.ts'

const skip = e2eSkipReason()

describe('embedded DNS', { skip }, () => {
  let d: TestDaemon
  let upstream: LoopbackUpstream
  before(async () => {
    upstream = await new LoopbackUpstream('203.0.113.7').start()
    d = await TestDaemon.start({ extraArgs: async () => ['--dns', `127.0.0.1:${upstream.port}`] })
  })
  after(async () => {
    await d?.stop()
    await upstream?.stop()
  })

  const docker = async (args: string[]) => {
    const r = await d.docker(args)
    assert.equal(r.code, 0, `docker ${args.join(' ')}: ${r.stderr}`)
    return r.stdout.trim()
  }
  const ipOf = async (name: string, net: string) =>
    JSON.parse(await docker(['inspect', name]))[0].NetworkSettings.Networks[net].IPAddress as string

  it('resolves names, ids and shared aliases on the network, and forwards the rest', async () => {
    await docker(['network', 'create', 'dnsnet'])
    await docker(['network', 'create', 'elsewhere'])
    await docker([
      'run',
      '-d',
      '--name',
      'one',
      '--network',
      'dnsnet',
      '--network-alias',
      'pool',
      'busybox',
      'sleep',
      '300',
    ])
    await docker([
      'run',
      '-d',
      '--name',
      'two',
      '--network',
      'dnsnet',
      '--network-alias',
      'pool',
      'busybox',
      'sleep',
      '300',
    ])
    const ip1 = await ipOf('one', 'dnsnet')
    const ip2 = await ipOf('two', 'dnsnet')
    const id1 = JSON.parse(await docker(['inspect', 'one']))[0].Id.slice(0, 12)
    const out = await docker([
      'run',
      '--rm',
      '--network',
      'dnsnet',
      'busybox',
      'sh',
      '-c',
      `cat /etc/resolv.conf; nslookup one; nslookup pool; nslookup ${id1}; nslookup example.test`,
    ])
    const gateway = JSON.parse(await docker(['network', 'inspect', 'dnsnet']))[0].IPAM.Config[0].Gateway
    // Docker's internal resolver address, as the only nameserver.
    assert.match(out, /^nameserver 127\.0\.0\.11\n(search .*\n)?options (.* )?ndots:0\n/m)
    assert.equal(out.match(/^nameserver /gm)?.length, 1, out)
    const addresses = [...out.matchAll(/Address: (\d+\.\d+\.\d+\.\d+)/g)].map((m) => m[1])
    assert.deepEqual(addresses.slice(0, 1), [ip1], out)
    assert.ok(addresses.includes(ip2), `alias answers every container: ${out}`)
    assert.ok(addresses.includes('203.0.113.7'), `forwarded name: ${out}`)
    assert.ok(upstream.seen.includes('example.test'))
    assert.ok(
      !upstream.seen.includes('one') && !upstream.seen.includes('pool'),
      'own names are not forwarded',
    )
    const other = await d.docker(['run', '--rm', '--network', 'elsewhere', 'busybox', 'nslookup', 'one'])
    assert.ok(!other.stdout.includes(ip1), `names are scoped per network: ${other.stdout}`)
    const direct = await d.docker([
      'run',
      '--rm',
      '--network',
      'elsewhere',
      'busybox',
      'timeout',
      '3',
      'nslookup',
      'one',
      gateway,
    ])
    assert.ok(
      !direct.stdout.includes(ip1),
      `another network cannot query this network's DNS: ${direct.stdout}`,
    )
    // A container on two networks (its DNS server is the first one's) resolves names of both.
    await docker(['run', '-d', '--name', 'multi', '--network', 'elsewhere', 'busybox', 'sleep', '300'])
    await docker(['network', 'connect', 'dnsnet', 'multi'])
    const both = await docker(['exec', 'multi', 'nslookup', 'one'])
    assert.ok(both.includes(ip1), `names of the second network resolve: ${both}`)
    await docker(['rm', '-f', 'multi'])
    await docker(['rename', 'two', 'three'])
    const renamed = await docker(['run', '--rm', '--network', 'dnsnet', 'busybox', 'nslookup', 'three'])
    assert.ok(renamed.includes(ip2), `a renamed container answers to its new name: ${renamed}`)
    await docker(['rm', '-f', 'one', 'three'])
    await docker(['network', 'rm', 'dnsnet', 'elsewhere'])
  })
})
