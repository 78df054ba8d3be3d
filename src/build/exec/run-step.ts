// RUN in a real container: created from the step's parent image through ContainerService (so it
// gets Docker's OCI spec, /etc files and mounts), its output streamed from the log as it runs,
// its writable layer committed as the step's image, and the container removed in every case
// (with its anonymous volumes). Does not decide cache keys or print step headers.
import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import type { ContainerIoService, ContainerService, HostConfig } from '../../container/index.ts'
import type { ImageService, ImageView } from '../../image/index.ts'
import { packUpperDir } from '../../image/index.ts'
import { messageOf } from '../../lib/errors.ts'
import type { Logger } from '../../lib/log.ts'
import type { ImageConfigConfig } from '../../oci/index.ts'

export interface RunDeps {
  containers: ContainerService
  io: ContainerIoService
  images: ImageService
  log: Logger
}

/** One mount of the RUN container (HostConfig.Mounts shape). */
export interface RunMountSpec {
  Type: 'bind' | 'tmpfs'
  Source?: string
  Target: string
  ReadOnly?: boolean
  TmpfsOptions?: { SizeBytes?: number; Mode?: number }
}

export interface RunRequest {
  imageId: string
  /** The image's run config; Env/User/WorkingDir apply to the command. */
  config: ImageConfigConfig
  cmd: string[]
  /** Extra environment (build args in scope), not persisted in the image. */
  env: string[]
  networkMode: string
  extraHosts: string[]
  mounts: RunMountSpec[]
  /** Container paths left out of the committed layer (mount points this step made). */
  exclude: string[]
  /** Keep the container after the step (Docker's rm=false; forcerm=false keeps failed ones). */
  keep: { onSuccess: boolean; onFailure: boolean }
  onStarted: (containerId: string) => void
  onOutput: (data: Buffer) => void
  signal?: AbortSignal
}

/** Files the runtime creates as mount points for the container's /etc files. */
const MOUNT_STUBS = ['/etc/hostname', '/etc/hosts', '/etc/resolv.conf']

/** Runs the command; returns its exit code and, on success, the committed step image. The
 *  container is removed before this returns unless `keep` says otherwise. */
export async function runStep(
  d: RunDeps,
  req: RunRequest,
  commit: (layer: NodeJS.ReadableStream & AsyncIterable<Uint8Array>, layerDir?: string) => Promise<ImageView>,
): Promise<{ exitCode: number; removed: boolean; image?: ImageView }> {
  const { id } = await d.containers.create({
    config: {
      Hostname: '',
      Domainname: '',
      User: req.config.User ?? '',
      AttachStdin: false,
      AttachStdout: true,
      AttachStderr: true,
      Tty: false,
      OpenStdin: false,
      StdinOnce: false,
      Env: [...(req.config.Env ?? []), ...req.env],
      Cmd: req.cmd,
      Image: req.imageId,
      Volumes: null,
      WorkingDir: req.config.WorkingDir ?? '',
      Entrypoint: [],
      OnBuild: null,
      Labels: {},
    },
    hostConfig: hostConfigFor(req),
  })
  let keep = false
  try {
    req.onStarted(id)
    const exited = d.containers.wait(id, 'next-exit', req.signal)
    // Settled below; without a handler an abort before then would be an unhandled rejection.
    exited.catch(() => undefined)
    await d.containers.start(id)
    const logs = d.io.logs(id, { follow: true, signal: req.signal })
    for await (const batch of logs.entries) for (const e of batch) req.onOutput(e.data)
    const { StatusCode } = await exited
    if (StatusCode !== 0) {
      keep = req.keep.onFailure
      return { exitCode: StatusCode, removed: !keep }
    }
    keep = req.keep.onSuccess
    const fs = await d.images.rootfs(id)
    if (keep)
      return {
        exitCode: 0,
        removed: false,
        image: await commit(packUpperDir(fs.upperDir, [...MOUNT_STUBS, ...req.exclude])),
      }
    await d.images.unmountRootfs(id)
    // The runtime's mount-point stubs are not part of the step: drop them from the upper
    // directory, which then becomes the layer as it is (no unpacking of the tar again).
    for (const stub of [...MOUNT_STUBS, ...req.exclude]) await rm(join(fs.upperDir, stub), { force: true })
    return { exitCode: 0, removed: true, image: await commit(packUpperDir(fs.upperDir), fs.upperDir) }
  } finally {
    if (!keep)
      await d.containers
        .remove(id, { force: true, volumes: true })
        .catch((err) => d.log.warn('removing build container failed', { id, err: messageOf(err) }))
  }
}

function hostConfigFor(req: RunRequest): HostConfig {
  return {
    Binds: null,
    NetworkMode: req.networkMode,
    PortBindings: {},
    RestartPolicy: { Name: 'no', MaximumRetryCount: 0 },
    AutoRemove: false,
    CapAdd: null,
    CapDrop: null,
    Dns: [],
    DnsOptions: [],
    DnsSearch: [],
    ExtraHosts: req.extraHosts.length > 0 ? req.extraHosts : null,
    Privileged: false,
    ReadonlyRootfs: false,
    SecurityOpt: null,
    ShmSize: 64 * 1024 * 1024,
    Memory: 0,
    MemorySwap: 0,
    MemoryReservation: 0,
    NanoCpus: 0,
    CpuShares: 0,
    CpuPeriod: 0,
    CpuQuota: 0,
    CpusetCpus: '',
    Ulimits: null,
    OomScoreAdj: 0,
    LogConfig: { Type: 'k8s-file', Config: {} },
    Mounts: req.mounts,
  }
}
