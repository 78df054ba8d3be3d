// dockerd's checks of a container's resource limits that depend on the host or span several
// fields (verifyPlatformContainerResources), run at create and at update so that a bad value is
// refused with a 400 instead of failing the start: the CPU count against the host's CPUs,
// NanoCpus against CPU period/quota, the memory swappiness range.
import { availableParallelism } from 'node:os'
import { InvalidArgumentError } from '../lib/errors.ts'

export interface ResourceFields {
  NanoCpus?: number
  CpuPeriod?: number
  CpuQuota?: number
  /** -1 (what older docker CLIs send) or null/absent: the kernel's default. */
  MemorySwappiness?: unknown
}

/** @throws InvalidArgumentError with dockerd's messages. `ncpu` is the host's CPU count (as
 *  dockerd's sysinfo.NumCPU, the affinity mask). */
export function validateResources(r: ResourceFields, ncpu = availableParallelism()): void {
  const nano = r.NanoCpus ?? 0
  if (nano > 0 && (r.CpuPeriod ?? 0) > 0)
    throw new InvalidArgumentError('Conflicting options: Nano CPUs and CPU Period cannot both be set')
  if (nano > 0 && (r.CpuQuota ?? 0) > 0)
    throw new InvalidArgumentError('Conflicting options: Nano CPUs and CPU Quota cannot both be set')
  if (nano < 0 || nano > ncpu * 1e9)
    throw new InvalidArgumentError(
      `Range of CPUs is from 0.01 to ${ncpu}.00, as there are only ${ncpu} CPUs available`,
    )
  const sw = r.MemorySwappiness
  if (typeof sw === 'number' && (sw < -1 || sw > 100))
    throw new InvalidArgumentError(`Invalid value: ${sw}, valid memory swappiness range is 0-100`)
}
