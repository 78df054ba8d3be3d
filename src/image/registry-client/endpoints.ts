// Where a registry domain is reached: Docker Hub's API host for "docker.io", HTTPS for every
// other registry except loopback hosts and configured `insecure-registries` (host[:port] or
// an IPv4 CIDR), which use plain HTTP. Pure; no probing (dockerd's HTTPS-then-HTTP fallback
// for insecure registries is not done: insecure means HTTP here).
import { DEFAULT_DOMAIN } from '../../oci/index.ts'

export interface RegistryEndpoint {
  /** The registry as references name it ("docker.io", "127.0.0.1:5000"). */
  domain: string
  /** Origin of the distribution API, without a trailing slash ("https://registry-1.docker.io"). */
  base: string
}

export const DOCKER_HUB_API = 'registry-1.docker.io'

function hostOf(domain: string): string {
  if (domain.startsWith('[')) return domain.slice(1, domain.indexOf(']'))
  const i = domain.lastIndexOf(':')
  return i === -1 ? domain : domain.slice(0, i)
}

function ipv4(s: string): number | undefined {
  const parts = s.split('.')
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) < 256)) return undefined
  return parts.reduce((n, p) => n * 256 + Number(p), 0)
}

export function isLoopback(domain: string): boolean {
  const host = hostOf(domain).toLowerCase()
  if (host === 'localhost' || host === '::1') return true
  const ip = ipv4(host)
  return ip !== undefined && ip >>> 24 === 127
}

function matchesInsecure(domain: string, entry: string): boolean {
  const e = entry.replace(/^[a-z]+:\/\//i, '').replace(/\/$/, '')
  const slash = e.indexOf('/')
  if (slash !== -1) {
    const net = ipv4(e.slice(0, slash))
    const bits = Number(e.slice(slash + 1))
    const ip = ipv4(hostOf(domain))
    if (net === undefined || ip === undefined || !(bits >= 0 && bits <= 32)) return false
    const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0
    return (ip & mask) >>> 0 === (net & mask) >>> 0
  }
  return e.toLowerCase() === domain.toLowerCase() || e.toLowerCase() === hostOf(domain).toLowerCase()
}

export function isInsecure(domain: string, insecureRegistries: readonly string[]): boolean {
  return isLoopback(domain) || insecureRegistries.some((e) => matchesInsecure(domain, e))
}

export function registryEndpoint(
  domain: string,
  insecureRegistries: readonly string[] = [],
): RegistryEndpoint {
  if (domain === DEFAULT_DOMAIN) return { domain, base: `https://${DOCKER_HUB_API}` }
  const scheme = isInsecure(domain, insecureRegistries) ? 'http' : 'https'
  return { domain, base: `${scheme}://${domain}` }
}
