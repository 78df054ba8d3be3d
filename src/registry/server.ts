// Starts berth-registry from a RegistryConfig: builds storage, auth and the pull-through cache
// (the registry's own wiring), binds HTTP or HTTPS, runs upload purging on its interval, and
// returns a handle to stop it. Logs JSON lines.
import { readFile } from 'node:fs/promises'
import { createServer as createHttpServer, type Server } from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import type { AddressInfo } from 'node:net'
import { InvalidArgumentError } from '../lib/errors.ts'
import { type AccessLogEntry, createRegistryApp, type RegistryAppDeps } from './app.ts'
import { type Authenticator, BasicAuthenticator, noAuth, TokenAuthenticator } from './auth/authenticator.ts'
import { Htpasswd } from './auth/htpasswd.ts'
import { TokenSigner } from './auth/token.ts'
import type { RegistryConfig } from './config.ts'
import { ProxyCache } from './proxy/proxy.ts'
import { Upstream } from './proxy/upstream.ts'
import type { StorageDriver } from './storage/driver/driver.ts'
import { FsStorageDriver } from './storage/driver/fs.ts'
import { MemoryStorageDriver } from './storage/driver/memory.ts'
import { RegistryStorage } from './storage/registry-storage.ts'

export interface RunningRegistry {
  /** "http://127.0.0.1:5000" with the bound port. */
  url: string
  port: number
  storage: RegistryStorage
  close(): Promise<void>
}

export interface StartOptions {
  log?: (entry: AccessLogEntry) => void
  /** Use this driver instead of the configured one (tests). */
  driver?: StorageDriver
}

export function driverFor(config: RegistryConfig): StorageDriver {
  return config.storage === 'memory' ? new MemoryStorageDriver() : new FsStorageDriver(config.root)
}

export async function buildAppDeps(
  config: RegistryConfig,
  opts: StartOptions = {},
): Promise<RegistryAppDeps> {
  const storage = new RegistryStorage(opts.driver ?? driverFor(config))
  const deps: RegistryAppDeps = {
    storage,
    deleteEnabled: config.deleteEnabled,
    tls: config.tls !== undefined,
  }
  if (opts.log) deps.log = opts.log
  if (config.proxy) deps.proxy = new ProxyCache(storage, new Upstream(config.proxy))
  const a = config.auth
  let auth: Authenticator = noAuth
  if (a.kind === 'htpasswd') auth = new BasicAuthenticator(await Htpasswd.load(a.htpasswd), a.realm)
  if (a.kind === 'token') {
    const signer = new TokenSigner({ issuer: a.issuer, ...(a.secret ? { secret: a.secret } : {}) })
    auth = new TokenAuthenticator(signer, { service: a.service, ...(a.realm ? { realm: a.realm } : {}) })
    deps.token = {
      signer,
      htpasswd: a.htpasswd ? await Htpasswd.load(a.htpasswd) : undefined,
      policy: { anonymousPull: a.anonymousPull, ...(a.acl ? { acl: a.acl } : {}) },
      service: a.service,
      ttlSeconds: a.ttlSeconds,
    }
  }
  deps.auth = auth
  return deps
}

export async function startRegistry(
  config: RegistryConfig,
  opts: StartOptions = {},
): Promise<RunningRegistry> {
  const deps = await buildAppDeps(config, opts)
  const handler = createRegistryApp(deps)
  const server: Server = config.tls
    ? createHttpsServer(
        { cert: await readFile(config.tls.cert), key: await readFile(config.tls.key) },
        handler,
      )
    : createHttpServer(handler)
  // Large layer uploads can take longer than node's 300 s default request timeout.
  server.requestTimeout = 0
  server.keepAliveTimeout = 30_000
  const { host, port } = splitAddr(config.addr)
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const stopPurging = startUploadPurging(deps.storage, config.uploadPurging, opts.log)
  const bound = (server.address() as AddressInfo).port
  const shownHost = host.includes(':') ? `[${host}]` : host
  return {
    url: `${config.tls ? 'https' : 'http'}://${shownHost}:${bound}`,
    port: bound,
    storage: deps.storage,
    close: () =>
      new Promise<void>((resolve, reject) => {
        stopPurging()
        server.close((err) => (err ? reject(err) : resolve()))
        server.closeAllConnections()
      }),
  }
}

/** Purges stale upload sessions now and then every interval; returns the stop function. */
function startUploadPurging(
  storage: RegistryStorage,
  p: RegistryConfig['uploadPurging'],
  log: StartOptions['log'],
): () => void {
  if (!p.enabled) return () => undefined
  const run = () => {
    storage.purgeUploads({ maxAgeMs: p.ageSeconds * 1000 }).then(
      (purged) => {
        for (const u of purged) logLine(log, 'info', `purged stale upload ${u.id} of ${u.name}`)
      },
      (err: unknown) => logLine(log, 'error', `upload purging failed: ${(err as Error).message}`),
    )
  }
  run()
  const timer = setInterval(run, p.intervalSeconds * 1000)
  timer.unref()
  return () => clearInterval(timer)
}

function logLine(log: StartOptions['log'], level: 'info' | 'error', msg: string): void {
  log?.({ time: new Date().toISOString(), level, msg, method: '', path: '', status: 0, durationMs: 0 })
}

/** "host:port", ":port" or "[v6]:port". @throws InvalidArgumentError. */
export function splitAddr(addr: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d+)$/.exec(addr)
  if (!m) throw new InvalidArgumentError(`invalid address ${JSON.stringify(addr)}, want host:port`)
  return { host: m[1] ?? (m[2] || '0.0.0.0'), port: Number(m[3]) }
}
