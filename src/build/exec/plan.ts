// The stage graph of a parsed Dockerfile: resolves the global ARGs, finds the target stage and
// the stages it needs (FROM <stage>, COPY --from, RUN --mount from=), and numbers the steps of
// the stages that run. Pure: no I/O, so it is unit-tested directly.
import { InvalidArgumentError } from '../../lib/errors.ts'
import { expand } from '../dockerfile/expand.ts'
import type { Dockerfile, Stage, VarLookup } from '../dockerfile/types.ts'

export interface BuildPlan {
  /** Indexes of the stages to run, in file order; the last is the target. */
  order: number[]
  target: number
  /** First step number of each stage that runs. */
  firstStep: Map<number, number>
  totalSteps: number
  /** Global ARGs (before the first FROM), resolved with build args. */
  meta: Map<string, string | undefined>
}

export function planBuild(
  df: Dockerfile,
  opts: {
    target?: string
    buildArg: (name: string) => string | undefined
    predefined: Record<string, string>
  },
): BuildPlan {
  if (df.stages.length === 0) throw new InvalidArgumentError('the Dockerfile has no FROM instruction')
  const meta = new Map<string, string | undefined>()
  const lookup: VarLookup = (n) => (meta.has(n) ? meta.get(n) : opts.predefined[n])
  for (const ins of df.globalArgs)
    for (const a of ins.args) {
      const given = opts.buildArg(a.key)
      meta.set(
        a.key,
        given ??
          (a.value === undefined ? undefined : expand(a.value, lookup, { escape: df.directives.escape })),
      )
    }
  let target = df.stages.length - 1
  if (opts.target) {
    target = df.stages.findIndex((s) => s.name === opts.target!.toLowerCase())
    if (target === -1)
      throw new InvalidArgumentError(`failed to reach build target ${opts.target} in Dockerfile`)
  }
  const byName = new Map(df.stages.filter((s) => s.name).map((s) => [s.name!, s.index]))
  const need = new Set<number>()
  const visit = (i: number) => {
    if (need.has(i)) return
    need.add(i)
    for (const dep of stageDeps(df.stages[i]!, byName, lookup)) if (dep < i) visit(dep)
  }
  visit(target)
  const order = [...need].sort((a, b) => a - b)
  const firstStep = new Map<number, number>()
  // The legacy builder numbers the global ARGs first ("Step 1/9 : ARG BASE=busybox").
  let n = 1 + df.globalArgs.length
  for (const i of order) {
    firstStep.set(i, n)
    n += 1 + df.stages[i]!.instructions.length
  }
  return { order, target, firstStep, totalSteps: n - 1, meta }
}

/** Stages a stage reads from: its FROM, COPY --from and RUN --mount from= (names or indexes). */
export function stageDeps(stage: Stage, byName: Map<string, number>, lookup: VarLookup): number[] {
  const refs: string[] = [stage.base.image]
  for (const ins of stage.instructions) {
    if (ins.kind === 'COPY' && ins.from) refs.push(ins.from)
    if (ins.kind === 'RUN') for (const m of ins.mounts) if (m.from) refs.push(m.from)
  }
  const out: number[] = []
  for (const raw of refs) {
    let ref: string
    try {
      ref = expand(raw, lookup).toLowerCase()
    } catch {
      // An unexpandable reference is reported when the step runs, with its line.
      continue
    }
    const i = byName.get(ref) ?? (/^\d+$/.test(ref) ? Number(ref) : undefined)
    if (i !== undefined) out.push(i)
  }
  return out
}
