// BuildService: POST /build and the build cache. Receives the context, reads the Dockerfile and
// .dockerignore, plans the stages, runs the needed stages concurrently (each waits for the stages
// it reads from), tags the result and streams Docker's legacy messages. Construct, then init().
import { randomBytes } from 'node:crypto'
import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import type { ContainerIoService, ContainerService } from '../container/index.ts'
import type { ImageService } from '../image/index.ts'
import { InvalidArgumentError, messageOf } from '../lib/errors.ts'
import type { Logger } from '../lib/log.ts'
import { familiarString, parseNormalizedNamed } from '../oci/index.ts'
import type {
  BuildCacheRecord,
  BuildMessage,
  BuildOptions,
  BuildService as BuildServiceContract,
} from './build-service-contract.ts'
import { CacheStore } from './cache/cache-store.ts'
import { pruneCache, usageOf } from './cache/prune.ts'
import { BuildContext } from './context/build-context.ts'
import { IgnoreMatcher, readDockerignore } from './context/dockerignore.ts'
import { parseDockerfile } from './dockerfile/index.ts'
import type { Dockerfile, LabelInstruction } from './dockerfile/types.ts'
import { CommandFailedError } from './errors.ts'
import { BuildRun, short } from './exec/build-run.ts'
import { StageOutputs } from './exec/outputs.ts'
import { planBuild } from './exec/plan.ts'
import { predefinedArgs } from './exec/platform.ts'
import { runStage } from './exec/stage.ts'

export interface BuildServiceDeps {
  dataRoot: string
  images: ImageService
  containers: ContainerService
  io: ContainerIoService
  log: Logger
}

export class BuildService implements BuildServiceContract {
  readonly #d: BuildServiceDeps
  readonly #cache: CacheStore
  readonly #active = new Set<string>()

  constructor(deps: BuildServiceDeps) {
    this.#d = deps
    this.#cache = new CacheStore(deps.dataRoot)
  }

  /** Loads the cache index and removes what a crash left: scratch space and the rootfs of
   *  COPY/ADD worktrees that were open. */
  async init(): Promise<void> {
    await this.#cache.init()
    for (const key of await this.#cache.leftoverWorktrees()) {
      await this.#d.images.removeRootfs(key)
      await this.#cache.worktrees.remove(key)
    }
  }

  async build(
    context: NodeJS.ReadableStream,
    opts: BuildOptions,
    emit: (m: BuildMessage) => void,
    signal?: AbortSignal,
  ): Promise<string> {
    const id = randomBytes(8).toString('hex')
    const scratchDir = join(this.#cache.tmpDir, id)
    const abort = new AbortController()
    const onAbort = () => abort.abort(signal?.reason)
    signal?.addEventListener('abort', onAbort, { once: true })
    let ctx: BuildContext | undefined
    let produced = 0
    this.#active.add(id)
    try {
      for (const t of opts.tags) parseTag(t)
      const t0 = performance.now()
      ctx = await BuildContext.receive(context as AsyncIterable<Uint8Array>, {
        spillDir: scratchDir,
        signal,
        rawName: opts.dockerfile || 'Dockerfile',
      })
      const t1 = performance.now()
      const df = await readDockerfile(ctx, opts)
      const imageId = await this.#run(ctx, df, opts, emit, abort, scratchDir, (n) => {
        produced = n
      })
      this.#d.log.debug('build done', { receiveMs: ms(t1 - t0), stepsMs: ms(performance.now() - t1) })
      emit({ aux: { ID: imageId } })
      if (opts.quiet) emit({ stream: `${imageId}\n` })
      else emit({ stream: `Successfully built ${short(imageId)}\n` })
      for (const t of opts.tags) {
        await this.#d.images.tag(imageId, t)
        if (!opts.quiet) emit({ stream: `Successfully tagged ${familiar(t)}\n` })
      }
      return imageId
    } catch (err) {
      const message = messageOf(err)
      emit({
        error: message,
        errorDetail: err instanceof CommandFailedError ? { code: err.exitCode, message } : { message },
      })
      throw err
    } finally {
      signal?.removeEventListener('abort', onAbort)
      this.#active.delete(id)
      // New entries are written before the build returns (a restart keeps them); a fully cached
      // rebuild only bumps usage counters, written in the background without an fsync wait.
      const saved = this.#cache
        .flush()
        .catch((e) => this.#d.log.warn('saving build cache failed', { err: messageOf(e) }))
      if (produced > 0) await saved
      await ctx?.dispose()
      await rm(scratchDir, { recursive: true, force: true })
    }
  }

  async #run(
    ctx: BuildContext,
    df: Dockerfile,
    opts: BuildOptions,
    emit: (m: BuildMessage) => void,
    abort: AbortController,
    scratchDir: string,
    onProduced: (n: number) => void,
  ): Promise<string> {
    const deps = { ...this.#d, cache: this.#cache }
    const probe = new BuildRun({ deps, ctx, opts, directives: df.directives, scratchDir, totalSteps: 0 })
    const plan = planBuild(df, {
      target: opts.target,
      buildArg: (n) => probe.buildArg(n),
      predefined: predefinedArgs(probe),
    })
    addLabels(df, plan.target, opts.labels)
    const totalSteps = plan.totalSteps
    const run = new BuildRun({
      deps,
      ctx,
      opts,
      directives: df.directives,
      signal: abort.signal,
      scratchDir,
      totalSteps,
    })
    for (const s of df.stages) if (s.name) run.stageNames.set(s.name, s.index)
    for (const k of plan.meta.keys()) if (probe.buildArg(k) !== undefined) run.usedArgs.add(k)
    if (!opts.quiet)
      for (const [k, ins] of df.globalArgs.entries())
        emit({ stream: `Step ${k + 1}/${totalSteps} : ${ins.original}\n` })
    const outputs = new StageOutputs(plan.order, emit, opts.quiet)
    for (const i of plan.order) {
      const p = runStage(run, df.stages[i]!, df.stages, plan.meta, plan.firstStep.get(i)!, outputs.for(i))
      const tracked = p.finally(() => outputs.finish(i))
      tracked.catch((err) => abort.abort(err))
      run.stages.set(i, tracked)
    }
    const results = await Promise.allSettled(plan.order.map((i) => run.stages.get(i)!))
    onProduced(run.produced)
    const failed = results.find((r) => r.status === 'rejected')
    if (failed) {
      outputs.flushAll()
      // The first failure is the cause; stages aborted because of it fail with the abort reason.
      throw abort.signal.aborted && abort.signal.reason instanceof Error ? abort.signal.reason : failed.reason
    }
    const final = await run.stages.get(plan.target)!
    if (!final.imageId) throw new InvalidArgumentError('No image was generated. Is your Dockerfile empty?')
    const unused = Object.keys(opts.buildArgs).filter((k) => !run.usedArgs.has(k))
    if (unused.length > 0 && !opts.quiet)
      emit({ stream: `[Warning] One or more build-args [${unused.join(' ')}] were not consumed\n` })
    return final.imageId
  }

  prune(opts: {
    all: boolean
    filters: Record<string, string[]>
    keepStorage?: number
  }): Promise<{ CachesDeleted: string[]; SpaceReclaimed: number }> {
    return pruneCache(this.#cache, this.#d.images, opts)
  }

  usage(): Promise<BuildCacheRecord[]> {
    return usageOf(this.#cache, this.#d.images)
  }
}

const ms = (n: number) => Math.round(n * 10) / 10

/** Checks a `-t` value before building (Docker refuses bad tags up front). */
function parseTag(t: string): void {
  const ref = parseNormalizedNamed(t)
  if (ref.digest !== undefined)
    throw new InvalidArgumentError(`invalid tag "${t}": a tag cannot hold a digest`)
}

/** The tag as Docker prints it: familiar name, `:latest` when none was given. */
function familiar(t: string): string {
  const ref = parseNormalizedNamed(t)
  return familiarString({ ...ref, tag: ref.tag ?? 'latest' })
}

/** The Dockerfile from the context (Docker falls back to a lowercase `dockerfile`), with the
 *  applicable .dockerignore applied to the context afterwards. */
async function readDockerfile(ctx: BuildContext, opts: BuildOptions): Promise<Dockerfile> {
  const name = opts.dockerfile || 'Dockerfile'
  let f = ctx.get(ctx.resolve(name))
  if (!f && name === 'Dockerfile') f = ctx.get('dockerfile')
  if (f?.type !== 'file') throw new InvalidArgumentError(`Cannot locate specified Dockerfile: ${name}`)
  const text = (await ctx.read(f)).toString('utf8')
  const df = parseDockerfile(text, { file: name })
  const ignore = ctx.get(`${f.path}.dockerignore`) ?? ctx.get('.dockerignore')
  if (ignore?.type === 'file') {
    const matcher = new IgnoreMatcher(readDockerignore((await ctx.read(ignore)).toString('utf8')))
    // Children before parents: an ignored directory stays when an exception (`!dir/keep`) kept
    // something below it, as Docker's walker does.
    for (const p of ctx.paths().reverse()) {
      const f = ctx.get(p)
      if (!f || !matcher.ignores(p)) continue
      if (f.type === 'directory' && ctx.children(p).length > 0) continue
      ctx.remove(p)
    }
  }
  return df
}

/** `labels` of the request become a LABEL step at the end of the target stage (as Docker's). */
function addLabels(df: Dockerfile, target: number, labels: Record<string, string>): void {
  const keys = Object.keys(labels)
  if (keys.length === 0) return
  const q = (s: string) => `"${s.replace(/[\\"$]/g, '\\$&')}"`
  const pairs = keys.map((k) => ({ key: q(k), value: q(labels[k]!) }))
  const original = `LABEL ${pairs.map((p) => `${p.key}=${p.value}`).join(' ')}`
  const stage = df.stages[target]!
  const ins: LabelInstruction = { kind: 'LABEL', line: 0, endLine: 0, original, flags: [], pairs }
  stage.instructions.push(ins)
}
