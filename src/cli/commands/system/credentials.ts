// Registry credentials in docker's client config (`$DOCKER_CONFIG/config.json`, default
// `~/.docker/config.json`), shared with the docker CLI: `auths` entries ({"auth": base64
// "user:pass"}), and `credsStore`/`credHelpers` through the `docker-credential-<name>`
// protocol (get/store/erase on stdin). Also builds the X-Registry-Auth header pull/push send.
import { mkdir, readFile } from 'node:fs/promises'
import { homedir } from 'node:os'
import { dirname, join } from 'node:path'
import { encodeRegistryAuth, type RegistryAuthConfig } from '../../../client/index.ts'
import { isNotFound } from '../../../lib/errors.ts'
import { run } from '../../../lib/exec.ts'
import { writeFileAtomic } from '../../../lib/fs-atomic.ts'
import { DEFAULT_DOMAIN, parseNormalizedNamed } from '../../../oci/index.ts'

/** Docker Hub's key in config.json (docker keeps the legacy v1 index URL). */
export const INDEX_SERVER = 'https://index.docker.io/v1/'

interface ConfigFile {
  auths?: Record<string, { auth?: string; identitytoken?: string }>
  credsStore?: string
  credHelpers?: Record<string, string>
  [key: string]: unknown
}

export function configPath(env: NodeJS.ProcessEnv): string {
  return join(env.DOCKER_CONFIG || join(env.HOME || homedir(), '.docker'), 'config.json')
}

/** The config.json key for a registry: "docker.io" → the index URL, else the host as given
 *  (a scheme and path are dropped, as docker's login does). */
export function serverKey(server: string | undefined): string {
  if (!server) return INDEX_SERVER
  const host = server.replace(/^[a-z]+:\/\//i, '').replace(/\/.*$/, '')
  if (['docker.io', 'index.docker.io', 'registry-1.docker.io'].includes(host)) return INDEX_SERVER
  return host
}

/** The registry key of an image reference ("127.0.0.1:5000/x:1" → "127.0.0.1:5000"). */
export function serverKeyOfImage(image: string): string {
  const ref = parseNormalizedNamed(image)
  return ref.domain === DEFAULT_DOMAIN ? INDEX_SERVER : ref.domain
}

async function readConfig(env: NodeJS.ProcessEnv): Promise<ConfigFile> {
  try {
    return JSON.parse(await readFile(configPath(env), 'utf8')) as ConfigFile
  } catch (err) {
    if (isNotFound(err)) return {}
    throw new Error(`loading config file ${configPath(env)}: ${(err as Error).message}`, { cause: err })
  }
}

async function writeConfig(env: NodeJS.ProcessEnv, cfg: ConfigFile): Promise<void> {
  const path = configPath(env)
  await mkdir(dirname(path), { recursive: true, mode: 0o700 })
  await writeFileAtomic(path, `${JSON.stringify(cfg, null, '\t')}\n`, 0o600)
}

function helperOf(cfg: ConfigFile, key: string): string | undefined {
  return cfg.credHelpers?.[key] ?? cfg.credsStore ?? undefined
}

async function helper(
  name: string,
  action: 'get' | 'store' | 'erase',
  input: string,
  env: NodeJS.ProcessEnv,
) {
  return run(`docker-credential-${name}`, [action], { input, env, allowFailure: true })
}

/** Stored credentials for `key`, or undefined when there are none. */
export async function loadCredentials(
  env: NodeJS.ProcessEnv,
  key: string,
): Promise<RegistryAuthConfig | undefined> {
  const cfg = await readConfig(env)
  const name = helperOf(cfg, key)
  if (name) {
    const res = await helper(name, 'get', key, env)
    // The helper protocol answers "credentials not found" with a non-zero exit: no credentials.
    if (res.code !== 0) return undefined
    const c = JSON.parse(res.stdout) as { Username?: string; Secret?: string }
    if (c.Username === '<token>') return { identitytoken: c.Secret, serveraddress: key }
    return { username: c.Username, password: c.Secret, serveraddress: key }
  }
  const entry = cfg.auths?.[key]
  if (!entry) return undefined
  if (entry.identitytoken) return { identitytoken: entry.identitytoken, serveraddress: key }
  if (!entry.auth) return undefined
  const plain = Buffer.from(entry.auth, 'base64').toString('utf8')
  const i = plain.indexOf(':')
  if (i < 0) return undefined
  return { username: plain.slice(0, i), password: plain.slice(i + 1), serveraddress: key }
}

/** Saves credentials (in the helper when one is configured). Returns true when they went
 *  into config.json in plain base64 (docker warns about that). */
export async function storeCredentials(
  env: NodeJS.ProcessEnv,
  key: string,
  auth: { username: string; password: string },
): Promise<boolean> {
  const cfg = await readConfig(env)
  const name = helperOf(cfg, key)
  if (name) {
    const input = JSON.stringify({ ServerURL: key, Username: auth.username, Secret: auth.password })
    const res = await helper(name, 'store', input, env)
    if (res.code !== 0) throw new Error(`error saving credentials: ${(res.stderr || res.stdout).trim()}`)
    cfg.auths = { ...cfg.auths, [key]: {} }
    await writeConfig(env, cfg)
    return false
  }
  cfg.auths = {
    ...cfg.auths,
    [key]: { auth: Buffer.from(`${auth.username}:${auth.password}`).toString('base64') },
  }
  await writeConfig(env, cfg)
  return true
}

/** Removes credentials; false when there were none. */
export async function eraseCredentials(env: NodeJS.ProcessEnv, key: string): Promise<boolean> {
  const cfg = await readConfig(env)
  const name = helperOf(cfg, key)
  let found = cfg.auths?.[key] !== undefined
  if (name) found = (await helper(name, 'erase', key, env)).code === 0 || found
  if (cfg.auths && key in cfg.auths) {
    delete cfg.auths[key]
    await writeConfig(env, cfg)
  }
  return found
}

/** The X-Registry-Auth value for pulling or pushing `image` (empty credentials when none). */
export async function registryAuthFor(env: NodeJS.ProcessEnv, image: string): Promise<string> {
  const key = serverKeyOfImage(image)
  return encodeRegistryAuth((await loadCredentials(env, key)) ?? {})
}
