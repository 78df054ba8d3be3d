// The /etc/hostname, /etc/hosts and /etc/resolv.conf files berth writes for a container and
// bind-mounts into it; at start, networking adds the container's addresses, links, the
// host-gateway address and the embedded DNS (EtcNetworkInfo).
import { readFile, writeFile } from 'node:fs/promises'
import type { ContainerRecord } from './types.ts'

const DEFAULT_DNS = ['8.8.8.8', '8.8.4.4']

/** What networking adds to the files once a container has addresses (network-attach.ts). */
export interface EtcNetworkInfo {
  /** The container's own addresses, the main one first ("<ip>\t<hostname>" lines). */
  addresses: string[]
  /** The main endpoint's IPv6 address (EnableIPv6 networks), listed after the IPv4 one. */
  addresses6?: string[]
  /** Extra "<ip>\t<names>" lines: --link entries on the default bridge. */
  links: string[]
  /** What `host-gateway` in --add-host stands for: the default bridge's gateway. */
  hostGateway?: string
  /** The only nameservers (the embedded DNS on user-defined networks). */
  nameservers?: string[]
  /** Nameservers when the container sets none (dockerd --dns), instead of the host's. */
  defaultDns?: string[]
}

export async function writeEtcFiles(
  rec: ContainerRecord,
  hostResolvConf = '/etc/resolv.conf',
  net?: EtcNetworkInfo,
): Promise<void> {
  const hostname = rec.config.Hostname
  await writeFile(rec.hostnamePath, `${hostname}\n`)
  const host = rec.hostConfig.NetworkMode === 'host'
  const hosts = host ? await readOr('/etc/hosts', '') : baseHosts()
  const extra = (rec.hostConfig.ExtraHosts ?? []).map((h) => {
    const i = h.lastIndexOf(':')
    const ip = h.slice(i + 1)
    return `${ip === 'host-gateway' && net?.hostGateway ? net.hostGateway : ip}\t${h.slice(0, i)}`
  })
  const fqdn = rec.config.Domainname ? `${hostname}.${rec.config.Domainname} ${hostname}` : hostname
  const own = [...(net?.addresses ?? []).slice(0, 1), ...(net?.addresses6 ?? [])].map(
    (ip) => `${ip}\t${fqdn}`,
  )
  await writeFile(rec.hostsPath, [hosts.trimEnd(), ...extra, ...(net?.links ?? []), ...own].join('\n') + '\n')
  let resolv = resolvConf(await readOr(hostResolvConf, ''), rec, host, net?.defaultDns)
  if (net?.nameservers?.length)
    resolv =
      [
        ...net.nameservers.map((s) => `nameserver ${s}`),
        ...resolv.split('\n').filter((l) => l && !l.startsWith('nameserver')),
      ].join('\n') + '\n'
  await writeFile(rec.resolvConfPath, resolv)
}

function baseHosts(): string {
  return [
    '127.0.0.1\tlocalhost',
    '::1\tlocalhost ip6-localhost ip6-loopback',
    'fe00::0\tip6-localnet',
    'ff00::0\tip6-mcastprefix',
    'ff02::1\tip6-allnodes',
    'ff02::2\tip6-allrouters',
  ].join('\n')
}

/** Docker's rules: the host's file, minus loopback resolvers unless on the host network; the
 *  container's Dns/DnsSearch/DnsOptions replace the matching lines; defaults when none is left. */
export function resolvConf(
  hostFile: string,
  rec: ContainerRecord,
  hostNetwork: boolean,
  defaultDns?: string[],
): string {
  const lines = hostFile.split('\n')
  let servers = lines.filter((l) => /^\s*nameserver\s/.test(l)).map((l) => l.trim().split(/\s+/)[1] ?? '')
  if (!hostNetwork) servers = servers.filter((s) => !/^127\.|^::1$/.test(s))
  let search = lines.filter((l) => /^\s*search\s/.test(l)).flatMap((l) => l.trim().split(/\s+/).slice(1))
  let options = lines.filter((l) => /^\s*options\s/.test(l)).flatMap((l) => l.trim().split(/\s+/).slice(1))
  const hc = rec.hostConfig
  if (defaultDns?.length) servers = defaultDns
  if (hc.Dns?.length) servers = hc.Dns
  if (hc.DnsSearch?.length) search = hc.DnsSearch
  if (hc.DnsOptions?.length) options = hc.DnsOptions
  if (servers.length === 0) servers = DEFAULT_DNS
  const out = servers.map((s) => `nameserver ${s}`)
  if (search.length) out.push(`search ${search.join(' ')}`)
  if (options.length) out.push(`options ${options.join(' ')}`)
  return `${out.join('\n')}\n`
}

async function readOr(path: string, dflt: string): Promise<string> {
  try {
    return await readFile(path, 'utf8')
  } catch {
    // A host without the file: Docker falls back to defaults too.
    return dflt
  }
}
