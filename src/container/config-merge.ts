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
