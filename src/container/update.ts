// `docker update` on the container side: which HostConfig fields may change, dockerd's checks
// (restart policy vs AutoRemove, NanoCpus vs CPU period/quota, memory vs an already set
// memory+swap), and the merged host config. Applying it to the cgroup is the runtime's job
// (ContainerService.update calls Runtime.update with resourcesFor()).
import { InvalidArgumentError } from '../lib/errors.ts'
import { validateResources } from './resource-checks.ts'
import type { HostConfig, RestartPolicy } from './types.ts'

/** The body of POST /containers/{id}/update (Engine API ContainerUpdateRequest), the parts berth applies. */
export interface UpdateRequest {
  CpuShares?: number
  Memory?: number
  MemorySwap?: number
  MemoryReservation?: number
  NanoCpus?: number
  CpuPeriod?: number
  CpuQuota?: number
  CpusetCpus?: string
  CpusetMems?: string
  BlkioWeight?: number
  /** 0 or -1: unlimited; null/absent: unchanged. */
  PidsLimit?: number | null
  RestartPolicy?: Partial<RestartPolicy>
}

/** The numeric resource fields an update may set (0 or absent: unchanged). */
export const UPDATE_NUMERIC_FIELDS = [
  'CpuShares',
  'Memory',
  'MemorySwap',
  'MemoryReservation',
  'NanoCpus',
  'CpuPeriod',
  'CpuQuota',
  'BlkioWeight',
] as const

/**
 * The host config after `req`, checked as dockerd checks an update. Zero (or absent) numeric
 * fields mean "unchanged", as in Docker's API.
 * @throws InvalidArgumentError with dockerd's messages.
 */
export function mergeUpdate(hc: HostConfig, req: UpdateRequest): HostConfig {
  validateResources(req)
  const out: HostConfig = { ...hc }
  const rp = req.RestartPolicy
  if (rp?.Name !== undefined && rp.Name !== '') {
    if (!['no', 'always', 'unless-stopped', 'on-failure'].includes(rp.Name))
      throw new InvalidArgumentError(`invalid restart policy '${rp.Name}'`)
    if (hc.AutoRemove && rp.Name !== 'no')
      throw new InvalidArgumentError(
        'Restart policy cannot be updated because AutoRemove is enabled for the container',
      )
    if (rp.Name !== 'on-failure' && (rp.MaximumRetryCount ?? 0) > 0)
      throw new InvalidArgumentError(
        "invalid restart policy: maximum retry count can only be used with 'on-failure'",
      )
    if ((rp.MaximumRetryCount ?? 0) < 0)
      throw new InvalidArgumentError('invalid restart policy: maximum retry count cannot be negative')
    out.RestartPolicy = { Name: rp.Name, MaximumRetryCount: rp.MaximumRetryCount ?? 0 }
  }
  const set = (k: (typeof UPDATE_NUMERIC_FIELDS)[number]) => (req[k] ?? 0) !== 0
  if (set('CpuQuota') && hc.NanoCpus > 0 && !set('NanoCpus'))
    throw new InvalidArgumentError(
      'Conflicting options: CPU Quota cannot be updated as NanoCPUs has already been set',
    )
  if (set('CpuPeriod') && hc.NanoCpus > 0 && !set('NanoCpus'))
    throw new InvalidArgumentError(
      'Conflicting options: CPU Period cannot be updated as NanoCPUs has already been set',
    )
  if (set('NanoCpus') && (hc.CpuQuota > 0 || hc.CpuPeriod > 0) && !set('CpuQuota') && !set('CpuPeriod'))
    throw new InvalidArgumentError(
      'Conflicting options: NanoCPUs cannot be updated as CPU Period has already been set',
    )
  if (set('Memory') && !set('MemorySwap') && hc.MemorySwap > 0 && (req.Memory ?? 0) > hc.MemorySwap)
    throw new InvalidArgumentError(
      'Memory limit should be smaller than already set memoryswap limit, update the memoryswap at the same time',
    )
  for (const k of UPDATE_NUMERIC_FIELDS) if (set(k)) (out as Record<string, unknown>)[k] = req[k]
  if (req.CpusetCpus) out.CpusetCpus = req.CpusetCpus
  if (req.CpusetMems) out.CpusetMems = req.CpusetMems
  if (req.PidsLimit !== undefined && req.PidsLimit !== null) out.PidsLimit = req.PidsLimit
  if (out.Memory > 0 && out.Memory < 6 * 1024 * 1024)
    throw new InvalidArgumentError('Minimum memory limit allowed is 6MB')
  if (out.MemorySwap > 0 && out.Memory === 0)
    throw new InvalidArgumentError(
      'You should always set the Memory limit when using Memoryswap limit, see usage',
    )
  if (out.MemorySwap > 0 && out.MemorySwap < out.Memory)
    throw new InvalidArgumentError('Minimum memoryswap limit should be larger than memory limit, see usage')
  if (set('CpuShares') && (req.CpuShares ?? 0) < 2) out.CpuShares = 2
  return out
}

/** Whether the update touches the cgroup (else only the record changes). */
export function changesResources(req: UpdateRequest): boolean {
  return (
    UPDATE_NUMERIC_FIELDS.some((k) => (req[k] ?? 0) !== 0) ||
    Boolean(req.CpusetCpus) ||
    Boolean(req.CpusetMems) ||
    (req.PidsLimit !== undefined && req.PidsLimit !== null)
  )
}
