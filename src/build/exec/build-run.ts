// The shared state of one build: dependencies, the received context, options, ARGs resolved
// before the first FROM, the stage results other stages wait for, and step bookkeeping (cache
// lookups and commits with Docker's legacy messages). Stage instructions run in stage.ts.
import { createHash } from 'node:crypto'
import type { ContainerIoService, ContainerService } from '../../container/index.ts'
import type { ImageService, ImageView, LayerCommitRequest } from '../../image/index.ts'
import { isNotFound, NotFoundError } from '../../lib/errors.ts'
import type { Logger } from '../../lib/log.ts'
import type { ImageConfigConfig } from '../../oci/index.ts'
import type { BuildMessage, BuildOptions } from '../build-service-contract.ts'
import type { CacheStore } from '../cache/cache-store.ts'
import type { BuildContext } from '../context/build-context.ts'
import type { Directives } from '../dockerfile/types.ts'

export interface BuildDeps {
  images: ImageService
  containers: ContainerService
  io: ContainerIoService
  cache: CacheStore
  log: Logger
}

/** Where a stage ends: its image (undefined for an empty scratch stage) and config. */
export interface StageResult {
  imageId?: string
  config: ImageConfigConfig
}

/** The state a stage's steps advance. */
export interface StepState {
  imageId?: string
  config: ImageConfigConfig
  /** MAINTAINER of this stage, recorded as the author of the images it commits. */
  author?: string
  platform?: { os: string; architecture: string; variant?: string }
}

export class BuildRun {
  readonly deps: BuildDeps
  readonly ctx: BuildContext
  readonly opts: BuildOptions
  readonly directives: Directives
  /** Build args a step used (for the "not consumed" warning). */
  readonly usedArgs = new Set<string>()
  /** Stage results by index, set when the stage starts. */
  readonly stages = new Map<number, Promise<StageResult>>()
  readonly signal?: AbortSignal
  readonly scratchDir: string
  readonly totalSteps: number
  /** Steps that made a new image (cache misses). */
  produced = 0
  /** Stage index by `AS` name. */
  readonly stageNames = new Map<string, number>()

  constructor(init: {
    deps: BuildDeps
    ctx: BuildContext
    opts: BuildOptions
    directives: Directives
    signal?: AbortSignal
    scratchDir: string
    totalSteps: number
  }) {
    this.deps = init.deps
    this.ctx = init.ctx
    this.opts = init.opts
    this.directives = init.directives
    this.signal = init.signal
    this.scratchDir = init.scratchDir
    this.totalSteps = init.totalSteps
  }

  /** The result of the stage named (or numbered) `ref`; undefined when no stage is. */
  stageByRef(ref: string): Promise<StageResult> | undefined {
    const byName = this.stageNames.get(ref.toLowerCase())
    const index = byName ?? (/^\d+$/.test(ref) ? Number(ref) : undefined)
    return index === undefined ? undefined : this.stages.get(index)
  }

  /** A build arg given by the user (null = take from the daemon's environment, as Docker). */
  buildArg(name: string): string | undefined {
    if (!Object.hasOwn(this.opts.buildArgs, name)) return undefined
    const v = this.opts.buildArgs[name]
    return v === null ? process.env[name] : v
  }
}

/** Cache key of a step: its parent image and its expanded instruction parts. */
export function cacheKey(parent: string | undefined, parts: unknown[]): string {
  return createHash('sha256')
    .update(JSON.stringify([parent ?? '', ...parts]))
    .digest('hex')
}

/** One stage's output channel: Docker's legacy step messages. */
export interface StepOutput {
  emit(m: BuildMessage): void
  text(s: string): void
}

/** Looks the step up in the cache (unless --no-cache); on a miss runs `produce` and records it.
 *  Updates `st` to the step's image. */
export async function cachedStep(
  run: BuildRun,
  st: StepState,
  out: StepOutput,
  step: { key: string; description: string },
  produce: () => Promise<ImageView>,
): Promise<void> {
  const { cache, images } = run.deps
  if (!run.opts.noCache) {
    const hit = cache.get(step.key)
    if (hit) {
      const img = await images.resolve(hit.imageId).catch((err) => {
        // An image removed since (docker image prune, rmi) is a miss; the entry is dropped.
        if (err instanceof NotFoundError || isNotFound(err)) return undefined
        throw err
      })
      if (img) {
        cache.touch(step.key)
        out.text(' ---> Using cache\n')
        adopt(st, img)
        out.text(` ---> ${short(img.id)}\n`)
        return
      }
      cache.delete(step.key)
    }
  }
  const t0 = performance.now()
  const img = await produce()
  run.produced++
  run.deps.log.debug('build step', { step: step.description, ms: Math.round(performance.now() - t0) })
  cache.set(step.key, { imageId: img.id, parent: st.imageId ?? '', description: step.description })
  adopt(st, img)
  out.text(` ---> ${short(img.id)}\n`)
}

export function adopt(st: StepState, img: ImageView): void {
  st.imageId = img.id
  st.config = structuredClone(img.config)
}

/** A metadata-only image over the state's image. */
export function commitMeta(run: BuildRun, st: StepState, createdBy: string): Promise<ImageView> {
  return commitWith(run, st, { createdBy })
}

export function commitWith(
  run: BuildRun,
  st: StepState,
  o: { createdBy: string; layer?: LayerCommitRequest['layer']; layerDir?: string },
): Promise<ImageView> {
  return run.deps.images.commitLayer({
    parentId: st.imageId,
    layer: o.layer,
    layerDir: o.layerDir,
    config: st.config,
    history: { created_by: o.createdBy },
    platform: st.platform,
    author: st.author,
  })
}

export function short(id: string): string {
  return id.replace(/^sha256:/, '').slice(0, 12)
}
