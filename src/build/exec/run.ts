// The RUN instruction: its argv (shell or exec form, heredocs as BuildKit runs them), the build
// args it sees, its --mount list turned into container mounts (cache directories that persist
// across builds, binds of the context or another stage, tmpfs), its network, cache key and
// Docker's messages. Running and committing the container is run-step.ts.
import { randomBytes } from 'node:crypto'
import { chmod, mkdir, writeFile } from 'node:fs/promises'
import { join, posix } from 'node:path'
import { InvalidArgumentError } from '../../lib/errors.ts'
import { expand } from '../dockerfile/expand.ts'
import { parseRunMount } from '../dockerfile/run-mount.ts'
import type { RunInstruction, RunMount } from '../dockerfile/types.ts'
import { CommandFailedError } from '../errors.ts'
import { type BuildRun, cachedStep, cacheKey, commitWith, short } from './build-run.ts'
import { commandArgv, envMap } from './meta.ts'
import { PROXY_ARGS } from './platform.ts'
import { type RunMountSpec, runStep } from './run-step.ts'
import type { StageScope } from './stage.ts'
import { lookupOf, resolveOrPull } from './stage.ts'
import { Worktree } from './worktree.ts'

export async function runInstruction(run: BuildRun, s: StageScope, ins: RunInstruction): Promise<void> {
  if (!s.imageId)
    throw new InvalidArgumentError('no image to run the command in: the stage is empty (FROM scratch)')
  if (ins.security === 'insecure')
    throw new InvalidArgumentError(
      'RUN --security=insecure needs the security.insecure entitlement, which the legacy /build API cannot grant',
    )
  const { argv, script } = argvOf(s, ins)
  const argEnv = argsEnv(run, s)
  const mounts = ins.mounts.map((m) =>
    m.raw.includes('$') ? parseRunMount(m.raw, (v) => expand(v, lookupOf(s, run))) : m,
  )
  const network = ins.network ?? (run.opts.networkMode || 'default')
  const argPrefix = argEnv.length > 0 ? `|${argEnv.length} ${argEnv.join(' ')} ` : ''
  const createdBy = `${argPrefix}${argv.join(' ')}`
  const key = cacheKey(s.imageId, ['RUN', argv, script ?? '', argEnv, mounts.map(mountKey), network])
  await cachedStep(run, s, s.out, { key, description: ins.original }, async () => {
    const prepared = await prepareMounts(run, s, mounts)
    try {
      if (script) prepared.specs.push(await scriptMount(run, script))
      let containerId = ''
      const res = await runStep(
        run.deps,
        {
          imageId: s.imageId!,
          config: s.config,
          cmd: script ? [script.target] : argv,
          env: argEnv.filter((e) => !envMap(s.config.Env).has(e.split('=', 1)[0]!)),
          networkMode: network === 'default' ? '' : network,
          extraHosts: run.opts.extraHosts,
          mounts: prepared.specs,
          exclude: [],
          keep: { onSuccess: !run.opts.rm, onFailure: !run.opts.rm && !run.opts.forceRm },
          onStarted: (id) => {
            containerId = id
            s.out.text(` ---> Running in ${short(id)}\n`)
          },
          onOutput: (data) => s.out.text(data.toString('utf8')),
          signal: run.signal,
        },
        (layer, layerDir) => commitWith(run, s, { createdBy, layer, layerDir }),
      )
      if (containerId && res.removed) s.out.text(`Removing intermediate container ${short(containerId)}\n`)
      if (res.exitCode !== 0 || !res.image) {
        const shown = script ? `${argv.join(' ')}` : argv.join(' ')
        throw new CommandFailedError(
          `The command '${shown}' returned a non-zero code: ${res.exitCode}`,
          res.exitCode,
        )
      }
      return res.image
    } finally {
      await prepared.dispose()
    }
  })
}

interface Script {
  target: string
  content: string
}

/** The command's argv; a lone heredoc with a shebang runs as a script file (BuildKit). */
function argvOf(s: StageScope, ins: RunInstruction): { argv: string[]; script?: Script } {
  const cmd = ins.command
  if ('exec' in cmd || ins.heredocs.length === 0) return { argv: commandArgv(cmd, s.shell) }
  const only = ins.heredocs.length === 1 && /^<<-?["']?\w+["']?$/.test(cmd.shell.trim())
  if (only) {
    const h = ins.heredocs[0]!
    if (h.content.startsWith('#!'))
      return { argv: [...s.shell, h.content], script: { target: `/dev/pipes/${h.name}`, content: h.content } }
    return { argv: [...s.shell, h.content] }
  }
  const bodies = ins.heredocs.map((h) => `${h.content}${h.name}\n`).join('')
  return { argv: [...s.shell, `${cmd.shell}\n${bodies}`] }
}

/** `KEY=value` of the build args in scope that have a value (Docker passes them to RUN). */
function argsEnv(run: BuildRun, s: StageScope): string[] {
  const out: string[] = []
  for (const [k, v] of s.args) if (v !== undefined) out.push(`${k}=${v}`)
  for (const k of PROXY_ARGS) {
    const v = run.buildArg(k)
    if (v !== undefined && !s.args.has(k)) {
      run.usedArgs.add(k)
      out.push(`${k}=${v}`)
    }
  }
  return out.sort()
}

function mountKey(m: RunMount): unknown[] {
  return [
    m.type,
    m.target,
    m.source ?? '',
    m.from ?? '',
    m.id ?? '',
    m.readonly,
    m.mode ?? '',
    m.uid ?? '',
    m.gid ?? '',
  ]
}

async function scriptMount(run: BuildRun, script: Script): Promise<RunMountSpec> {
  await mkdir(run.scratchDir, { recursive: true })
  const host = join(run.scratchDir, `script-${randomBytes(6).toString('hex')}`)
  await writeFile(host, script.content)
  await chmod(host, 0o755)
  return { Type: 'bind', Source: host, Target: script.target, ReadOnly: true }
}

async function prepareMounts(
  run: BuildRun,
  s: StageScope,
  mounts: RunMount[],
): Promise<{ specs: RunMountSpec[]; dispose: () => Promise<void> }> {
  const specs: RunMountSpec[] = []
  const trees: Worktree[] = []
  const dispose = async () => {
    for (const t of trees) await t.dispose().catch(() => undefined)
  }
  try {
    for (const m of mounts) {
      const target = posix.resolve(s.config.WorkingDir || '/', m.target)
      if (m.type === 'cache') {
        const dir = await run.deps.cache.useMount(m.id || target, {
          mode: m.mode ?? 0o755,
          uid: m.uid ?? 0,
          gid: m.gid ?? 0,
        })
        specs.push({ Type: 'bind', Source: dir, Target: target, ReadOnly: m.readonly })
      } else if (m.type === 'tmpfs') {
        specs.push({
          Type: 'tmpfs',
          Target: target,
          TmpfsOptions: m.size ? { SizeBytes: m.size } : undefined,
        })
      } else if (m.type === 'bind') {
        const source = m.source ?? '/'
        if (m.from) {
          const imageId = await fromImage(run, m.from)
          const tree = await Worktree.open(run.deps.images, imageId, run.deps.cache.worktrees)
          trees.push(tree)
          specs.push({
            Type: 'bind',
            Source: await tree.resolve(source, { followLast: true }),
            Target: target,
            ReadOnly: m.readonly,
          })
        } else {
          const root = await run.ctx.materialize()
          const rel = run.ctx.resolve(source)
          if (!run.ctx.get(rel))
            throw new InvalidArgumentError(`failed to compute cache key: "${source}" not found`)
          specs.push({ Type: 'bind', Source: join(root, rel), Target: target, ReadOnly: m.readonly })
        }
      } else if (m.required) {
        // The legacy /build API carries no secrets or SSH agents.
        throw new InvalidArgumentError(
          `${m.type} ${m.id ?? m.target} not found: the /build API cannot pass ${m.type}s`,
        )
      }
    }
  } catch (err) {
    await dispose()
    throw err
  }
  return { specs, dispose }
}

/** The image of a stage (by name or index) or an image reference, for --from. */
export async function fromImage(run: BuildRun, from: string): Promise<string> {
  const res = await run.stageByRef(from)
  if (res) {
    if (!res.imageId) throw new InvalidArgumentError(`stage ${from} has no filesystem`)
    return res.imageId
  }
  return (await resolveOrPull(run, { emit: () => undefined, text: () => undefined }, from, run.opts.platform))
    .id
}
