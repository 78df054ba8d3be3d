// Test helpers for the image domain: a busybox rootfs tarball built from the host's static
// busybox (Debian busybox-static), and throwaway data roots. Used by tests only.
import { existsSync } from 'node:fs'
import { mkdtemp, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import tar from 'tar-stream'

export const HOST_BUSYBOX = '/usr/bin/busybox'
export const APPLETS = ['sh', 'echo', 'ls', 'cat', 'true', 'false', 'sleep', 'env', 'id']

export function haveBusybox(): boolean {
  return existsSync(HOST_BUSYBOX)
}

/** An uncompressed tar: bin/busybox plus applet symlinks, etc/passwd, tmp/ (1777). */
export async function busyboxRootfsTar(extra: Array<{ name: string; data: string }> = []): Promise<Buffer> {
  const p = tar.pack()
  const mtime = new Date(1_700_000_000_000)
  const dir = (name: string, mode = 0o755) =>
    p.entry({ name, type: 'directory', mode, mtime, uid: 0, gid: 0 })
  dir('bin/')
  dir('etc/')
  dir('tmp/', 0o1777)
  p.entry({ name: 'bin/busybox', mode: 0o755, mtime, uid: 0, gid: 0 }, await readFile(HOST_BUSYBOX))
  for (const a of APPLETS)
    p.entry({ name: `bin/${a}`, type: 'symlink', linkname: 'busybox', mtime, uid: 0, gid: 0 })
  p.entry(
    { name: 'etc/passwd', mode: 0o644, mtime },
    'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n',
  )
  for (const e of extra) p.entry({ name: e.name, mode: 0o644, mtime }, e.data)
  p.finalize()
  const chunks: Buffer[] = []
  for await (const c of p) chunks.push(c as Buffer)
  return Buffer.concat(chunks)
}

export function tempRoot(prefix = 'berth-image-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix))
}

export async function collect(src: AsyncIterable<Uint8Array | string>): Promise<Buffer> {
  const out: Buffer[] = []
  for await (const c of src) out.push(Buffer.from(c))
  return Buffer.concat(out)
}
