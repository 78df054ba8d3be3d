// The /etc/hostname, /etc/hosts and /etc/resolv.conf files berth writes for a container and
// bind-mounts into it. Networking (its own issue) will add the container's addresses.
import { readFile, writeFile } from 'node:fs/promises'
import type { ContainerRecord } from './types.ts'

const DEFAULT_DNS = ['8.8.8.8', '8.8.4.4']

export async function writeEtcFiles(
  rec: ContainerRecord,
  hostResolvConf = '/etc/resolv.conf',
): Promise<void> {
  const hostname = rec.config.Hostname
  await writeFile(rec.hostnamePath, `${hostname}\n`)
  const host = rec.hostConfig.NetworkMode === 'host'
  const hosts = host ? await readOr('/etc/hosts', '') : baseHosts()
  const extra = (rec.hostConfig.ExtraHosts ?? []).map((h) => {
    const i = h.lastIndexOf(':')
    return `${h.slice(i + 1)}\t${h.slice(0, i)}`
  })
  await writeFile(rec.hostsPath, [hosts.trimEnd(), ...extra].join('\n') + '\n')
  await writeFile(rec.resolvConfPath, resolvConf(await readOr(hostResolvConf, ''), rec, host))
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
export function resolvConf(hostFile: string, rec: ContainerRecord, hostNetwork: boolean): string {
  const lines = hostFile.split('\n')
  let servers = lines.filter((l) => /^\s*nameserver\s/.test(l)).map((l) => l.trim().split(/\s+/)[1] ?? '')
  if (!hostNetwork) servers = servers.filter((s) => !/^127\.|^::1$/.test(s))
  let search = lines.filter((l) => /^\s*search\s/.test(l)).flatMap((l) => l.trim().split(/\s+/).slice(1))
  let options = lines.filter((l) => /^\s*options\s/.test(l)).flatMap((l) => l.trim().split(/\s+/).slice(1))
  const hc = rec.hostConfig
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
