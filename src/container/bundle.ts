// Writes a container's OCI bundle (config.json) from its record: resolves the user inside the
// rootfs, assembles env and mounts, maps HostConfig onto OciSpecInput; oci-spec.ts does the rest.
import { mkdir, stat } from 'node:fs/promises'
import { isAbsolute, join } from 'node:path'
import { InvalidArgumentError } from '../lib/errors.ts'
import { writeFileAtomic } from '../lib/fs-atomic.ts'
import { processEnv } from './config-merge.ts'
import { type DeviceMapping, devicesOf, hostDevices } from './devices.ts'
import { mountPointsOf, ociMounts } from './mounts.ts'
import { buildOciSpec, type NamespaceMode, type OciMount, type OciSpecInput } from './oci-spec.ts'
import type { ContainerRecord, HostConfig } from './types.ts'
import { resolveGroupAdd, resolveUser } from './user.ts'

export type HostFacts = OciSpecInput['host']

export interface BundleContext {
  bundleRoot: string
  network: NamespaceMode
  /** Host path of a static init (tini-static) for --init. */
  initPath: string
  host: HostFacts
  /** Init pid of another running container (for `--pid`/`--ipc container:<ref>`).
   *  @throws NotFoundError, NotRunningError. */
  peerPid?: (ref: string) => number
}

export async function writeBundle(rec: ContainerRecord, rootfs: string, ctx: BundleContext): Promise<string> {
  const dir = join(ctx.bundleRoot, rec.id)
  await mkdir(dir, { recursive: true, mode: 0o700 })
  const spec = buildOciSpec(await toSpecInput(rec, rootfs, ctx))
  await writeFileAtomic(join(dir, 'config.json'), JSON.stringify(spec))
  return dir
}

async function toSpecInput(rec: ContainerRecord, rootfs: string, ctx: BundleContext): Promise<OciSpecInput> {
  const c = rec.config
  const hc = rec.hostConfig
  const user = await resolveUser(rootfs, c.User || '')
  const groupAdd = await resolveGroupAdd(rootfs, (hc.GroupAdd as string[] | null | undefined) ?? [])
  const additionalGids = [...new Set([...user.additionalGids, ...groupAdd])]
  const env = processEnv(c.Env, { hostname: c.Hostname, tty: c.Tty })
  if (!env.some((e) => e.startsWith('HOME='))) env.push(`HOME=${user.home || '/'}`)
  const sec = parseSecurityOpt(hc.SecurityOpt ?? [])
  return {
    id: rec.id,
    rootfs,
    readonlyRootfs: hc.ReadonlyRootfs,
    args: [rec.path, ...rec.args],
    env,
    cwd: c.WorkingDir || '/',
    user: { uid: user.uid, gid: user.gid, additionalGids },
    tty: c.Tty,
    consoleSize: consoleSizeOf(hc.ConsoleSize),
    hostname: c.Hostname,
    domainname: c.Domainname || undefined,
    privileged: hc.Privileged,
    capAdd: hc.CapAdd ?? undefined,
    capDrop: hc.CapDrop ?? undefined,
    ulimits: (hc.Ulimits ?? []).map((u) => ({ name: u.Name, soft: u.Soft, hard: u.Hard })),
    noNewPrivileges: sec.noNewPrivileges,
    oomScoreAdj: hc.OomScoreAdj || undefined,
    shmSize: hc.ShmSize || undefined,
    mounts: [...etcMounts(rec), ...(await containerMounts(rec)), ...tmpfsMounts(hc.Tmpfs ?? {})],
    namespaces: {
      network: ctx.network,
      pid: namespaceOf(hc.PidMode as string | undefined, 'pid', ctx),
      ipc: namespaceOf(hc.IpcMode as string | undefined, 'ipc', ctx),
      uts: hc.UTSMode === 'host' ? { mode: 'host' } : undefined,
      cgroup:
        hc.CgroupnsMode === 'private'
          ? { mode: 'new' }
          : hc.CgroupnsMode === 'host'
            ? { mode: 'host' }
            : undefined,
    },
    cgroupParent: (hc.CgroupParent as string | undefined) || undefined,
    resources: resourcesOf(hc),
    // --privileged: every host device first, so that --device mappings replace same-path ones.
    devices: [
      ...(hc.Privileged ? await hostDevices() : []),
      ...(await devicesOf((hc.Devices as DeviceMapping[] | null | undefined) ?? [])),
    ],
    deviceCgroupRules: (hc.DeviceCgroupRules as string[] | null | undefined) ?? undefined,
    sysctls: hc.Sysctls,
    seccomp: sec.seccomp,
    unmaskSystemPaths: sec.unmask,
    init: hc.Init ? ctx.initPath : undefined,
    host: ctx.host,
  }
}

/** HostConfig.ConsoleSize `[height, width]`; unset when both are 0. */
function consoleSizeOf(size: unknown): OciSpecInput['consoleSize'] {
  if (!Array.isArray(size) || size.length !== 2) return undefined
  const [height, width] = size.map((n) => (Number.isSafeInteger(n) && n > 0 ? (n as number) : 0))
  return height || width ? { height: height ?? 0, width: width ?? 0 } : undefined
}

function etcMounts(rec: ContainerRecord): OciMount[] {
  const bind = (source: string, destination: string): OciMount => ({
    destination,
    type: 'bind',
    source,
    options: ['rbind', 'rprivate'],
  })
  return [
    bind(rec.resolvConfPath, '/etc/resolv.conf'),
    bind(rec.hostnamePath, '/etc/hostname'),
    bind(rec.hostsPath, '/etc/hosts'),
  ]
}

/** Binds, volumes and --mount tmpfs resolved at create (mounts.ts); records from before that
 *  was done keep the plain bind handling. */
async function containerMounts(rec: ContainerRecord): Promise<OciMount[]> {
  const mps = mountPointsOf(rec)
  return mps ? ociMounts(mps) : bindMounts(rec.hostConfig.Binds ?? [])
}

/** `-v /host:/ctr[:ro|rw]`: a missing host directory is created, as Docker does for -v. */
async function bindMounts(binds: string[]): Promise<OciMount[]> {
  const out: OciMount[] = []
  for (const b of binds) {
    const [source = '', destination = '', mode = ''] = b.split(':')
    if (!isAbsolute(source)) throw new InvalidArgumentError(`named volumes are not supported yet: ${b}`)
    if (!isAbsolute(destination))
      throw new InvalidArgumentError(
        `invalid mount config: the destination "${destination}" must be an absolute path`,
      )
    await stat(source).catch(() => mkdir(source, { recursive: true }))
    const opts = mode.split(',').filter(Boolean)
    out.push({
      destination,
      type: 'bind',
      source,
      options: ['rbind', opts.includes('ro') ? 'ro' : 'rw', 'rprivate'],
    })
  }
  return out
}

function tmpfsMounts(tmpfs: Record<string, string>): OciMount[] {
  return Object.entries(tmpfs).map(([destination, opts]) => ({
    destination,
    type: 'tmpfs',
    source: 'tmpfs',
    options: ['nosuid', 'nodev', 'noexec', ...opts.split(',').filter(Boolean)],
  }))
}

function parseSecurityOpt(opts: string[]): {
  noNewPrivileges: boolean
  seccomp: OciSpecInput['seccomp']
  unmask: boolean
} {
  let noNewPrivileges = false
  let seccomp: OciSpecInput['seccomp'] = 'default'
  let unmask = false
  for (const o of opts) {
    const [k = '', v = 'true'] = o.includes('=') ? o.split(/=(.*)/s) : o.split(/:(.*)/s)
    if (k === 'no-new-privileges') noNewPrivileges = v !== 'false'
    else if (k === 'seccomp' && v === 'unconfined') seccomp = 'unconfined'
    // The docker CLI sends the profile file's content (JSON); resolved against the caps in oci-spec.
    else if (k === 'seccomp' && v.trimStart().startsWith('{')) seccomp = { dockerProfile: v }
    else if (k === 'seccomp' && v === 'builtin') seccomp = 'default'
    else if (k === 'seccomp')
      throw new InvalidArgumentError(`opening seccomp profile (${v}) failed: not a JSON profile`)
    else if (k === 'systempaths' && v === 'unconfined') unmask = true
    else if (k === 'apparmor' || k === 'label') continue
    else throw new InvalidArgumentError(`invalid --security-opt: ${o}`)
  }
  return { noNewPrivileges, seccomp, unmask }
}

/** The host config's cgroup limits as OCI spec input (also what `update` applies). */
export function resourcesOf(hc: HostConfig): NonNullable<OciSpecInput['resources']> {
  return {
    memory: hc.Memory || undefined,
    memorySwap: hc.MemorySwap || undefined,
    memoryReservation: hc.MemoryReservation || undefined,
    memorySwappiness:
      typeof hc.MemorySwappiness === 'number' && hc.MemorySwappiness >= 0 ? hc.MemorySwappiness : undefined,
    cpuShares: hc.CpuShares || undefined,
    cpuPeriod: hc.CpuPeriod || undefined,
    cpuQuota: hc.CpuQuota || undefined,
    nanoCpus: hc.NanoCpus || undefined,
    cpusetCpus: hc.CpusetCpus || undefined,
    cpusetMems: (hc.CpusetMems as string | undefined) || undefined,
    pidsLimit: hc.PidsLimit ?? undefined,
    blkioWeight: (hc.BlkioWeight as number | undefined) || undefined,
    oomKillDisable: hc.OomKillDisable || undefined,
  }
}

/** `host`, `container:<ref>` (the other container's namespace) or a new one. */
function namespaceOf(
  mode: string | undefined,
  kind: 'pid' | 'ipc',
  ctx: BundleContext,
): NamespaceMode | undefined {
  if (mode === 'host') return { mode: 'host' }
  if (mode?.startsWith('container:') && ctx.peerPid)
    return { mode: 'path', path: `/proc/${ctx.peerPid(mode.slice('container:'.length))}/ns/${kind}` }
  return undefined
}
