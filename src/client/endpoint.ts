// Daemon endpoint resolution: `unix://path`, `tcp://host:port`, TLS material from DOCKER_CERT_PATH,
// as docker's client does. Pure except for reading certificate files; opens no connection.
import { readFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { InvalidArgumentError } from '../lib/errors.ts'

export const DEFAULT_HOST = 'unix:///run/berth.sock'

export type Endpoint =
  | { kind: 'unix'; socketPath: string; url: string }
  | { kind: 'tcp'; host: string; port: number; url: string; tls?: TlsMaterial }

export interface TlsMaterial {
  ca?: Buffer
  cert?: Buffer
  key?: Buffer
  /** false for `--tls` without `--tlsverify`: encrypt but do not check the server. */
  verify: boolean
}

export interface TlsSettings {
  /** `--tls`: use TLS (implied by verify). */
  tls?: boolean
  /** `--tlsverify` / DOCKER_TLS_VERIFY. */
  verify?: boolean
  cacert?: string
  cert?: string
  key?: string
}

/** Parses `-H`-style addresses. Docker's defaults: tcp port 2375, 2376 with TLS. */
export function parseEndpoint(raw: string, tls?: TlsSettings): Endpoint {
  const useTls = tls?.tls === true || tls?.verify === true
  if (raw.startsWith('unix://')) {
    const socketPath = raw.slice('unix://'.length)
    if (socketPath === '') throw new InvalidArgumentError(`invalid bind address (${raw}): empty string`)
    return { kind: 'unix', socketPath, url: raw }
  }
  if (raw.startsWith('/')) return { kind: 'unix', socketPath: raw, url: `unix://${raw}` }
  let rest: string
  if (raw.startsWith('tcp://')) rest = raw.slice(6)
  else if (raw.startsWith('http://') || raw.startsWith('https://')) rest = raw.replace(/^https?:\/\//, '')
  else if (!raw.includes('://')) rest = raw
  else throw new InvalidArgumentError(`invalid bind address format: ${raw}`)
  rest = rest.replace(/\/+$/, '')
  const m = /^(\[[^\]]+\]|[^:]*)(?::(\d*))?$/.exec(rest)
  if (!m) throw new InvalidArgumentError(`invalid bind address format: ${raw}`)
  const host = (m[1] || '127.0.0.1').replace(/^\[|\]$/g, '')
  const port = m[2] ? Number(m[2]) : useTls ? 2376 : 2375
  if (!Number.isInteger(port) || port <= 0 || port > 65535)
    throw new InvalidArgumentError(`invalid port in ${raw}`)
  const url = `tcp://${host.includes(':') ? `[${host}]` : host}:${port}`
  return { kind: 'tcp', host, port, url, tls: useTls ? loadTls(tls ?? {}) : undefined }
}

/** Reads ca.pem/cert.pem/key.pem: explicit paths first, else DOCKER_CERT_PATH, else ~/.docker. */
export function loadTls(s: TlsSettings, env: NodeJS.ProcessEnv = process.env): TlsMaterial {
  const dir = env.DOCKER_CERT_PATH || join(homedir(), '.docker')
  const read = (explicit: string | undefined, name: string, required: boolean): Buffer | undefined => {
    const path = explicit || join(dir, name)
    try {
      return readFileSync(path)
    } catch (err) {
      // Without --tlsverify, missing client material is allowed: docker then connects with TLS only.
      if (required || explicit)
        throw new InvalidArgumentError(`could not read ${name}: ${path}`, { cause: err })
      return undefined
    }
  }
  const verify = s.verify === true
  return {
    ca: read(s.cacert, 'ca.pem', verify),
    cert: read(s.cert, 'cert.pem', false),
    key: read(s.key, 'key.pem', false),
    verify,
  }
}

/** `-H` flag, then BERTH_HOST, then DOCKER_HOST, then the default socket. */
export function resolveHost(flagHosts: string[], env: NodeJS.ProcessEnv): string {
  if (flagHosts.length > 1) throw new InvalidArgumentError('Specify only one -H')
  return flagHosts[0] || env.BERTH_HOST || env.DOCKER_HOST || DEFAULT_HOST
}
