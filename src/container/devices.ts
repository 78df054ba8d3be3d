// Turns Docker's HostConfig.Devices (--device /dev/x[:/dev/y[:rwm]]) into OCI device entries from
// the host's device nodes, as moby's oci.DevicesFromPath does: a symlink is resolved, a device
// node gives one entry, a directory every device node below it.
import type { Dirent } from 'node:fs'
import { lstat, readdir, realpath } from 'node:fs/promises'
import { join } from 'node:path'
import { errnoOf, InvalidArgumentError } from '../lib/errors.ts'
import type { OciDevice } from './oci-spec.ts'

export interface DeviceMapping {
  PathOnHost: string
  PathInContainer?: string
  CgroupPermissions?: string
}

const MAX_DIR_DEVICES = 4096

/** @throws InvalidArgumentError when the host path is neither a device nor a directory holding some. */
export async function devicesOf(mappings: readonly DeviceMapping[]): Promise<OciDevice[]> {
  const out: OciDevice[] = []
  for (const m of mappings) out.push(...(await devicesFromPath(m)))
  return out
}

async function devicesFromPath(m: DeviceMapping): Promise<OciDevice[]> {
  const onHost = m.PathOnHost
  const inContainer = m.PathInContainer || onHost
  const permissions = m.CgroupPermissions || 'rwm'
  if (!onHost.startsWith('/') || !inContainer.startsWith('/'))
    throw new InvalidArgumentError(`invalid device mapping ${onHost}:${inContainer}: paths must be absolute`)
  if (!/^[rwm]{1,3}$/.test(permissions))
    throw new InvalidArgumentError(`invalid device cgroup permissions: ${permissions}`)
  const fail = (reason: string) =>
    new InvalidArgumentError(
      `error gathering device information while adding custom device "${onHost}": ${reason}`,
    )
  let resolved = onHost
  try {
    if ((await lstat(onHost)).isSymbolicLink()) resolved = await realpath(onHost)
  } catch (err) {
    throw fail(errnoOf(err) === 'ENOENT' ? 'no such file or directory' : String(errnoOf(err) ?? err))
  }
  const dev = await deviceAt(resolved, inContainer, permissions)
  if (dev !== undefined) return [dev]
  const out: OciDevice[] = []
  const st = await lstat(resolved).catch(() => undefined)
  if (st?.isDirectory()) {
    const entries = await readdir(resolved, { recursive: true, withFileTypes: true })
    for (const e of entries.filter((x: Dirent) => x.isCharacterDevice() || x.isBlockDevice())) {
      const hostPath = join(e.parentPath, e.name)
      const d = await deviceAt(hostPath, inContainer + hostPath.slice(resolved.length), permissions)
      if (d !== undefined) out.push(d)
      if (out.length > MAX_DIR_DEVICES) throw fail('too many devices')
    }
  }
  if (out.length === 0) throw fail('not a device node')
  return out
}

/** Directories under /dev whose nodes a --privileged container does not get from the host
 *  (containerd's HostDevices: the container has its own pts, shm, mqueue). */
const PRIVILEGED_SKIP = new Set(['pts', 'shm', 'fd', 'mqueue', '.lxc', '.lxd-mounts', '.udev'])

/** Every device node of the host's /dev, for a --privileged container (moby adds them all);
 *  /dev/console is left to the runtime. */
export async function hostDevices(root = '/dev'): Promise<OciDevice[]> {
  const out: OciDevice[] = []
  const walk = async (dir: string): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => [] as Dirent[])
    for (const e of entries) {
      const p = join(dir, e.name)
      if (e.isDirectory()) {
        if (dir !== root || !PRIVILEGED_SKIP.has(e.name)) await walk(p)
      } else if ((e.isCharacterDevice() || e.isBlockDevice()) && p !== join(root, 'console')) {
        const d = await deviceAt(p, `/dev${p.slice(root.length)}`, 'rwm')
        if (d !== undefined) out.push(d)
      }
    }
  }
  await walk(root)
  return out
}

/** The device node at `hostPath` (lstat: a symlink is not one), or undefined. */
async function deviceAt(hostPath: string, path: string, permissions: string): Promise<OciDevice | undefined> {
  const st = await lstat(hostPath, { bigint: true }).catch(() => undefined)
  if (st === undefined || !(st.isCharacterDevice() || st.isBlockDevice())) return undefined
  const { major, minor } = splitDev(st.rdev)
  return {
    path,
    type: st.isCharacterDevice() ? 'c' : 'b',
    major,
    minor,
    fileMode: Number(st.mode & 0o7777n),
    uid: Number(st.uid),
    gid: Number(st.gid),
    permissions,
  }
}

/** glibc's major()/minor() of a dev_t. */
export function splitDev(rdev: bigint): { major: number; minor: number } {
  const major = ((rdev >> 8n) & 0xfffn) | ((rdev >> 32n) & 0xfffff000n)
  const minor = (rdev & 0xffn) | ((rdev >> 12n) & 0xffffff00n)
  return { major: Number(major), minor: Number(minor) }
}
