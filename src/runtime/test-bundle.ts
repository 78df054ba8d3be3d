// Test helper (used by *.test.ts only): a busybox rootfs and minimal OCI bundles for running real
// containers without images. The runtime tests cannot use container/oci-spec.ts (layering), so
// the config here is the smallest one runc and crun accept.
import { access, copyFile, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export const BUSYBOX = '/usr/bin/busybox'
const APPLETS = ['sh', 'echo', 'true', 'sleep', 'cat', 'ls']

/** Why real-runtime tests cannot run here, or undefined when they can. */
export async function realRuntimeSkipReason(binaries: string[]): Promise<string | undefined> {
  if (process.getuid?.() !== 0) return 'needs root'
  for (const bin of [...binaries, BUSYBOX]) {
    try {
      await access(bin)
    } catch {
      return `${bin} is not installed`
    }
  }
  return undefined
}

/** Makes `<tmp>/rootfs` with busybox and applet links; returns the temp dir. */
export async function makeBusyboxRoot(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix))
  const bin = join(dir, 'rootfs', 'bin')
  await mkdir(bin, { recursive: true })
  for (const d of ['proc', 'dev', 'sys', 'tmp', 'etc']) await mkdir(join(dir, 'rootfs', d))
  await copyFile(BUSYBOX, join(bin, 'busybox'))
  for (const applet of APPLETS) await symlink('busybox', join(bin, applet))
  return dir
}

/** Writes `<dir>/<id>/config.json` running `args` on the shared read-only rootfs; returns the bundle. */
export async function writeMinimalBundle(
  dir: string,
  id: string,
  args: string[],
  cgroupParent: string,
): Promise<string> {
  const bundle = join(dir, id)
  await mkdir(bundle, { recursive: true })
  const config = {
    ociVersion: '1.0.2',
    process: {
      terminal: false,
      user: { uid: 0, gid: 0 },
      args,
      env: ['PATH=/bin'],
      cwd: '/',
      capabilities: { bounding: ['CAP_KILL'], effective: ['CAP_KILL'], permitted: ['CAP_KILL'] },
      noNewPrivileges: true,
    },
    root: { path: join(dir, 'rootfs'), readonly: true },
    hostname: id.slice(0, 12),
    mounts: [
      { destination: '/proc', type: 'proc', source: 'proc' },
      {
        destination: '/dev',
        type: 'tmpfs',
        source: 'tmpfs',
        options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k'],
      },
      {
        destination: '/dev/pts',
        type: 'devpts',
        source: 'devpts',
        options: ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620'],
      },
      { destination: '/tmp', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'nodev'] },
    ],
    linux: {
      namespaces: [{ type: 'pid' }, { type: 'ipc' }, { type: 'uts' }, { type: 'mount' }, { type: 'network' }],
      cgroupsPath: `${cgroupParent}/${id}`,
      maskedPaths: ['/proc/kcore'],
      readonlyPaths: ['/proc/sys'],
    },
  }
  await writeFile(join(bundle, 'config.json'), JSON.stringify(config))
  return bundle
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true })
}
