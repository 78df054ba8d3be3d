// `docker import`: one rootfs tarball (plain, gzip or zstd) becomes a one-layer image with a
// config built from `changes`. Crash-safe by ordering: blob, layer, image record, then tag.
import type { Readable } from 'node:stream'
import { InvalidArgumentError } from '../lib/errors.ts'
import { decompress } from '../lib/tar/index.ts'
import { type Digest, type ImageConfig, parseDockerRef } from '../oci/index.ts'
import { applyChanges } from './changes.ts'
import type { ImageCore, ImageView } from './core.ts'

export interface ImportOptions {
  reference?: string
  changes?: string[]
  message?: string
  platform?: string
}

const GOARCH: Record<string, string> = {
  x64: 'amd64',
  arm64: 'arm64',
  arm: 'arm',
  ia32: '386',
  ppc64: 'ppc64le',
  s390x: 's390x',
  riscv64: 'riscv64',
}

export function hostPlatform(): { os: string; architecture: string } {
  return { os: 'linux', architecture: GOARCH[process.arch] ?? process.arch }
}

/** Parses "os[/arch[/variant]]". @throws InvalidArgumentError. */
export function parsePlatform(s: string | undefined): { os: string; architecture: string; variant?: string } {
  const host = hostPlatform()
  if (!s) return host
  const parts = s.toLowerCase().split('/')
  if (parts.length > 3 || parts.some((p) => !/^[a-z0-9_-]+$/.test(p))) {
    throw new InvalidArgumentError(`"${s}": unknown operating system or architecture: invalid argument`)
  }
  const [os, arch, variant] = parts as [string, string | undefined, string | undefined]
  const architecture =
    arch === undefined
      ? host.architecture
      : arch === 'x86_64' || arch === 'x86-64'
        ? 'amd64'
        : arch === 'aarch64'
          ? 'arm64'
          : arch
  return variant === undefined ? { os, architecture } : { os, architecture, variant }
}

export async function importRootfs(core: ImageCore, tar: Readable, opts: ImportOptions): Promise<ImageView> {
  const ref = opts.reference ? parseDockerRef(opts.reference) : undefined
  if (ref?.digest !== undefined) throw new InvalidArgumentError('cannot import digest reference')
  const platform = parsePlatform(opts.platform)
  const runConfig = applyChanges({}, opts.changes ?? [])
  let diffId: Digest
  try {
    const { stream } = await decompress(tar)
    diffId = (await core.content.ingest(stream)).digest
  } catch (err) {
    if (err instanceof InvalidArgumentError) throw err
    throw new InvalidArgumentError(`importing rootfs: ${String((err as Error).message ?? err)}`, {
      cause: err,
    })
  }
  try {
    await core.layers.ensure([diffId], (d) => core.content.read(d))
  } catch (err) {
    await core.lock.run(async () => {
      if (!core.store.all().some((i) => i.config.rootfs.diff_ids.includes(diffId)))
        await core.content.delete(diffId)
    })
    throw err
  }
  const created = new Date().toISOString()
  const comment = opts.message ?? ''
  const config: ImageConfig = {
    architecture: platform.architecture,
    ...(platform.variant ? { variant: platform.variant } : {}),
    os: platform.os,
    created,
    ...(comment ? { comment } : {}),
    config: runConfig,
    rootfs: { type: 'layers', diff_ids: [diffId] },
    history: [{ created, ...(comment ? { comment } : {}) }],
  }
  return core.lock.run(async () => {
    const img = await core.commitImage(Buffer.from(JSON.stringify(config)))
    core.publisher.publish('image', 'import', img.id, { name: img.id })
    if (ref) await core.setTag(ref, img.id)
    return core.view(img)
  })
}
