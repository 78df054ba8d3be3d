// Test helpers for registry tests: a registry on 127.0.0.1:0 over a temporary root, and
// small clients for pushing blobs and manifests. Used only by *.test.ts files.
import { createHash } from 'node:crypto'
import { rmSync } from 'node:fs'
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { AccessLogEntry } from './app.ts'
import { buildConfig, type RegistryConfig } from './config.ts'
import { type RunningRegistry, startRegistry } from './server.ts'

/** Temporary directories of this test process, removed when it exits (pass or fail). */
const made = new Set<string>()
process.once('exit', () => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true })
})

export async function tempDir(prefix = 'berth-registry-'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix))
  made.add(dir)
  return dir
}

export async function startTestRegistry(
  overrides: Partial<RegistryConfig> = {},
  log?: (e: AccessLogEntry) => void,
): Promise<RunningRegistry & { root: string; config: RegistryConfig }> {
  const root = overrides.root ?? (await tempDir())
  const config: RegistryConfig = { ...buildConfig({}, new Map()), addr: '127.0.0.1:0', root, ...overrides }
  const reg = await startRegistry(config, log ? { log } : {})
  return { ...reg, root, config }
}

export function digestOf(data: Uint8Array | string, alg: 'sha256' | 'sha512' = 'sha256'): string {
  return `${alg}:${createHash(alg).update(data).digest('hex')}`
}

/** Monolithic POST+PUT push; returns the digest. */
export async function pushBlob(
  base: string,
  name: string,
  data: Buffer | string,
  init: RequestInit = {},
): Promise<string> {
  const digest = digestOf(data)
  const start = await fetch(`${base}/v2/${name}/blobs/uploads/`, { ...init, method: 'POST' })
  if (start.status !== 202) throw new Error(`POST upload: ${start.status} ${await start.text()}`)
  const loc = new URL(start.headers.get('location')!, base)
  loc.searchParams.set('digest', digest)
  const put = await fetch(loc, { ...init, method: 'PUT', body: Buffer.from(data) })
  if (put.status !== 201) throw new Error(`PUT upload: ${put.status} ${await put.text()}`)
  return digest
}

export interface PushedImage {
  config: { digest: string; size: number; mediaType: string }
  layer: { digest: string; size: number; mediaType: string }
  manifest: Buffer
  digest: string
}

/** Pushes a config and one layer, returns an OCI image manifest for them (not yet pushed). */
export async function makeImage(
  base: string,
  name: string,
  seed: string,
  init: RequestInit = {},
): Promise<PushedImage> {
  const configBytes = JSON.stringify({
    architecture: 'amd64',
    os: 'linux',
    seed,
    rootfs: { type: 'layers', diff_ids: [] },
  })
  const layerBytes = Buffer.from(`layer-${seed}`)
  const config = {
    mediaType: 'application/vnd.oci.image.config.v1+json',
    digest: await pushBlob(base, name, configBytes, init),
    size: Buffer.byteLength(configBytes),
  }
  const layer = {
    mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
    digest: await pushBlob(base, name, layerBytes, init),
    size: layerBytes.length,
  }
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config,
      layers: [layer],
    }),
  )
  return { config, layer, manifest, digest: digestOf(manifest) }
}

export async function putManifest(
  base: string,
  name: string,
  ref: string,
  body: Buffer | string,
  mediaType = 'application/vnd.oci.image.manifest.v1+json',
  init: RequestInit = {},
): Promise<Response> {
  return await fetch(`${base}/v2/${name}/manifests/${ref}`, {
    ...init,
    method: 'PUT',
    headers: { ...(init.headers as Record<string, string>), 'Content-Type': mediaType },
    body: Buffer.from(body),
  })
}

export async function errorCode(res: Response): Promise<string | undefined> {
  const body = (await res.json()) as { errors?: { code: string }[] }
  return body.errors?.[0]?.code
}
