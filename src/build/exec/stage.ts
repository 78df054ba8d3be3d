// Runs one stage: FROM (a local or pulled image, an earlier stage, or scratch; ONBUILD
// triggers of the base), then each instruction in order with Docker's legacy messages. ARG
// scoping lives here; RUN, COPY/ADD and metadata steps are delegated (run.ts, copy.ts, meta.ts).
import { InvalidArgumentError, isNotFound, NotFoundError } from '../../lib/errors.ts'
import { type ImageConfigConfig, parseNormalizedNamed } from '../../oci/index.ts'
import { expand } from '../dockerfile/expand.ts'
import { parseDockerfile } from '../dockerfile/index.ts'
import type { FromInstruction, Instruction, Stage, VarLookup } from '../dockerfile/types.ts'
import {
  type BuildRun,
  cachedStep,
  cacheKey,
  commitMeta,
  type StageResult,
  type StepOutput,
  type StepState,
  short,
} from './build-run.ts'
import { copyStep } from './copy.ts'
import { applyMeta, DEFAULT_SHELL, envMap, type MetaState } from './meta.ts'
import { parsePlatformArg, predefinedArgs } from './platform.ts'
import { pullAuthFor } from './pull-auth.ts'
import { runInstruction } from './run.ts'
import { workdirStep } from './workdir.ts'

export interface StageScope extends StepState, MetaState {
  /** ARGs declared in this stage with their values (undefined = declared without a value). */
  args: Map<string, string | undefined>
  /** The global (before FROM) ARGs, resolved. */
  meta: Map<string, string | undefined>
  out: StepOutput
  /** Next step number (1-based, across the build). */
  step: number
}

/** Variables visible to expansion: ENV first (it overrides ARG), then ARGs. */
export function lookupOf(s: StageScope, run: BuildRun): VarLookup {
  return (name) => {
    const env = envMap(s.config.Env)
    if (env.has(name)) return env.get(name)
    if (s.args.has(name)) {
      run.usedArgs.add(name)
      return s.args.get(name)
    }
    return undefined
  }
}

export async function runStage(
  run: BuildRun,
  stage: Stage,
  all: Stage[],
  meta: Map<string, string | undefined>,
  firstStep: number,
  out: StepOutput,
): Promise<StageResult> {
  const s: StageScope = {
    config: {},
    shell: [...DEFAULT_SHELL],
    cmdSet: false,
    args: new Map(),
    meta,
    out,
    step: firstStep,
  }
  header(run, s, stage.base.original)
  await from(run, s, stage.base, all)
  for (const ins of stage.instructions) {
    run.signal?.throwIfAborted()
    header(run, s, ins.original)
    await dispatch(run, s, ins)
  }
  return { imageId: s.imageId, config: s.config }
}

function header(run: BuildRun, s: StageScope, original: string): void {
  s.out.text(`Step ${s.step++}/${run.totalSteps} : ${original}\n`)
}

async function dispatch(run: BuildRun, s: StageScope, ins: Instruction): Promise<void> {
  const esc = run.directives.escape
  switch (ins.kind) {
    case 'FROM':
      throw new InvalidArgumentError('FROM inside a stage')
    case 'ARG':
      for (const a of ins.args) {
        const given = run.buildArg(a.key)
        if (given !== undefined) run.usedArgs.add(a.key)
        const dflt = a.value === undefined ? undefined : expand(a.value, lookupOf(s, run), { escape: esc })
        const inherited = s.meta.has(a.key) ? s.meta.get(a.key) : predefinedArgs(run)[a.key]
        s.args.set(a.key, given ?? dflt ?? inherited)
      }
      return metaStep(run, s, ins)
    case 'RUN':
      return runInstruction(run, s, ins)
    case 'COPY':
    case 'ADD':
      return copyStep(run, s, ins)
    case 'MAINTAINER':
      s.author = expand(ins.maintainer, lookupOf(s, run), { escape: esc })
      return metaStep(run, s, ins)
    case 'WORKDIR':
      applyMeta(s, ins, lookupOf(s, run), esc)
      return workdirStep(run, s, ins)
    default: {
      if (!applyMeta(s, ins, lookupOf(s, run), esc))
        throw new InvalidArgumentError(`unknown instruction: ${(ins as Instruction).kind}`)
      return metaStep(run, s, ins)
    }
  }
}

/** Commits the state's config as an empty-layer step (cached on parent + resulting config). */
async function metaStep(run: BuildRun, s: StageScope, ins: Instruction): Promise<void> {
  const createdBy = `/bin/sh -c #(nop)  ${ins.original}`
  const key = cacheKey(s.imageId, ['meta', createdBy, s.config, s.author ?? ''])
  await cachedStep(run, s, s.out, { key, description: ins.original }, () => commitMeta(run, s, createdBy))
}

async function from(run: BuildRun, s: StageScope, base: FromInstruction, all: Stage[]): Promise<void> {
  const metaLookup: VarLookup = (n) => s.meta.get(n) ?? predefinedArgs(run)[n]
  const ref = expand(base.image, metaLookup, { escape: run.directives.escape })
  const platform = base.platform ? expand(base.platform, metaLookup) : run.opts.platform
  s.platform = parsePlatformArg(platform)
  const stageRef = all.find((x) => x.name !== undefined && x.name === ref.toLowerCase())
  if (stageRef && stageRef.index < all.findIndex((x) => x.base === base)) {
    const res = await run.stages.get(stageRef.index)!
    s.imageId = res.imageId
    s.config = structuredClone(res.config)
  } else if (ref.toLowerCase() === 'scratch') {
    s.imageId = undefined
    s.config = {}
  } else {
    const img = await resolveOrPull(run, s.out, ref, platform)
    s.imageId = img.id
    s.config = structuredClone(img.config)
  }
  if (s.config.Shell?.length) s.shell = [...s.config.Shell]
  if (s.imageId) s.out.text(` ---> ${short(s.imageId)}\n`)
  await onbuildTriggers(run, s)
}

/** The image `ref`, pulled when missing (or always with --pull). */
export async function resolveOrPull(
  run: BuildRun,
  out: StepOutput,
  ref: string,
  platform: string | undefined,
): Promise<{ id: string; config: ImageConfigConfig }> {
  const { images } = run.deps
  if (!run.opts.pull) {
    try {
      return await images.resolve(ref)
    } catch (err) {
      // The image store reports a missing image as NotFoundError: then it is pulled.
      if (!(err instanceof NotFoundError) && !isNotFound(err)) throw err
    }
  }
  const named = parseNormalizedNamed(ref)
  const pullRef = named.tag === undefined && named.digest === undefined ? `${ref}:latest` : ref
  for await (const m of images.pull(pullRef, {
    auth: pullAuthFor(ref, run.opts.registryAuth),
    platform,
    signal: run.signal,
  })) {
    if (m.status && !m.progressDetail?.total) out.text(`${m.id ? `${m.id}: ` : ''}${m.status}\n`)
  }
  return images.resolve(ref)
}

async function onbuildTriggers(run: BuildRun, s: StageScope): Promise<void> {
  const triggers = s.config.OnBuild ?? []
  if (triggers.length === 0) return
  s.config.OnBuild = null
  s.out.text(`# Executing ${triggers.length} build trigger${triggers.length === 1 ? '' : 's'}\n`)
  const parsed = parseDockerfile(`FROM scratch\n${triggers.join('\n')}\n`, { file: 'ONBUILD' })
  for (const ins of parsed.stages[0]?.instructions ?? []) {
    if (ins.kind === 'ONBUILD' || ins.kind === 'FROM' || ins.kind === 'MAINTAINER')
      throw new InvalidArgumentError(`${ins.kind} isn't allowed as an ONBUILD trigger`)
    await dispatch(run, s, ins)
  }
}
