// Credentials for pulling a FROM image: the X-Registry-Config map the client sent, looked up
// by the image's registry as docker keys it (Docker Hub under its legacy index address).
import { type AuthConfig, INDEX_SERVER } from '../../image/index.ts'
import { parseNormalizedNamed } from '../../oci/index.ts'
import type { BuildOptions } from '../build-service-contract.ts'

export function pullAuthFor(ref: string, auths: BuildOptions['registryAuth']): AuthConfig {
  if (!auths) return {}
  const domain = parseNormalizedNamed(ref).domain
  const hub = domain === 'docker.io' || domain === 'index.docker.io'
  const candidates = hub
    ? [INDEX_SERVER, 'docker.io', 'index.docker.io', 'https://index.docker.io/v1/']
    : [domain, `https://${domain}`, `http://${domain}`]
  const found = candidates.map((k) => auths[k]).find((a) => a !== undefined)
  if (!found) return {}
  let { username, password } = found
  if (!username && found.auth) {
    const plain = Buffer.from(found.auth, 'base64').toString('utf8')
    const i = plain.indexOf(':')
    if (i !== -1) {
      username = plain.slice(0, i)
      password = plain.slice(i + 1)
    }
  }
  return {
    ...(username ? { username } : {}),
    ...(password ? { password } : {}),
    ...(found.identitytoken ? { identitytoken: found.identitytoken } : {}),
    serveraddress: hub ? INDEX_SERVER : domain,
  }
}
