// The daemon's registry settings and shared state: which registries are insecure, Docker Hub's
// mirrors, and the token cache every client shares. Hands out one RegistryClient per
// (registry, repository, credentials) use; pulls from Docker Hub get the mirrors' clients first.
import { DEFAULT_DOMAIN } from '../../oci/index.ts'
import type { AuthConfig } from '../auth/index.ts'
import { registryEndpoint } from './endpoints.ts'
import { RegistryClient } from './registry-client.ts'
import { TokenCache } from './token-cache.ts'

export interface RegistryOptions {
  /** dockerd's `insecure-registries`: host[:port] or IPv4 CIDR reached over plain HTTP. */
  insecureRegistries?: string[]
  userAgent?: string
  /** Concurrent layer downloads per pull (dockerd's max-concurrent-downloads, default 3). */
  maxConcurrentDownloads?: number
  /** Concurrent layer uploads per push (default 5, as dockerd). */
  maxConcurrentUploads?: number
  /** Layers larger than this are pushed in PATCH chunks of this size (default 16 MiB). */
  chunkSize?: number
  /** dockerd's `registry-mirrors`: origins ("https://mirror.example") tried in order before
   *  Docker Hub itself when pulling from docker.io. Never used for push. */
  registryMirrors?: string[]
}

export class Registries {
  readonly options: Required<Omit<RegistryOptions, 'userAgent'>> & { userAgent: string }
  readonly tokens = new TokenCache()

  constructor(opts: RegistryOptions = {}) {
    this.options = {
      insecureRegistries: opts.insecureRegistries ?? [],
      userAgent: opts.userAgent ?? 'berth',
      maxConcurrentDownloads: opts.maxConcurrentDownloads ?? 3,
      maxConcurrentUploads: opts.maxConcurrentUploads ?? 5,
      chunkSize: opts.chunkSize ?? 16 << 20,
      registryMirrors: opts.registryMirrors ?? [],
    }
  }

  /** The clients a pull tries, in order: each mirror of Docker Hub (for docker.io), then the
   *  registry itself. */
  pullClients(domain: string, repository: string, auth: AuthConfig): RegistryClient[] {
    const mirrors = domain === DEFAULT_DOMAIN ? this.options.registryMirrors : []
    return [
      ...mirrors.map(
        (m) =>
          new RegistryClient({
            endpoint: { domain, base: m.replace(/\/+$/, '') },
            repository,
            auth,
            tokens: this.tokens,
            userAgent: this.options.userAgent,
          }),
      ),
      this.client(domain, repository, auth),
    ]
  }

  client(domain: string, repository: string, auth: AuthConfig): RegistryClient {
    return new RegistryClient({
      endpoint: registryEndpoint(domain, this.options.insecureRegistries),
      repository,
      auth,
      tokens: this.tokens,
      userAgent: this.options.userAgent,
    })
  }
}
