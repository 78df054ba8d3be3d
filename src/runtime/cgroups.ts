// Detects the host's cgroup layout (v1, v2 or hybrid) and the cgroup driver berth uses, for
// /info, the OCI config and the choice of runtime. Also removes a container's leftover cgroup
// directories. It does not read or set limits: the OCI runtime applies those.
import { readdir, readFile, rmdir, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { errnoOf } from '../lib/errors.ts'

/** `hybrid`: v1 controllers plus a cgroup2 mount at /sys/fs/cgroup/unified (Debian 10–12 style). */
export type CgroupVersion = 'v1' | 'v2' | 'hybrid'

export interface CgroupInfo {
  version: CgroupVersion
  /** Only cgroupfs: berth talks to no systemd (HOST-NOTES: there is none on these hosts). */
  driver: 'cgroupfs'
  /** Memory+swap limits can be set (v1 `memory.memsw.*`, v2 `memory.swap.max`). */
  swap: boolean
}

export const CGROUP_ROOT = '/sys/fs/cgroup'

/** Parses /proc/self/mountinfo text into the cgroup version. Pure, for tests. */
export function cgroupVersionFromMountinfo(mountinfo: string): CgroupVersion {
  let v1 = false
  let v2Root = false
  let v2Unified = false
  for (const line of mountinfo.split('\n')) {
    // mountinfo: id parent maj:min root mountpoint options [optional…] - fstype source superopts
    const [left, right] = line.split(' - ')
    if (left === undefined || right === undefined) continue
    const mountPoint = left.split(' ')[4]
    const fsType = right.split(' ')[0]
    if (fsType === 'cgroup2' && mountPoint === CGROUP_ROOT) v2Root = true
    else if (fsType === 'cgroup2' && mountPoint === `${CGROUP_ROOT}/unified`) v2Unified = true
    else if (fsType === 'cgroup' && mountPoint?.startsWith(`${CGROUP_ROOT}/`)) v1 = true
  }
  if (v2Root) return 'v2'
  if (v1 && v2Unified) return 'hybrid'
  return 'v1'
}

/** Reads the running host's cgroup layout. */
export async function detectCgroups(): Promise<CgroupInfo> {
  const version = cgroupVersionFromMountinfo(await readFile('/proc/self/mountinfo', 'utf8'))
  const swapFile =
    version === 'v2'
      ? join(CGROUP_ROOT, 'memory.stat')
      : join(CGROUP_ROOT, 'memory', 'memory.memsw.limit_in_bytes')
  // v2: swap accounting is always compiled in when the memory controller is; v1 needs swapaccount=1.
  const swap = await exists(swapFile)
  return { version, driver: 'cgroupfs', swap }
}

/** Removes the (empty) cgroup directories of `cgroupsPath` (e.g. `/berth/<id>`) under every
 *  hierarchy. Idempotent; a directory that still holds processes is left and reported. */
export async function removeCgroup(cgroupsPath: string): Promise<string[]> {
  const rel = cgroupsPath.replace(/^\/+/, '')
  if (rel === '' || rel.split('/').includes('..')) return []
  const dirs = [join(CGROUP_ROOT, rel)]
  for (const entry of await readdir(CGROUP_ROOT, { withFileTypes: true }).catch(() => [])) {
    if (entry.isDirectory()) dirs.push(join(CGROUP_ROOT, entry.name, rel))
  }
  const busy: string[] = []
  await Promise.all(
    dirs.map(async (dir) => {
      try {
        await rmdir(dir)
      } catch (err) {
        const code = errnoOf(err)
        // ENOENT: not in this hierarchy; ENOTDIR: `rel` names a file in a v2 root (not a cgroup).
        if (code !== 'ENOENT' && code !== 'ENOTDIR') busy.push(dir)
      }
    }),
  )
  return busy
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path)
    return true
  } catch {
    // Any failure to stat means the feature file is not usable.
    return false
  }
}
