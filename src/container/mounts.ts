// A container's mounts: resolves `-v` binds, HostConfig.Mounts (--mount), --volumes-from and
// anonymous volumes (Config.Volumes, the image's VOLUME) into MountPoints at create; mounts the
// volumes (with copy-up from the image) at start; turns MountPoints into OCI mounts; and removes
// anonymous volumes with the container. Also resolves container paths across those mounts
// without letting a symlink or `..` leave the container. Does not parse CLI strings (--mount CSV).
import { chmod, chown, lstat, mkdir, readdir, stat } from 'node:fs/promises'
import { isAbsolute, join, posix } from 'node:path'
import { InvalidArgumentError, messageOf } from '../lib/errors.ts'
import type { Logger } from '../lib/log.ts'
import { extractTar, packDirectory } from '../lib/tar/index.ts'
import type { VolumeService } from '../volume/index.ts'
import { hostPathOf, type RootView, resolveInContainer } from './container-paths.ts'
import type { OciMount } from './oci-spec.ts'
import type { ContainerConfig, ContainerRecord, HostConfig } from './types.ts'

/** One mount of a container, persisted on its record (Docker's MountPoint). */
export interface MountPoint {
  type: 'bind' | 'volume' | 'tmpfs'
  /** Volume name (type volume). */
  name?: string
  /** Host path: the bind source or the volume's data directory; '' for tmpfs. */
  source: string
  destination: string
  driver?: string
  /** The mode as the user wrote it ("ro", "z", …), as inspect shows it. */
  mode: string
  rw: boolean
  propagation: string
  /** Created for this container (Config.Volumes, -v /path, --mount without source). */
  anonymous?: boolean
  /** Copy the image's content at `destination` into the volume when it is first mounted. */
  copyData?: boolean
  tmpfs?: { sizeBytes?: number; mode?: number }
  /** --mount volume-subpath: the path inside the volume that is mounted instead of its root. */
  subpath?: string
  /** --mount bind-recursive: whether submounts come along, and whether read-only reaches them. */
  bindRecursive?: BindRecursive
}

/** enabled: submounts too, read-only applied recursively where the kernel can (Docker ≥ 25);
 *  disabled: no submounts; writable: submounts stay writable; readonly: recursive or fail. */
export type BindRecursive = 'enabled' | 'disabled' | 'writable' | 'readonly'

/** Host paths of mounted volume subpaths, resolved at every start (never persisted). */
const subpathSources = new WeakMap<MountPoint, string>()
/** Bind mounts whose source is not a directory (seen by mountAll): no submounts, so no "rro". */
const fileSources = new WeakSet<MountPoint>()

const PROPAGATIONS = new Set(['private', 'rprivate', 'shared', 'rshared', 'slave', 'rslave'])
const ANONYMOUS_OK = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/

type WithMounts = ContainerRecord & { mountPoints?: MountPoint[] }

/** The record's mounts; undefined for records created before mounts were resolved at create. */
export function mountPointsOf(rec: ContainerRecord): MountPoint[] | undefined {
  return (rec as WithMounts).mountPoints
}

export function setMountPoints(rec: ContainerRecord, mps: MountPoint[]): void {
  ;(rec as WithMounts).mountPoints = mps
}

export interface ResolveDeps {
  volumes: VolumeService
  /** Finds another container (for --volumes-from). @throws NotFoundError. */
  container: (ref: string) => ContainerRecord
}

function cleanDestination(dst: string, kind: string): string {
  if (dst === '')
    throw new InvalidArgumentError(`invalid mount config for type "${kind}": field Target must not be empty`)
  if (!dst.startsWith('/'))
    throw new InvalidArgumentError(
      `invalid mount config for type "${kind}": invalid mount path: '${dst}' mount path must be absolute`,
    )
  const clean = posix.normalize(dst).replace(/(.)\/+$/, '$1')
  if (clean === '/') throw new InvalidArgumentError(`invalid specification: destination can't be '/'`)
  return clean
}

/** Docker's `-v src:dst[:mode]` (HostConfig.Binds) as a MountPoint (volumes not yet created).
 *  A bare destination (`/data`, as docker-py and Compose send) is an anonymous volume. */
export function parseBind(spec: string): MountPoint {
  const parts = spec.split(':')
  if (parts.length === 1 && spec !== '') {
    let destination: string
    try {
      destination = cleanDestination(spec, 'volume')
    } catch (err) {
      throw new InvalidArgumentError(`invalid volume specification: '${spec}': ${messageOf(err)}`)
    }
    const anon = { source: '', destination, driver: 'local', mode: '', rw: true, propagation: '' }
    return { type: 'volume', ...anon, anonymous: true, copyData: true }
  }
  if (parts.length < 2 || parts.length > 3 || parts.some((p) => p === ''))
    throw new InvalidArgumentError(`invalid volume specification: '${spec}'`)
  const [source = '', dst = '', mode = ''] = parts
  const bind = isAbsolute(source)
  const kind = bind ? 'bind' : 'volume'
  let destination: string
  try {
    destination = cleanDestination(dst, kind)
  } catch (err) {
    throw new InvalidArgumentError(`invalid volume specification: '${spec}': ${messageOf(err)}`)
  }
  const modes = mode.split(',').filter(Boolean)
  const propagation = modes.find((m) => PROPAGATIONS.has(m)) ?? ''
  if (!validModes(modes))
    throw new InvalidArgumentError(`invalid volume specification: '${spec}': invalid mode: ${mode}`)
  const rw = !modes.includes('ro')
  if (bind)
    return {
      type: 'bind',
      source: posix.normalize(source),
      destination,
      mode,
      rw,
      propagation: propagation || 'rprivate',
    }
  if (propagation !== '')
    throw new InvalidArgumentError(`invalid volume specification: '${spec}': invalid mode: ${mode}`)
  return {
    type: 'volume',
    name: source,
    source: '',
    destination,
    driver: 'local',
    mode: mode || 'z',
    rw,
    propagation: '',
    copyData: !modes.includes('nocopy'),
  }
}

/** moby's linuxValidMountMode: each option belongs to one class (rw, SELinux label,
 *  propagation, copy, consistency) and each class appears at most once. The consistency modes
 *  (macOS Compose files) are accepted and ignored on Linux, as Docker does. */
function validModes(modes: string[]): boolean {
  const counts = new Map<string, number>()
  for (const m of modes) {
    const cls = MODE_CLASSES.find(([, set]) => set.has(m))?.[0]
    if (cls === undefined) return false
    counts.set(cls, (counts.get(cls) ?? 0) + 1)
  }
  return [...counts.values()].every((n) => n === 1)
}

const MODE_CLASSES: [string, Set<string>][] = [
  ['rw', new Set(['ro', 'rw'])],
  ['label', new Set(['z', 'Z'])],
  ['propagation', PROPAGATIONS],
  ['copy', new Set(['nocopy'])],
  ['consistency', new Set(['consistent', 'cached', 'delegated'])],
]

type Obj = Record<string, unknown>

/** One HostConfig.Mounts entry (--mount), validated as moby's validateMountConfig does. */
export async function parseApiMount(
  m: Obj,
): Promise<MountPoint & { labels?: Record<string, string>; driverOptions?: Record<string, string> }> {
  const type = typeof m.Type === 'string' ? m.Type : ''
  if (type !== 'bind' && type !== 'volume' && type !== 'tmpfs')
    throw new InvalidArgumentError(`invalid mount config: mount type unknown: "${type}"`)
  const fail = (msg: string) => new InvalidArgumentError(`invalid mount config for type "${type}": ${msg}`)
  const destination = cleanDestination(typeof m.Target === 'string' ? m.Target : '', type)
  const source = typeof m.Source === 'string' ? m.Source : ''
  const rw = m.ReadOnly !== true
  const bindOpts = (m.BindOptions ?? undefined) as Obj | undefined
  const volOpts = (m.VolumeOptions ?? undefined) as Obj | undefined
  const tmpfsOpts = (m.TmpfsOptions ?? undefined) as Obj | undefined
  if (type !== 'bind' && bindOpts) throw fail('field BindOptions must not be specified')
  if (type !== 'volume' && volOpts) throw fail('field VolumeOptions must not be specified')
  if (type !== 'tmpfs' && tmpfsOpts) throw fail('field TmpfsOptions must not be specified')
  if (type === 'bind') {
    if (source === '') throw fail('field Source must not be empty')
    if (!isAbsolute(source)) throw fail(`invalid mount path: '${source}' mount path must be absolute`)
    const exists = await stat(source).then(
      () => true,
      () => false,
    )
    if (!exists && bindOpts?.CreateMountpoint !== true)
      throw fail(`bind source path does not exist: ${source}`)
    const propagation =
      typeof bindOpts?.Propagation === 'string' && bindOpts.Propagation ? bindOpts.Propagation : 'rprivate'
    if (!PROPAGATIONS.has(propagation)) throw fail(`invalid propagation mode: ${propagation}`)
    const bindRecursive = bindRecursiveOf(bindOpts, rw, propagation, fail)
    return {
      type,
      source: posix.normalize(source),
      destination,
      mode: '',
      rw,
      propagation,
      ...(bindRecursive === 'enabled' ? {} : { bindRecursive }),
    }
  }
  if (type === 'tmpfs') {
    if (source !== '') throw fail('field Source must not be specified')
    const sizeBytes =
      typeof tmpfsOpts?.SizeBytes === 'number' && tmpfsOpts.SizeBytes > 0 ? tmpfsOpts.SizeBytes : undefined
    const mode = typeof tmpfsOpts?.Mode === 'number' && tmpfsOpts.Mode > 0 ? tmpfsOpts.Mode : undefined
    return { type, source: '', destination, mode: '', rw, propagation: '', tmpfs: { sizeBytes, mode } }
  }
  if (source !== '' && !ANONYMOUS_OK.test(source)) throw fail(`invalid volume name: ${source}`)
  const subpath = typeof volOpts?.Subpath === 'string' && volOpts.Subpath !== '' ? volOpts.Subpath : undefined
  if (subpath !== undefined) {
    const clean = posix.normalize(subpath)
    if (posix.isAbsolute(subpath) || clean === '..' || clean.startsWith('../'))
      throw fail('subpath must be a relative path within the volume')
    if (source === '') throw fail('subpath requires a named volume')
  }
  const driverConfig = (volOpts?.DriverConfig ?? undefined) as Obj | undefined
  return {
    type,
    name: source || undefined,
    source: '',
    destination,
    driver: 'local',
    mode: 'z',
    rw,
    propagation: '',
    anonymous: source === '',
    copyData: volOpts?.NoCopy !== true && subpath === undefined,
    ...(subpath === undefined ? {} : { subpath: posix.normalize(subpath) }),
    labels: (volOpts?.Labels as Record<string, string> | undefined) ?? undefined,
    driverOptions: (driverConfig?.Options as Record<string, string> | undefined) ?? undefined,
  }
}

/** moby's validation of BindOptions, as the recursion mode berth applies. */
function bindRecursiveOf(
  o: Obj | undefined,
  rw: boolean,
  propagation: string,
  fail: (msg: string) => Error,
): BindRecursive {
  const nonRecursive = o?.NonRecursive === true
  const roNonRecursive = o?.ReadOnlyNonRecursive === true
  const roForce = o?.ReadOnlyForceRecursive === true
  if (roNonRecursive) {
    if (rw) throw fail("option 'ReadOnlyNonRecursive' requires 'ReadOnly' to be specified")
    if (roForce) throw fail("option 'ReadOnlyForceRecursive' conflicts with 'ReadOnlyNonRecursive'")
  }
  if (roForce) {
    if (rw) throw fail("option 'ReadOnlyForceRecursive' requires 'ReadOnly' to be specified")
    if (nonRecursive) throw fail("option 'ReadOnlyForceRecursive' conflicts with 'NonRecursive'")
    if (propagation !== 'rprivate')
      throw fail(
        "option 'ReadOnlyForceRecursive' requires 'BindOptions.Propagation' to be specified to 'rprivate'",
      )
  }
  if (nonRecursive) return 'disabled'
  if (roNonRecursive) return 'writable'
  if (roForce) return 'readonly'
  return 'enabled'
}

/** Docker's `--volumes-from id[:ro|rw]`: the other container's mounts, RW overridden by the mode. */
function volumesFrom(spec: string, deps: ResolveDeps): MountPoint[] {
  const i = spec.lastIndexOf(':')
  const ref = i > 0 ? spec.slice(0, i) : spec
  const mode = i > 0 ? spec.slice(i + 1) : ''
  if (mode !== '' && mode !== 'ro' && mode !== 'rw')
    throw new InvalidArgumentError(`invalid mode for volumes-from: ${mode}`)
  const other = deps.container(ref)
  return (mountPointsOf(other) ?? []).map((mp) => ({
    ...mp,
    rw: mode === '' ? mp.rw : mode === 'rw',
    anonymous: false, // owned by the other container: rm -v here must never delete it
    copyData: false,
  }))
}

/**
 * Resolves every mount of a container being created, creating named volumes on demand and
 * anonymous volumes for Config.Volumes. Precedence as Docker's: --volumes-from, then Binds and
 * Mounts (a destination in both is an error), then Config.Volumes where nothing else is
 * mounted (nor a --tmpfs). On failure, the anonymous volumes it created are removed again.
 * @throws InvalidArgumentError for a bad spec; NotFoundError for a --volumes-from container.
 */
export async function resolveMounts(
  config: ContainerConfig,
  hc: HostConfig,
  deps: ResolveDeps,
): Promise<MountPoint[]> {
  const byDest = new Map<string, MountPoint>()
  for (const spec of (hc.VolumesFrom as string[] | null | undefined) ?? [])
    for (const mp of volumesFrom(spec, deps)) byDest.set(mp.destination, mp)
  const explicit = new Set<string>()
  const wanted: Array<
    MountPoint & { labels?: Record<string, string>; driverOptions?: Record<string, string> }
  > = []
  for (const spec of hc.Binds ?? []) wanted.push(parseBind(spec))
  for (const m of (hc.Mounts as Obj[] | null | undefined) ?? []) wanted.push(await parseApiMount(m))
  for (const mp of wanted) {
    if (explicit.has(mp.destination))
      throw new InvalidArgumentError(`Duplicate mount point: ${mp.destination}`)
    explicit.add(mp.destination)
    byDest.set(mp.destination, mp)
  }
  const tmpfs = new Set(Object.keys(hc.Tmpfs ?? {}).map((d) => posix.normalize(d)))
  for (const dst of Object.keys(config.Volumes ?? {})) {
    const destination = cleanDestination(dst, 'volume')
    if (byDest.has(destination) || tmpfs.has(destination)) continue
    byDest.set(destination, {
      type: 'volume',
      source: '',
      destination,
      driver: 'local',
      mode: '',
      rw: true,
      propagation: '',
      anonymous: true,
      copyData: true,
    })
  }
  const created: string[] = []
  try {
    const out: MountPoint[] = []
    for (const mp of byDest.values()) {
      const { labels, driverOptions, ...plain } = mp as (typeof wanted)[number]
      if (plain.type === 'volume' && plain.source === '') {
        const v = await deps.volumes.create({ name: plain.name, labels, options: driverOptions })
        if (!plain.name) created.push(v.name)
        plain.name = v.name
        plain.source = v.mountpoint
        plain.anonymous = plain.anonymous || created.includes(v.name)
      }
      out.push(plain)
    }
    return out
  } catch (err) {
    for (const name of created) await deps.volumes.remove(name).catch(() => undefined)
    throw err
  }
}

/**
 * Mounts the container's volumes and prepares its binds before the runtime starts it: volumes
 * are mounted (driver filesystems, events) and filled from the image on first use; a missing
 * `-v` bind source is created as Docker does (a --mount one was rejected at create).
 * On failure, everything mounted so far is unmounted again.
 */
export async function mountAll(
  rec: ContainerRecord,
  rootfs: string,
  deps: { volumes: VolumeService; log: Logger },
): Promise<{ copied: boolean }> {
  const mps = mountPointsOf(rec) ?? []
  let copied = false
  const mounted: string[] = []
  try {
    for (const mp of mps) {
      if (mp.type === 'bind') {
        const st = await stat(mp.source).catch(() => undefined)
        if (st === undefined) await mkdir(mp.source, { recursive: true })
        else if (!st.isDirectory()) fileSources.add(mp)
        continue
      }
      if (mp.type !== 'volume' || !mp.name) continue
      const data = await deps.volumes.mount(mp.name, {
        containerId: rec.id,
        destination: mp.destination,
        rw: mp.rw,
        propagation: mp.propagation,
      })
      mounted.push(mp.name)
      if (mp.subpath !== undefined) subpathSources.set(mp, await subpathSource(data, mp.subpath))
      if (mp.copyData) {
        await copyUp(rootfs, mp.destination, data)
        mp.copyData = false
        copied = true
      }
    }
  } catch (err) {
    for (const name of mounted)
      await deps.volumes.unmount(name, { containerId: rec.id }).catch(() => undefined)
    throw err
  }
  return { copied }
}

/** Releases the container's volumes (after it stopped or failed to start). Idempotent. */
export async function unmountAll(
  rec: ContainerRecord,
  deps: { volumes: VolumeService; log: Logger },
): Promise<void> {
  for (const mp of mountPointsOf(rec) ?? []) {
    if (mp.type !== 'volume' || !mp.name) continue
    await deps.volumes
      .unmount(mp.name, { containerId: rec.id })
      .catch((e) =>
        deps.log.warn('volume unmount failed', { id: rec.id, volume: mp.name, err: messageOf(e) }),
      )
  }
}

/** `rm -v` and AutoRemove: deletes the container's anonymous volumes no other container uses
 *  (never a named one). Call after the container's record is gone. */
export async function removeAnonymousVolumes(
  mps: MountPoint[],
  deps: { volumes: VolumeService; log: Logger },
): Promise<void> {
  for (const mp of mps) {
    if (mp.type !== 'volume' || !mp.anonymous || !mp.name) continue
    if (deps.volumes.usedBy(mp.name).length > 0) continue
    await deps.volumes
      .remove(mp.name)
      .catch((e) => deps.log.warn('removing anonymous volume failed', { volume: mp.name, err: messageOf(e) }))
  }
}

/** Docker's copy-up: the image's content at `destination` fills an empty volume, owner and mode
 *  of the directory included. Nothing happens when the volume has data or the path is no directory. */
/** The host path of a volume subpath, resolved inside the volume (a symlink cannot leave it).
 *  @throws InvalidArgumentError when it does not exist. */
async function subpathSource(data: string, subpath: string): Promise<string> {
  const view: RootView = { root: data, mounts: [] }
  const host = hostPathOf(view, await resolveInContainer(view, subpath, { followLast: true }))
  await stat(host).catch(() => {
    throw new InvalidArgumentError(`cannot access path ${host}: no such file or directory`)
  })
  return host
}

async function copyUp(rootfs: string, destination: string, data: string): Promise<void> {
  if ((await readdir(data)).length > 0) return
  const view: RootView = { root: rootfs, mounts: [] }
  const resolved = await resolveInContainer(view, destination, { followLast: true })
  const src = hostPathOf(view, resolved)
  const st = await lstat(src).catch(() => undefined)
  if (!st?.isDirectory()) return
  await extractTar(packDirectory(src), data, { sameOwner: true })
  await chown(data, st.uid, st.gid)
  await chmod(data, st.mode & 0o7777)
}

/** OCI mounts for the MountPoints, parents before children (Docker sorts by depth). */
export function ociMounts(mps: MountPoint[]): OciMount[] {
  const depth = (p: string) => p.split('/').length
  return [...mps]
    .sort((a, b) => depth(a.destination) - depth(b.destination))
    .map((mp): OciMount => {
      if (mp.type === 'tmpfs') {
        const options = ['nosuid', 'nodev', 'noexec', mp.rw ? 'rw' : 'ro']
        if (mp.tmpfs?.sizeBytes) options.push(`size=${mp.tmpfs.sizeBytes}`)
        if (mp.tmpfs?.mode) options.push(`mode=${mp.tmpfs.mode.toString(8)}`)
        return { destination: mp.destination, type: 'tmpfs', source: 'tmpfs', options }
      }
      const recursive = mp.bindRecursive ?? 'enabled'
      const options = [recursive === 'disabled' ? 'bind' : 'rbind', mp.rw ? 'rw' : 'ro']
      // Recursive read-only (mount_setattr through the runtime's "rro") unless asked to leave
      // submounts; a file has none (and crun 1.8 fails "rro" on a file).
      if (!mp.rw && (recursive === 'enabled' || recursive === 'readonly') && !fileSources.has(mp))
        options.push('rro')
      // A non-recursive bind has no submounts, so its propagation needs no recursion either (crun
      // would take the "r" of "rprivate" as making the bind itself recursive).
      const propagation = mp.propagation || 'rprivate'
      options.push(recursive === 'disabled' ? propagation.replace(/^r/, '') : propagation)
      const source =
        mp.subpath === undefined ? mp.source : (subpathSources.get(mp) ?? join(mp.source, mp.subpath))
      return { destination: mp.destination, type: 'bind', source, options }
    })
}
