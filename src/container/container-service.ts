// ContainerService: the container state machine. Owns records (through ContainerStore), decides
// which transitions are legal, and drives the image rootfs and the Runtime. Logs, attach and
// the exit/restart handling live in their own modules; this file keeps the lifecycle.
import { mkdir, rm } from 'node:fs/promises'
import { hostname as osHostname } from 'node:os'
import type { Publisher } from '../events/index.ts'
import type { ImageServiceContract } from '../image/image-service-contract.ts'
import {
  ConflictError,
  InternalError,
  InvalidArgumentError,
  messageOf,
  NotModifiedError,
} from '../lib/errors.ts'
import { newId, shortId } from '../lib/ids.ts'
import type { Logger } from '../lib/log.ts'
import type { EndpointRequest } from '../network/index.ts'
import type { Runtime } from '../runtime/runtime.ts'
import type { VolumeService } from '../volume/index.ts'
import { type HostFacts, resourcesOf, writeBundle } from './bundle.ts'
import { mergeImageConfig, processArgs } from './config-merge.ts'
import { NameInUseError, NotRunningError, startFailure } from './errors.ts'
import { writeEtcFiles } from './etc-files.ts'
import { validateHealthcheck } from './health.ts'
import { validateHostConfig } from './host-config-checks.ts'
import { filterContainers, type ListOptions } from './list.ts'
import { logSizeLimit } from './log-options.ts'
import {
  type MountPoint,
  mountAll,
  mountPointsOf,
  removeAnonymousVolumes,
  resolveMounts,
  setMountPoints,
  unmountAll,
} from './mounts.ts'
import { generateName, normaliseName } from './names.ts'
import type { NetworkAttach } from './network-attach.ts'
import { type NamespaceMode, resourceLimits } from './oci-spec.ts'
import { normaliseSignal, signalNumber } from './signals.ts'
import type { ContainerStore } from './store.ts'
import {
  type ContainerConfig,
  type ContainerRecord,
  type HostConfig,
  initialState,
  ZERO_TIME,
} from './types.ts'
import { changesResources, mergeUpdate, type UpdateRequest } from './update.ts'
import { Waiters } from './waiters.ts'

export interface ContainerServiceDeps {
  store: ContainerStore
  images: ImageServiceContract
  volumes: VolumeService
  runtime: Runtime
  publisher: Publisher
  log: Logger
  /** Directory for OCI bundles (under the exec root). */
  bundleRoot: string
  /** Path of a static tini for --init. */
  initPath: string
  /** Host facts for the OCI spec, read once at daemon start. */
  host: HostFacts
  /** Networking (bridge endpoints, ports, /etc/hosts); without it containers get a private
   *  namespace with loopback only. */
  network?: NetworkAttach
}

export interface CreateSpec {
  name?: string
  config: ContainerConfig
  hostConfig: HostConfig
  /** NetworkingConfig.EndpointsConfig of the create body, by network name or id. */
  endpoints?: Record<string, EndpointRequest>
}

export type WaitCondition = 'not-running' | 'next-exit' | 'removed'

/** What onLifecycle listeners hear about, after the record holds the new state. */
export type LifecycleChange = 'start' | 'exit' | 'pause' | 'unpause' | 'remove'

export class ContainerService {
  readonly #d: ContainerServiceDeps
  readonly #locks = new Map<string, Promise<unknown>>()
  readonly waiters = new Waiters()
  readonly #lifecycle = new Set<(rec: ContainerRecord, change: LifecycleChange) => void>()

  constructor(deps: ContainerServiceDeps) {
    this.#d = deps
  }

  get deps(): ContainerServiceDeps {
    return this.#d
  }

  /** Serialises operations on one container (start vs. exit handling vs. remove). */
  withLock<T>(id: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.#locks.get(id) ?? Promise.resolve()
    const next = prev.then(fn, fn)
    const tail = next.catch(() => undefined)
    this.#locks.set(id, tail)
    void tail.then(() => {
      if (this.#locks.get(id) === tail) this.#locks.delete(id)
    })
    return next
  }

  /** Calls fn synchronously after each start, exit, pause, unpause and removal, until the
   *  returned function is called. fn must not throw or block (health probers hook here). */
  onLifecycle(fn: (rec: ContainerRecord, change: LifecycleChange) => void): () => void {
    this.#lifecycle.add(fn)
    return () => this.#lifecycle.delete(fn)
  }

  #changed(rec: ContainerRecord, change: LifecycleChange): void {
    for (const fn of this.#lifecycle) fn(rec, change)
  }

  get(ref: string): ContainerRecord {
    return this.#d.store.get(ref)
  }

  all(): ContainerRecord[] {
    return this.#d.store.all()
  }

  list(opts: Omit<ListOptions, 'lookup'>): ContainerRecord[] {
    return filterContainers(this.#d.store.all(), { ...opts, lookup: (r) => this.#d.store.get(r) })
  }

  async create(spec: CreateSpec): Promise<{ id: string; warnings: string[] }> {
    const { store, images } = this.#d
    const name = spec.name
      ? normaliseName(spec.name)
      : `/${generateName((n) => store.idByName(n) !== undefined)}`
    const taken = store.idByName(name)
    if (taken) throw new NameInUseError(name.slice(1), taken)
    const image = await images.resolve(spec.config.Image)
    validateHostConfig(spec.hostConfig)
    validateHealthcheck(spec.config.Healthcheck)
    const networking = this.#d.network?.forCreate(spec.hostConfig, spec.endpoints)
    const id = newId()
    store.reserveName(name, id)
    let mountPoints: MountPoint[] = []
    try {
      const config = mergeImageConfig(spec.config, image.config)
      // dockerd's newContainer: a host-network container is named after the host.
      if (!config.Hostname)
        config.Hostname = spec.hostConfig.NetworkMode === 'host' ? osHostname() : shortId(id)
      const paths = store.paths(id)
      const { path, args } = processArgs(config)
      const rec: ContainerRecord = {
        id,
        name,
        created: new Date().toISOString(),
        path,
        args,
        imageId: image.id,
        config,
        hostConfig: spec.hostConfig,
        state: initialState(),
        restartCount: 0,
        logPath: paths.log,
        hostnamePath: paths.hostname,
        hostsPath: paths.hosts,
        resolvConfPath: paths.resolvConf,
        networking,
      }
      await mkdir(paths.dir, { recursive: true })
      await images.createRootfs(image.id, id)
      mountPoints = await resolveMounts(config, spec.hostConfig, {
        volumes: this.#d.volumes,
        container: (ref) => store.get(ref),
      })
      setMountPoints(rec, mountPoints)
      await writeEtcFiles(rec)
      await store.save(rec)
      this.#d.publisher.publish('container', 'create', id, this.#attrs(rec))
      return { id, warnings: [] }
    } catch (err) {
      store.releaseName(name)
      await removeAnonymousVolumes(mountPoints, this.#d)
      await this.#d.images.removeRootfs(id).catch(() => undefined)
      await rm(store.paths(id).dir, { recursive: true, force: true })
      throw err
    }
  }

  /** @throws NotModifiedError when already running; ConflictError when paused. */
  start(ref: string): Promise<void> {
    const rec = this.get(ref)
    return this.withLock(rec.id, () => this.#start(rec))
  }

  async #start(rec: ContainerRecord): Promise<void> {
    if (rec.state.status === 'running' || rec.state.status === 'restarting')
      throw new NotModifiedError('container already started')
    if (rec.state.status === 'paused')
      throw new ConflictError('cannot start a paused container, try unpause instead')
    if (rec.state.status === 'removing' || rec.state.status === 'dead')
      throw new ConflictError(`container is marked for removal and cannot be started`)
    const { images, runtime } = this.#d
    let task = false
    try {
      const t0 = performance.now()
      const rootfs = await images.mountRootfs(rec.id)
      // Copy-up happens once: the record remembers it (saved below with the new state).
      await mountAll(rec, rootfs, this.#d)
      await this.#d.network?.reserve(rec)
      const t1 = performance.now()
      const bundle = await writeBundle(rec, rootfs, {
        bundleRoot: this.#d.bundleRoot,
        network: this.#netnsOf(rec),
        initPath: this.#d.initPath,
        host: this.#d.host,
        peerPid: (ref) => this.#peerPid(rec, ref),
      })
      await runtime.delete(rec.id, { force: true })
      const t2 = performance.now()
      task = true
      const { pid } = await runtime.create(rec.id, {
        bundle,
        tty: rec.config.Tty,
        openStdin: rec.config.OpenStdin,
        stdinOnce: rec.config.StdinOnce,
        logPath: rec.logPath,
        logSizeMax: logSizeLimit(rec.hostConfig.LogConfig.Type, rec.hostConfig.LogConfig.Config),
      })
      await this.#d.network?.plumb(rec, pid)
      const t3 = performance.now()
      await runtime.start(rec.id)
      const t4 = performance.now()
      this.#d.log.debug('container started', {
        id: rec.id,
        mountMs: ms(t1 - t0),
        bundleMs: ms(t2 - t1),
        createMs: ms(t3 - t2),
        startMs: ms(t4 - t3),
      })
      rec.state = {
        ...rec.state,
        status: 'running',
        pid,
        exitCode: 0,
        error: '',
        oomKilled: false,
        startedAt: new Date().toISOString(),
        finishedAt: ZERO_TIME,
        stoppedByUser: false,
      }
      this.#changed(rec, 'start')
      await this.#d.store.save(rec)
      this.#d.publisher.publish('container', 'start', rec.id, this.#attrs(rec))
      this.waiters.notify(rec.id, 'started', 1)
    } catch (err) {
      await this.#cleanupAfterStop(rec)
      const failure = startFailure(err, task)
      rec.state = {
        ...rec.state,
        status: rec.state.startedAt === ZERO_TIME ? 'created' : 'exited',
        pid: 0,
        exitCode: failure.exitCode,
        error: failure.error.message,
      }
      await this.#d.store.save(rec)
      // Docker removes an AutoRemove container whose start failed; clients wait for that.
      if (rec.hostConfig.AutoRemove) await this.removeRecord(rec)
      else this.waiters.notify(rec.id, 'exit', rec.state.exitCode)
      throw failure.error
    }
  }

  /** The init pid of a running container whose pid/ipc namespace `rec` joins. Docker only
   *  lets a container join the IPC namespace of one created with `--ipc shareable`. */
  #peerPid(rec: ContainerRecord, ref: string): number {
    const other = this.get(ref)
    if (other.state.status !== 'running' && other.state.status !== 'paused')
      throw new NotRunningError(other.id)
    if (rec.hostConfig.IpcMode === `container:${ref}` && other.hostConfig.IpcMode !== 'shareable')
      throw new ConflictError(`non-shareable IPC (hint: use IpcMode:shareable for the donor container)`)
    return other.state.pid
  }

  #netnsOf(rec: ContainerRecord): NamespaceMode {
    const mode = rec.hostConfig.NetworkMode || 'default'
    if (mode === 'host') return { mode: 'host' }
    if (mode.startsWith('container:')) {
      const ref = mode.slice('container:'.length)
      const other = this.get(ref)
      if (other.state.status !== 'running' && other.state.status !== 'paused')
        throw new ConflictError(`cannot join network of a non running container: ${ref}`)
      return { mode: 'path', path: `/proc/${other.state.pid}/ns/net` }
    }
    const sysctls = this.#d.network?.namespaceSysctls(rec)
    return sysctls ? { mode: 'new', sysctls } : { mode: 'new' }
  }

  /** Releases what a started container held: runtime record, rootfs mount, network endpoints
   *  (their disconnect events held back with `afterDie`, as Docker reports them after die). Idempotent. */
  async #cleanupAfterStop(rec: ContainerRecord, opts: { afterDie?: boolean } = {}): Promise<void> {
    // Independent steps, run together: this sits on the path of every `run --rm`.
    await Promise.all([
      this.#d.runtime
        .delete(rec.id, { force: true })
        .catch((e) => this.#d.log.warn('runtime delete failed', { id: rec.id, err: messageOf(e) })),
      this.#d.images
        .unmountRootfs(rec.id)
        .catch((e) => this.#d.log.warn('unmount failed', { id: rec.id, err: messageOf(e) })),
      unmountAll(rec, this.#d),
      this.#d.network
        ?.release(rec, { deferEvents: opts.afterDie })
        .catch((e) => this.#d.log.warn('network release failed', { id: rec.id, err: messageOf(e) })),
    ])
  }

  /** Records an exit the runtime reported. Called with the container's lock held. */
  async recordExit(rec: ContainerRecord): Promise<boolean> {
    if (rec.state.status !== 'running' && rec.state.status !== 'paused') return false
    const exit = await this.#d.runtime.exitStatus(rec.id)
    if (!exit) return false
    const cleaned = this.#cleanupAfterStop(rec, { afterDie: true })
    rec.state = {
      ...rec.state,
      status: 'exited',
      pid: 0,
      exitCode: exit.exitCode,
      oomKilled: exit.oomKilled,
      finishedAt: exit.finishedAt.toISOString(),
    }
    this.#changed(rec, 'exit')
    await Promise.all([cleaned, this.#d.store.save(rec)])
    if (exit.oomKilled) this.#d.publisher.publish('container', 'oom', rec.id, this.#attrs(rec))
    this.#d.publisher.publish('container', 'die', rec.id, {
      ...this.#attrs(rec),
      exitCode: String(exit.exitCode),
    })
    this.#d.network?.flushEvents(rec.id)
    this.waiters.notify(rec.id, 'exit', exit.exitCode)
    return true
  }

  async stop(ref: string, opts: { signal?: string; timeout?: number }): Promise<void> {
    const rec = this.get(ref)
    if (
      rec.state.status !== 'running' &&
      rec.state.status !== 'paused' &&
      rec.state.status !== 'restarting'
    ) {
      throw new NotModifiedError('container already stopped')
    }
    await this.stopRecord(rec, opts)
  }

  /** Signal, wait up to the timeout, then SIGKILL (Engine API: t=-1 waits forever). */
  async stopRecord(rec: ContainerRecord, opts: { signal?: string; timeout?: number }): Promise<void> {
    rec.state.stoppedByUser = true
    if (rec.state.status === 'restarting') {
      rec.state.status = 'exited'
      await this.#d.store.save(rec)
      this.waiters.notify(rec.id, 'exit', rec.state.exitCode)
      return
    }
    const signal = opts.signal || rec.config.StopSignal || 'SIGTERM'
    const timeout = opts.timeout ?? rec.config.StopTimeout ?? 10
    const exited = this.waiters.nextExit(rec.id)
    if (rec.state.status === 'paused') await this.#d.runtime.resume(rec.id).catch(() => undefined)
    await this.#signal(rec, signal)
    const done = timeout < 0 ? await exited.then(() => true) : await within(exited, timeout * 1000)
    if (!done) {
      await this.#signal(rec, 'SIGKILL')
      await within(exited, 10_000)
    }
    this.#d.publisher.publish('container', 'stop', rec.id, this.#attrs(rec))
  }

  async #signal(rec: ContainerRecord, signal: string): Promise<void> {
    this.#d.publisher.publish('container', 'kill', rec.id, {
      ...this.#attrs(rec),
      signal: signalNumber(signal),
    })
    try {
      await this.#d.runtime.kill(rec.id, signal)
    } catch (err) {
      // The process may have exited between our check and the signal: that is a success for stop.
      if (await this.#d.runtime.exitStatus(rec.id)) return
      throw err
    }
  }

  async kill(ref: string, signal = 'SIGKILL'): Promise<void> {
    const rec = this.get(ref)
    if (rec.state.status !== 'running' && rec.state.status !== 'paused') {
      throw new ConflictError(`Cannot kill container: ${ref}: Container ${rec.id} is not running`)
    }
    const sig = normaliseSignal(signal)
    if (sig === 'SIGKILL' || sig === rec.config.StopSignal) rec.state.stoppedByUser = true
    await this.#signal(rec, sig)
  }

  async restart(ref: string, opts: { signal?: string; timeout?: number }): Promise<void> {
    const rec = this.get(ref)
    if (rec.state.status === 'running' || rec.state.status === 'paused') await this.stopRecord(rec, opts)
    await this.withLock(rec.id, async () => {
      if (rec.state.status === 'running') return
      await this.#start(rec)
    })
    this.#d.publisher.publish('container', 'restart', rec.id, this.#attrs(rec))
  }

  async pause(ref: string): Promise<void> {
    const rec = this.get(ref)
    if (rec.state.status === 'paused') throw new ConflictError(`Container ${rec.id} is already paused`)
    if (rec.state.status !== 'running') throw new ConflictError(`Container ${rec.id} is not running`)
    await this.#d.runtime.pause(rec.id)
    rec.state.status = 'paused'
    this.#changed(rec, 'pause')
    await this.#d.store.save(rec)
    this.#d.publisher.publish('container', 'pause', rec.id, this.#attrs(rec))
  }

  async unpause(ref: string): Promise<void> {
    const rec = this.get(ref)
    if (rec.state.status !== 'paused') throw new ConflictError(`Container ${rec.id} is not paused`)
    await this.#d.runtime.resume(rec.id)
    rec.state.status = 'running'
    this.#changed(rec, 'unpause')
    await this.#d.store.save(rec)
    this.#d.publisher.publish('container', 'unpause', rec.id, this.#attrs(rec))
  }

  /** `docker update`: new limits and restart policy; a running or paused container's cgroup is
   *  changed at once. @throws InvalidArgumentError (dockerd's checks), ConflictError. */
  update(ref: string, req: UpdateRequest): Promise<{ warnings: string[] }> {
    const rec = this.get(ref)
    return this.withLock(rec.id, async () => {
      if (rec.state.status === 'removing' || rec.state.status === 'dead')
        throw new ConflictError(`Cannot update container ${rec.id}: container is marked for removal`)
      const merged = mergeUpdate(rec.hostConfig, req)
      const live = rec.state.status === 'running' || rec.state.status === 'paused'
      if (live && changesResources(req)) {
        const limits = resourceLimits(resourcesOf(merged), this.#d.host.cgroup)
        await this.#d.runtime.update(rec.id, limits).catch((err) => {
          throw new InternalError(`Cannot update container ${rec.id}: ${messageOf(err)}`, { cause: err })
        })
      }
      rec.hostConfig = merged
      await this.#d.store.save(rec)
      this.#d.publisher.publish('container', 'update', rec.id, this.#attrs(rec))
      return { warnings: [] }
    })
  }

  async rename(ref: string, newName: string): Promise<void> {
    const rec = this.get(ref)
    const name = normaliseName(newName)
    if (name === rec.name)
      throw new InvalidArgumentError(`Renaming a container with the same name as its current name`)
    const taken = this.#d.store.idByName(name)
    if (taken) throw new NameInUseError(name.slice(1), taken)
    const oldName = rec.name
    await this.#d.store.rename(rec, name)
    this.#d.network?.renamed(rec)
    this.#d.publisher.publish('container', 'rename', rec.id, { ...this.#attrs(rec), oldName })
  }

  async remove(ref: string, opts: { force: boolean; volumes: boolean }): Promise<void> {
    const rec = this.get(ref)
    if (
      (rec.state.status === 'running' ||
        rec.state.status === 'paused' ||
        rec.state.status === 'restarting') &&
      !opts.force
    ) {
      const verb =
        rec.state.status === 'paused'
          ? 'paused'
          : rec.state.status === 'restarting'
            ? 'restarting'
            : 'running'
      throw new ConflictError(
        `cannot remove container "${rec.name}": container is ${verb}: stop the container before removing or force remove`,
      )
    }
    if (rec.state.status === 'running' || rec.state.status === 'paused') {
      rec.state.stoppedByUser = true
      const exited = this.waiters.nextExit(rec.id)
      await this.#signal(rec, 'SIGKILL')
      await within(exited, 10_000)
    }
    await this.withLock(rec.id, () => this.removeRecord(rec, { volumes: opts.volumes }))
  }

  /** Deletes a stopped container and everything it owns; with `volumes` (and always for
   *  AutoRemove, as `run --rm`) its anonymous volumes too. Called with the lock held. */
  async removeRecord(rec: ContainerRecord, opts: { volumes?: boolean } = {}): Promise<void> {
    if (!this.#d.store.find(rec.id)) return
    const wasActive = rec.state.status === 'running' || rec.state.status === 'paused'
    rec.state.status = 'removing'
    this.#changed(rec, 'remove')
    if (wasActive) await this.#cleanupAfterStop(rec)
    await Promise.all([
      this.#d.images.removeRootfs(rec.id),
      rm(`${this.#d.bundleRoot}/${rec.id}`, { recursive: true, force: true }),
      this.#d.runtime.delete(rec.id, { force: true }).catch(() => undefined),
    ])
    await this.#d.store.delete(rec.id)
    if (opts.volumes || rec.hostConfig.AutoRemove)
      await removeAnonymousVolumes(mountPointsOf(rec) ?? [], this.#d)
    this.#d.publisher.publish('container', 'destroy', rec.id, this.#attrs(rec))
    this.waiters.notify(rec.id, 'removed', rec.state.exitCode)
  }

  /** Engine API wait. Resolves with the exit code once the condition holds. */
  async wait(
    ref: string,
    condition: WaitCondition,
    signal?: AbortSignal,
  ): Promise<{ StatusCode: number; Error?: { Message: string } }> {
    const rec = this.get(ref)
    const active =
      rec.state.status === 'running' || rec.state.status === 'paused' || rec.state.status === 'restarting'
    if (condition === 'not-running' && !active) return { StatusCode: rec.state.exitCode }
    const p = condition === 'removed' ? this.waiters.removed(rec.id) : this.waiters.nextExit(rec.id)
    const code = await abortable(p, signal)
    return { StatusCode: code }
  }

  attrs(rec: ContainerRecord): Record<string, string> {
    return this.#attrs(rec)
  }

  #attrs(rec: ContainerRecord): Record<string, string> {
    return { ...(rec.config.Labels ?? {}), image: rec.config.Image, name: rec.name.slice(1) }
  }
}

function ms(n: number): number {
  return Math.round(n * 10) / 10
}

/** Resolves true if `p` settles within `ms`, false otherwise; never leaves a timer behind. */
function within(p: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<boolean>((r) => {
    timer = setTimeout(() => r(false), ms)
  })
  return Promise.race([p.then(() => true), timeout]).finally(() => clearTimeout(timer))
}

function abortable<T>(p: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return p
  return new Promise((resolve, reject) => {
    signal.addEventListener('abort', () => reject(new InternalError('client went away')), { once: true })
    p.then(resolve, reject)
  })
}
