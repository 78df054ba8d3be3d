// dockerd's create-time checks of a HostConfig (verifyContainerSettings): restart policy and its
// combination with AutoRemove, namespace modes, the memory minimums, then the resource checks
// that also run at update (resource-checks.ts). A bad value is a 400 at create, not a failed start.
import { InvalidArgumentError } from '../lib/errors.ts'
import { validateResources } from './resource-checks.ts'
import type { HostConfig } from './types.ts'

/** @throws InvalidArgumentError with dockerd's message for the first bad field. */
export function validateHostConfig(hc: HostConfig): void {
  const rp = hc.RestartPolicy?.Name ?? ''
  if (!['', 'no', 'always', 'unless-stopped', 'on-failure'].includes(rp))
    throw new InvalidArgumentError(`invalid restart policy '${rp}'`)
  if (hc.AutoRemove && rp !== '' && rp !== 'no') {
    throw new InvalidArgumentError(`can't create 'AutoRemove' container with restart policy`)
  }
  if (rp !== 'on-failure' && (hc.RestartPolicy?.MaximumRetryCount ?? 0) > 0) {
    throw new InvalidArgumentError(
      `invalid restart policy: maximum retry count can only be used with 'on-failure'`,
    )
  }
  const ipc = String(hc.IpcMode ?? '')
  if (!['', 'none', 'private', 'shareable', 'host'].includes(ipc) && !/^container:./.test(ipc))
    throw new InvalidArgumentError(`invalid IPC mode: ${ipc}`)
  const pid = String(hc.PidMode ?? '')
  if (!['', 'host'].includes(pid) && !/^container:./.test(pid))
    throw new InvalidArgumentError(`invalid PID mode: ${pid}`)
  const cgroupns = String(hc.CgroupnsMode ?? '')
  if (!['', 'host', 'private'].includes(cgroupns))
    throw new InvalidArgumentError(`invalid cgroup namespace mode: ${cgroupns}`)
  if (hc.Memory > 0 && hc.Memory < 6 * 1024 * 1024)
    throw new InvalidArgumentError('Minimum memory limit allowed is 6MB')
  if (hc.MemorySwap > 0 && hc.Memory > 0 && hc.MemorySwap < hc.Memory) {
    throw new InvalidArgumentError('Minimum memoryswap limit should be larger than memory limit, see usage')
  }
  validateResources(hc)
}
