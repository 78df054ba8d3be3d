// berth-registry configuration: a YAML file (--config) overlaid by flags, validated into
// RegistryConfig. Pure apart from reading the file; server.ts turns it into a running server.
//
//   addr: 127.0.0.1:5000          storage: filesystem | memory     root: /var/lib/berth-registry
//   delete: true                  tls: { cert: /path.pem, key: /path.key }
//   auth:
//     htpasswd: { path: /etc/berth-registry/htpasswd, realm: berth-registry }
//     token: { service: berth-registry, issuer: berth-registry, secret: "…", ttl: 300,
//              anonymousPull: false, realm: https://host/token,
//              acl: [{ account: alice, name: "alice/*", actions: [pull, push, delete] }] }
//   proxy: { remoteurl: https://upstream, username: u, password: p }    pull-through cache mode
//   uploadpurging: { enabled: true, age: 168h, interval: 24h }         stale upload expiry
import { readFile } from 'node:fs/promises'
import yaml from 'js-yaml'
import { InvalidArgumentError } from '../lib/errors.ts'
import type { AclEntry } from './auth/token-policy.ts'

export interface RegistryConfig {
  addr: string
  storage: 'filesystem' | 'memory'
  root: string
  deleteEnabled: boolean
  tls?: { cert: string; key: string }
  auth:
    | { kind: 'none' }
    | { kind: 'htpasswd'; htpasswd: string; realm: string }
    | {
        kind: 'token'
        htpasswd?: string
        service: string
        issuer: string
        secret?: string
        realm?: string
        ttlSeconds: number
        anonymousPull: boolean
        acl?: AclEntry[]
      }
  /** Pull-through cache of this upstream registry (pushes are refused). */
  proxy?: { remoteUrl: string; username?: string; password?: string }
  /** Upload sessions idle longer than `ageSeconds` are purged every `intervalSeconds`. */
  uploadPurging: { enabled: boolean; ageSeconds: number; intervalSeconds: number }
}

export const DEFAULT_ADDR = '127.0.0.1:5000'
export const DEFAULT_ROOT = '/var/lib/berth-registry'

const FLAGS = [
  '--addr',
  '--root',
  '--config',
  '--htpasswd',
  '--tls-cert',
  '--tls-key',
  '--storage',
  '--auth',
  '--proxy-remote-url',
  '--proxy-username',
  '--proxy-password',
  '--upload-max-age',
]
const BOOL_FLAGS = ['--anonymous-pull', '--no-delete', '--dry-run']

/** Splits `--flag value` / `--flag=value` arguments. @throws InvalidArgumentError. */
export function parseFlags(argv: string[]): Map<string, string> {
  const out = new Map<string, string>()
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    const eq = arg.indexOf('=')
    const flag = eq > 0 ? arg.slice(0, eq) : arg
    if (BOOL_FLAGS.includes(flag)) {
      out.set(flag, eq > 0 ? arg.slice(eq + 1) : 'true')
    } else if (FLAGS.includes(flag)) {
      const value = eq > 0 ? arg.slice(eq + 1) : argv[++i]
      if (value === undefined) throw new InvalidArgumentError(`flag ${flag} needs a value`)
      out.set(flag, value)
    } else {
      throw new InvalidArgumentError(`unknown flag ${arg}`)
    }
  }
  return out
}

export async function loadConfig(flags: Map<string, string>): Promise<RegistryConfig> {
  const path = flags.get('--config')
  const file = path === undefined ? {} : parseYaml(await readFile(path, 'utf8'), path)
  return buildConfig(file, flags)
}

function parseYaml(text: string, path: string): Record<string, unknown> {
  let doc: unknown
  try {
    doc = yaml.load(text)
  } catch (err) {
    throw new InvalidArgumentError(`${path}: invalid YAML`, { cause: err })
  }
  if (doc === undefined || doc === null) return {}
  if (!isObject(doc)) throw new InvalidArgumentError(`${path}: expected a mapping at the top level`)
  return doc
}

/** File values, then flags on top. @throws InvalidArgumentError naming the bad field. */
export function buildConfig(file: Record<string, unknown>, flags: Map<string, string>): RegistryConfig {
  const tlsFile = obj(file, 'tls')
  const authFile = obj(file, 'auth')
  const cert = flags.get('--tls-cert') ?? str(tlsFile, 'cert', 'tls.cert')
  const key = flags.get('--tls-key') ?? str(tlsFile, 'key', 'tls.key')
  if ((cert === undefined) !== (key === undefined))
    throw new InvalidArgumentError('TLS needs both a cert and a key')
  const storage = flags.get('--storage') ?? str(file, 'storage', 'storage') ?? 'filesystem'
  if (storage !== 'filesystem' && storage !== 'memory') {
    throw new InvalidArgumentError(`storage must be "filesystem" or "memory", not ${JSON.stringify(storage)}`)
  }
  const del = file['delete']
  if (del !== undefined && typeof del !== 'boolean')
    throw new InvalidArgumentError('delete must be a boolean')
  return {
    addr: flags.get('--addr') ?? str(file, 'addr', 'addr') ?? DEFAULT_ADDR,
    storage,
    root: flags.get('--root') ?? str(file, 'root', 'root') ?? DEFAULT_ROOT,
    deleteEnabled: flags.has('--no-delete') ? false : (del ?? true),
    ...(cert !== undefined && key !== undefined ? { tls: { cert, key } } : {}),
    auth: buildAuth(authFile, flags),
    ...buildProxy(obj(file, 'proxy'), flags),
    uploadPurging: buildPurging(obj(file, 'uploadpurging'), flags),
  }
}

function buildProxy(p: Record<string, unknown>, flags: Map<string, string>): Pick<RegistryConfig, 'proxy'> {
  const remoteUrl = flags.get('--proxy-remote-url') ?? str(p, 'remoteurl', 'proxy.remoteurl')
  if (remoteUrl === undefined) return {}
  if (!/^https?:\/\/[^/]+\/?$/.test(remoteUrl))
    throw new InvalidArgumentError(
      `proxy.remoteurl must be an http(s) origin, not ${JSON.stringify(remoteUrl)}`,
    )
  const username = flags.get('--proxy-username') ?? str(p, 'username', 'proxy.username')
  const password = flags.get('--proxy-password') ?? str(p, 'password', 'proxy.password')
  return {
    proxy: {
      remoteUrl,
      ...(username !== undefined ? { username } : {}),
      ...(password !== undefined ? { password } : {}),
    },
  }
}

/** Distribution's defaults: purge uploads older than a week, checking every day. */
function buildPurging(
  p: Record<string, unknown>,
  flags: Map<string, string>,
): RegistryConfig['uploadPurging'] {
  const enabled = p['enabled'] ?? true
  if (typeof enabled !== 'boolean') throw new InvalidArgumentError('uploadpurging.enabled must be a boolean')
  const age = flags.get('--upload-max-age') ?? p['age'] ?? '168h'
  const interval = p['interval'] ?? '24h'
  return {
    enabled,
    ageSeconds: durationSeconds(age, 'uploadpurging.age'),
    intervalSeconds: durationSeconds(interval, 'uploadpurging.interval'),
  }
}

/** Seconds from a number or a Go-style duration ("90s", "30m", "168h", "1h30m"). */
export function durationSeconds(v: unknown, field: string): number {
  if (typeof v === 'number' && v > 0) return v
  if (typeof v === 'string' && /^(\d+(\.\d+)?(ms|s|m|h))+$/.test(v)) {
    const unit: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600 }
    let total = 0
    for (const m of v.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)) total += Number(m[1]) * unit[m[2]!]!
    if (total > 0) return total
  }
  throw new InvalidArgumentError(`${field} must be a positive duration like "168h", not ${JSON.stringify(v)}`)
}

function buildAuth(authFile: Record<string, unknown>, flags: Map<string, string>): RegistryConfig['auth'] {
  const hpFile = obj(authFile, 'htpasswd', 'auth.htpasswd')
  const tokFile = authFile['token'] === undefined ? undefined : obj(authFile, 'token', 'auth.token')
  const htpasswd = flags.get('--htpasswd') ?? str(hpFile, 'path', 'auth.htpasswd.path')
  const kind = flags.get('--auth') ?? (tokFile ? 'token' : htpasswd ? 'htpasswd' : 'none')
  if (kind === 'none') return { kind }
  if (kind === 'htpasswd') {
    if (!htpasswd) throw new InvalidArgumentError('htpasswd auth needs --htpasswd or auth.htpasswd.path')
    return { kind, htpasswd, realm: str(hpFile, 'realm', 'auth.htpasswd.realm') ?? 'berth-registry' }
  }
  if (kind !== 'token') throw new InvalidArgumentError(`auth must be none, htpasswd or token, not ${kind}`)
  const t = tokFile ?? {}
  const ttl = t['ttl'] ?? 300
  if (typeof ttl !== 'number' || ttl <= 0)
    throw new InvalidArgumentError('auth.token.ttl must be a positive number')
  const anon = t['anonymousPull'] ?? false
  if (typeof anon !== 'boolean') throw new InvalidArgumentError('auth.token.anonymousPull must be a boolean')
  const acl = t['acl']
  if (acl !== undefined && !Array.isArray(acl))
    throw new InvalidArgumentError('auth.token.acl must be a list')
  const secret = str(t, 'secret', 'auth.token.secret')
  const realm = str(t, 'realm', 'auth.token.realm')
  return {
    kind,
    ...(htpasswd ? { htpasswd } : {}),
    service: str(t, 'service', 'auth.token.service') ?? 'berth-registry',
    issuer: str(t, 'issuer', 'auth.token.issuer') ?? 'berth-registry',
    ...(secret ? { secret } : {}),
    ...(realm ? { realm } : {}),
    ttlSeconds: ttl,
    anonymousPull: flags.has('--anonymous-pull') || anon,
    ...(acl ? { acl: acl.map(aclEntry) } : {}),
  }
}

function aclEntry(v: unknown, i: number): AclEntry {
  const e = isObject(v) ? v : {}
  const account = str(e, 'account', `auth.token.acl[${i}].account`)
  const name = str(e, 'name', `auth.token.acl[${i}].name`)
  const actions = e['actions']
  if (!account || !name || !Array.isArray(actions) || actions.some((a) => typeof a !== 'string')) {
    throw new InvalidArgumentError(`auth.token.acl[${i}] needs account, name and actions`)
  }
  return { account, name, actions: actions as string[] }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

function obj(o: Record<string, unknown>, key: string, field = key): Record<string, unknown> {
  const v = o[key]
  if (v === undefined || v === null) return {}
  if (!isObject(v)) throw new InvalidArgumentError(`${field} must be a mapping`)
  return v
}

function str(o: Record<string, unknown>, key: string, field: string): string | undefined {
  const v = o[key]
  if (v === undefined || v === null) return undefined
  if (typeof v !== 'string') throw new InvalidArgumentError(`${field} must be a string`)
  return v
}
