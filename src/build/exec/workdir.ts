// WORKDIR: sets the working directory and, as Docker's builder does, creates it in the image
// when it does not exist yet (a small layer); an existing directory makes it a metadata step.
import { lstat } from 'node:fs/promises'
import { join } from 'node:path'
import type { WorkdirInstruction } from '../dockerfile/types.ts'
import { type BuildRun, cachedStep, cacheKey, commitWith, type StepState } from './build-run.ts'
import { mkdirAll } from './copy-apply.ts'
import type { StageScope } from './stage.ts'
import { resolveInRoot, Worktree } from './worktree.ts'

/** Commits the WORKDIR step; `s.config.WorkingDir` is already set. */
export async function workdirStep(run: BuildRun, s: StageScope, ins: WorkdirInstruction): Promise<void> {
  const dir = s.config.WorkingDir || '/'
  const createdBy = `/bin/sh -c #(nop) WORKDIR ${dir}`
  const exists = s.imageId !== undefined && (await existsInImage(run, s.imageId, dir))
  const key = cacheKey(s.imageId, ['WORKDIR', createdBy, exists, s.config])
  await cachedStep(run, s, s.out, { key, description: ins.original }, async () => {
    if (exists) return commitWith(run, s, { createdBy })
    await ensureBase(run, s)
    const tree = await Worktree.open(run.deps.images, s.imageId!, run.deps.cache.worktrees)
    try {
      await mkdirAll(tree.root, await resolveInRoot(tree.root, dir, { followLast: true }))
      return await commitWith(run, s, { createdBy, layer: await tree.layer(), layerDir: tree.upper })
    } finally {
      await tree.dispose()
    }
  })
}

/** Whether `dir` is a directory in the image's topmost layer that has it (whiteouts and opaque
 *  directories are not consulted: a false "missing" only costs a small layer). */
async function existsInImage(run: BuildRun, imageId: string, dir: string): Promise<boolean> {
  if (dir === '/') return true
  for (const layer of run.deps.images.layerDirs(imageId)) {
    const st = await lstat(join(layer, dir)).catch(() => undefined)
    if (st) return st.isDirectory()
  }
  return false
}

/** A scratch stage gets an empty base image before its first filesystem step. */
export async function ensureBase(run: BuildRun, st: StepState): Promise<void> {
  if (st.imageId) return
  const img = await run.deps.images.commitLayer({ config: st.config, platform: st.platform })
  st.imageId = img.id
}
