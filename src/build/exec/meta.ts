// Pure config updates of the metadata-only instructions (ENV, LABEL, CMD, ENTRYPOINT, SHELL,
// EXPOSE, VOLUME, USER, WORKDIR, STOPSIGNAL, HEALTHCHECK, ONBUILD), with their
// words expanded the way the Dockerfile reference says. No I/O: the stage executor commits.
import { posix } from 'node:path'
import { InvalidArgumentError } from '../../lib/errors.ts'
import type { ImageConfigConfig } from '../../oci/index.ts'
import { expand, expandWords } from '../dockerfile/expand.ts'
import type { CommandLine, Instruction, VarLookup } from '../dockerfile/types.ts'

export interface MetaState {
  config: ImageConfigConfig
  /** Shell for shell-form commands (SHELL, else /bin/sh -c). */
  shell: string[]
  /** CMD was set in this stage (ENTRYPOINT then keeps it). */
  cmdSet: boolean
}

export const DEFAULT_SHELL = ['/bin/sh', '-c']

/** The argv of a CMD/ENTRYPOINT/RUN command line. */
export function commandArgv(cmd: CommandLine, shell: string[]): string[] {
  return 'exec' in cmd ? [...cmd.exec] : [...shell, cmd.shell]
}

/** Env as a lookup map (later entries win). */
export function envMap(env: string[] | undefined): Map<string, string> {
  const m = new Map<string, string>()
  for (const e of env ?? []) {
    const i = e.indexOf('=')
    m.set(i === -1 ? e : e.slice(0, i), i === -1 ? '' : e.slice(i + 1))
  }
  return m
}

function setEnv(env: string[] | undefined, key: string, value: string): string[] {
  const out = (env ?? []).filter((e) => e.split('=', 1)[0] !== key)
  out.push(`${key}=${value}`)
  return out
}

/** Applies one metadata instruction. Returns false for instructions it does not handle. */
export function applyMeta(st: MetaState, ins: Instruction, vars: VarLookup, esc: '\\' | '`'): boolean {
  const ex = (w: string) => expand(w, vars, { escape: esc })
  const c = st.config
  switch (ins.kind) {
    case 'ENV': {
      // All pairs of one ENV see the values before the instruction (Docker's semantics).
      const values = ins.pairs.map((p) => [ex(p.key), ex(p.value)] as const)
      for (const [k, v] of values) c.Env = setEnv(c.Env, k, v)
      return true
    }
    case 'LABEL':
      c.Labels = { ...(c.Labels ?? {}) }
      for (const p of ins.pairs) c.Labels[ex(p.key)] = ex(p.value)
      return true
    case 'CMD':
      c.Cmd = commandArgv(ins.command, st.shell)
      st.cmdSet = true
      return true
    case 'ENTRYPOINT':
      c.Entrypoint = commandArgv(ins.command, st.shell)
      if (!st.cmdSet) c.Cmd = null
      return true
    case 'SHELL':
      if (ins.shell.length === 0) throw new InvalidArgumentError('SHELL requires at least one argument')
      st.shell = [...ins.shell]
      c.Shell = [...ins.shell]
      return true
    case 'EXPOSE': {
      const ports = { ...(c.ExposedPorts ?? {}) }
      for (const raw of ins.ports) for (const p of expandPorts(ex(raw))) ports[p] = {}
      c.ExposedPorts = ports
      return true
    }
    case 'VOLUME': {
      const vols = { ...(c.Volumes ?? {}) }
      for (const v of ins.volumes.flatMap((w) => expandWords(w, vars, { escape: esc }))) {
        if (v.trim() === '') throw new InvalidArgumentError('VOLUME specified can not be an empty string')
        vols[v] = {}
      }
      c.Volumes = vols
      return true
    }
    case 'USER':
      c.User = ex(ins.user)
      return true
    case 'WORKDIR': {
      const p = ex(ins.path)
      c.WorkingDir = posix.resolve(c.WorkingDir || '/', p)
      return true
    }
    case 'STOPSIGNAL':
      c.StopSignal = ex(ins.signal)
      return true
    case 'HEALTHCHECK':
      if (ins.test === 'NONE') c.Healthcheck = { Test: ['NONE'] }
      else {
        const test = 'exec' in ins.command ? ['CMD', ...ins.command.exec] : ['CMD-SHELL', ins.command.shell]
        c.Healthcheck = {
          Test: test,
          ...(ins.interval ? { Interval: ins.interval } : {}),
          ...(ins.timeout ? { Timeout: ins.timeout } : {}),
          ...(ins.startPeriod ? { StartPeriod: ins.startPeriod } : {}),
          ...(ins.startInterval ? { StartInterval: ins.startInterval } : {}),
          ...(ins.retries ? { Retries: ins.retries } : {}),
        }
      }
      return true
    case 'ONBUILD':
      c.OnBuild = [...(c.OnBuild ?? []), ins.expression]
      return true
    default:
      return false
  }
}

/** EXPOSE specs as Docker's nat.ParsePortSpecs: "80" → "80/tcp", ranges expanded. */
export function expandPorts(spec: string): string[] {
  const m = /^(\d+)(?:-(\d+))?(?:\/(tcp|udp|sctp))?$/i.exec(spec.trim())
  if (!m) throw new InvalidArgumentError(`invalid containerPort: ${spec}`)
  const from = Number(m[1])
  const to = m[2] === undefined ? from : Number(m[2])
  const proto = (m[3] ?? 'tcp').toLowerCase()
  if (from < 1 || to > 65535 || to < from) throw new InvalidArgumentError(`invalid containerPort: ${spec}`)
  const out: string[] = []
  for (let p = from; p <= to; p++) out.push(`${p}/${proto}`)
  return out
}
