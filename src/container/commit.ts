// CommitService: docker commit and docker diff for a container (moby daemon/commit.go,
// daemon/changes.go). Resolves the container, pauses it while its writable layer is archived,
// merges the run config, and publishes `container commit`. The layer and image work is the
// image domain's (ImageServiceContract.commit / rootfsChanges).
import type { Publisher } from '../events/index.ts'
import type { Image, ImageRunConfig, ImageServiceContract, RootfsChange } from '../image/index.ts'
import type { Logger } from '../lib/log.ts'
import type { ContainerService } from './container-service.ts'
import type { ContainerConfig } from './types.ts'

/** Files the runtime creates in the writable layer as mount points for the container's
 *  /etc files (Docker keeps them in its hidden init layer): neither diffed nor committed. */
const MOUNT_STUBS = ['/etc/hostname', '/etc/hosts', '/etc/resolv.conf']

export interface CommitServiceDeps {
  containers: ContainerService
  images: ImageServiceContract
  publisher: Publisher
  log: Logger
}

export interface ContainerCommitOptions {
  /** "repo[:tag]" for the new image; none leaves it untagged. */
  reference?: string
  comment?: string
  author?: string
  /** Pause a running container during the commit (Engine API default true). */
  pause: boolean
  changes?: string[]
  /** Run config from the request body; its empty fields are filled from the container's. */
  config?: ImageRunConfig
}

export class CommitService {
  readonly #d: CommitServiceDeps

  constructor(deps: CommitServiceDeps) {
    this.#d = deps
  }

  /** POST /commit. Holds the container's lock; pauses a running container when `pause` and
   *  unpauses it after, also on failure. Publishes `container commit`.
   *  @throws NoSuchContainerError, NotFoundError (image gone), InvalidArgumentError
   *  (reference, change). */
  async commit(ref: string, opts: ContainerCommitOptions): Promise<Image> {
    const rec = this.#d.containers.get(ref)
    // Under the container's lock: no start, exit handling or removal while its layer is read.
    const img = await this.#d.containers.withLock(rec.id, async () => {
      const pause = opts.pause && rec.state.status === 'running'
      if (pause) await this.#d.containers.pause(rec.id)
      try {
        return await this.#d.images.commit(rec.id, {
          imageId: rec.imageId,
          config: mergeCommitConfig(opts.config, runConfigOf(rec.config)),
          changes: opts.changes,
          reference: opts.reference,
          comment: opts.comment,
          author: opts.author,
          createdBy: (rec.config.Cmd ?? []).join(' '),
          exclude: MOUNT_STUBS,
        })
      } finally {
        if (pause)
          await this.#d.containers
            .unpause(rec.id)
            .catch((err) => this.#d.log.warn('unpause after commit failed', { id: rec.id, err: String(err) }))
      }
    })
    this.#d.publisher.publish('container', 'commit', rec.id, {
      ...this.#d.containers.attrs(rec),
      comment: opts.comment ?? '',
      imageID: img.id,
      imageRef: opts.reference ?? '',
    })
    return img
  }

  /** GET /containers/{id}/changes. @throws NoSuchContainerError. */
  changes(ref: string): Promise<RootfsChange[]> {
    const rec = this.#d.containers.get(ref)
    return this.#d.images.rootfsChanges(rec.id, { exclude: MOUNT_STUBS })
  }
}

/** The fields of a container's config an image keeps. */
export function runConfigOf(c: ContainerConfig): ImageRunConfig {
  const out: ImageRunConfig = {
    User: c.User,
    Env: [...(c.Env ?? [])],
    Cmd: c.Cmd === null ? null : [...c.Cmd],
    Entrypoint: c.Entrypoint === null ? null : [...c.Entrypoint],
    WorkingDir: c.WorkingDir,
    Labels: { ...(c.Labels ?? {}) },
    OnBuild: c.OnBuild,
  }
  if (c.ExposedPorts) out.ExposedPorts = { ...c.ExposedPorts }
  // An empty set is no set: dockerd's committed image says `Volumes: null`, not `{}`.
  if (c.Volumes && Object.keys(c.Volumes).length > 0) out.Volumes = { ...c.Volumes }
  if (c.StopSignal) out.StopSignal = c.StopSignal
  if (c.Shell) out.Shell = [...c.Shell]
  if (c.ArgsEscaped !== undefined) out.ArgsEscaped = c.ArgsEscaped
  if (c.Healthcheck) out.Healthcheck = c.Healthcheck as ImageRunConfig['Healthcheck']
  return out
}

const isEmpty = (v: unknown[] | Record<string, unknown> | null | undefined) =>
  v === null || v === undefined || (Array.isArray(v) ? v.length === 0 : Object.keys(v).length === 0)

/** moby daemon/commit.go merge(): the request's config wins; its empty fields (and missing
 *  env keys, labels, ports and volumes) come from the container's. No body = the container's. */
export function mergeCommitConfig(user: ImageRunConfig | undefined, ctr: ImageRunConfig): ImageRunConfig {
  if (user === undefined) return structuredClone(ctr)
  const u: ImageRunConfig = structuredClone(user)
  if (!u.User) u.User = ctr.User
  u.ExposedPorts = { ...(ctr.ExposedPorts ?? {}), ...(u.ExposedPorts ?? {}) }
  if (isEmpty(u.ExposedPorts)) delete u.ExposedPorts
  const keys = new Set((u.Env ?? []).map((e) => e.split('=')[0]))
  u.Env = [...(u.Env ?? []), ...(ctr.Env ?? []).filter((e) => !keys.has(e.split('=')[0]))]
  u.Labels = { ...(ctr.Labels ?? {}), ...(u.Labels ?? {}) }
  if (isEmpty(u.Entrypoint)) {
    if (isEmpty(u.Cmd)) {
      u.Cmd = ctr.Cmd
      if (ctr.ArgsEscaped !== undefined) u.ArgsEscaped = ctr.ArgsEscaped
    }
    if (u.Entrypoint === undefined || u.Entrypoint === null) u.Entrypoint = ctr.Entrypoint
  }
  if (u.Healthcheck === undefined && ctr.Healthcheck !== undefined) u.Healthcheck = ctr.Healthcheck
  if (!u.WorkingDir) u.WorkingDir = ctr.WorkingDir
  u.Volumes = { ...(u.Volumes ?? {}), ...(ctr.Volumes ?? {}) }
  if (isEmpty(u.Volumes)) delete u.Volumes
  if (!u.StopSignal && ctr.StopSignal) u.StopSignal = ctr.StopSignal
  return u
}
