// Merges a create request with the image's config the way Docker does: the request wins field
// by field, Env is the image's overridden by the request's, an Entrypoint given in the request
// drops the image's Cmd, Labels are merged.

import type { ImageRunConfig } from '../image/image-service-contract.ts'
import { InvalidArgumentError } from '../lib/errors.ts'
import type { ContainerConfig } from './types.ts'

export function mergeImageConfig(req: ContainerConfig, img: ImageRunConfig): ContainerConfig {
  const entrypointGiven = req.Entrypoint !== null && req.Entrypoint !== undefined
  const entrypoint = entrypointGiven ? req.Entrypoint : (img.Entrypoint ?? null)
  const cmd = req.Cmd && req.Cmd.length > 0 ? req.Cmd : entrypointGiven ? null : (img.Cmd ?? null)
  const merged: ContainerConfig = {
    ...req,
    User: req.User || img.User || '',
    Env: mergeEnv(img.Env ?? [], req.Env ?? []),
    Entrypoint: entrypoint && entrypoint.length > 0 ? entrypoint : null,
    Cmd: cmd && cmd.length > 0 ? cmd : null,
    WorkingDir: req.WorkingDir || img.WorkingDir || '',
    Labels: { ...(img.Labels ?? {}), ...(req.Labels ?? {}) },
    ExposedPorts: { ...(img.ExposedPorts ?? {}), ...(req.ExposedPorts ?? {}) },
    Volumes: img.Volumes || req.Volumes ? { ...(img.Volumes ?? {}), ...(req.Volumes ?? {}) } : null,
    StopSignal: req.StopSignal || img.StopSignal,
    OnBuild: null,
  }
  merged.Healthcheck = mergeHealthcheck(req.Healthcheck, img.Healthcheck as Record<string, unknown>)
  if (!merged.Healthcheck) delete merged.Healthcheck
  if (Object.keys(merged.ExposedPorts ?? {}).length === 0) delete merged.ExposedPorts
  if (!merged.Entrypoint && !merged.Cmd) throw new InvalidArgumentError('no command specified')
  return merged
}

export function mergeEnv(base: string[], over: string[]): string[] {
  const out = new Map<string, string>()
  for (const e of [...base, ...over]) {
    const k = e.split('=', 1)[0]!
    out.delete(k)
    out.set(k, e)
  }
  const env = [...out.values()]
  if (!env.some((e) => e.startsWith('PATH=')))
    env.unshift('PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin')
  return env
}

/** The process args: entrypoint followed by cmd. */
export function processArgs(c: ContainerConfig): { path: string; args: string[] } {
  const all = [...(c.Entrypoint ?? []), ...(c.Cmd ?? [])]
  return { path: all[0] ?? '', args: all.slice(1) }
}

/** moby daemon/commit.go merge: the image's healthcheck, with each field the request sets
 *  (non-empty Test, non-zero durations and retries) overriding it. */
export function mergeHealthcheck(
  req: Record<string, unknown> | undefined,
  img: Record<string, unknown> | undefined,
): Record<string, unknown> | undefined {
  if (!req) return img
  if (!img) return req
  const out: Record<string, unknown> = { ...req }
  if (!Array.isArray(req.Test) || req.Test.length === 0) out.Test = img.Test
  for (const k of ['Interval', 'Timeout', 'StartPeriod', 'StartInterval', 'Retries'])
    if (!req[k] && img[k]) out[k] = img[k]
  return out
}

const DEFAULT_PATH = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'

/** The process environment from Config.Env (moby CreateDaemonEnvironment): PATH, HOSTNAME and,
 *  with a tty, TERM as defaults the container's entries replace; an entry without `=` (`-e VAR`
 *  with VAR unset in the client) is not passed on and removes a default of that name. */
export function processEnv(configEnv: readonly string[], opts: { hostname: string; tty: boolean }): string[] {
  const defaults = [DEFAULT_PATH, `HOSTNAME=${opts.hostname}`]
  if (opts.tty) defaults.push('TERM=xterm')
  const out = new Map<string, string | undefined>()
  for (const e of defaults) out.set(e.split('=', 1)[0]!, e)
  for (const e of configEnv) {
    const i = e.indexOf('=')
    if (i < 0) {
      if (defaults.some((d) => d.startsWith(`${e}=`))) out.set(e, undefined)
      continue
    }
    out.set(e.slice(0, i), e)
  }
  return [...out.values()].filter((e): e is string => e !== undefined)
}
