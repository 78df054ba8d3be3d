// Linux capability names and Docker's capability arithmetic: the default set, CapAdd/CapDrop
// (with ALL, with or without the CAP_ prefix, case-insensitive), and what a privileged container
// gets: every capability the daemon itself holds (HOST-NOTES: asking for more fails to start).
import { readFile } from 'node:fs/promises'
import { InvalidArgumentError } from '../lib/errors.ts'

/** Every capability by number (linux/capability.h), CAP_CHOWN = 0 … CAP_CHECKPOINT_RESTORE = 40. */
export const ALL_CAPABILITIES: readonly string[] = [
  'CAP_CHOWN',
  'CAP_DAC_OVERRIDE',
  'CAP_DAC_READ_SEARCH',
  'CAP_FOWNER',
  'CAP_FSETID',
  'CAP_KILL',
  'CAP_SETGID',
  'CAP_SETUID',
  'CAP_SETPCAP',
  'CAP_LINUX_IMMUTABLE',
  'CAP_NET_BIND_SERVICE',
  'CAP_NET_BROADCAST',
  'CAP_NET_ADMIN',
  'CAP_NET_RAW',
  'CAP_IPC_LOCK',
  'CAP_IPC_OWNER',
  'CAP_SYS_MODULE',
  'CAP_SYS_RAWIO',
  'CAP_SYS_CHROOT',
  'CAP_SYS_PTRACE',
  'CAP_SYS_PACCT',
  'CAP_SYS_ADMIN',
  'CAP_SYS_BOOT',
  'CAP_SYS_NICE',
  'CAP_SYS_RESOURCE',
  'CAP_SYS_TIME',
  'CAP_SYS_TTY_CONFIG',
  'CAP_MKNOD',
  'CAP_LEASE',
  'CAP_AUDIT_WRITE',
  'CAP_AUDIT_CONTROL',
  'CAP_SETFCAP',
  'CAP_MAC_OVERRIDE',
  'CAP_MAC_ADMIN',
  'CAP_SYSLOG',
  'CAP_WAKE_ALARM',
  'CAP_BLOCK_SUSPEND',
  'CAP_AUDIT_READ',
  'CAP_PERFMON',
  'CAP_BPF',
  'CAP_CHECKPOINT_RESTORE',
]

/** Docker's default capabilities for a non-privileged container (moby oci/caps defaults). */
export const DEFAULT_CAPABILITIES: readonly string[] = [
  'CAP_CHOWN',
  'CAP_DAC_OVERRIDE',
  'CAP_FSETID',
  'CAP_FOWNER',
  'CAP_MKNOD',
  'CAP_NET_RAW',
  'CAP_SETGID',
  'CAP_SETUID',
  'CAP_SETFCAP',
  'CAP_SETPCAP',
  'CAP_NET_BIND_SERVICE',
  'CAP_SYS_CHROOT',
  'CAP_KILL',
  'CAP_AUDIT_WRITE',
]

/** `net_admin`, `NET_ADMIN` or `CAP_NET_ADMIN` → `CAP_NET_ADMIN`; `ALL` stays `ALL`.
 *  @throws InvalidArgumentError for an unknown capability (Docker's wording). */
export function normalizeCapability(name: string): string {
  const upper = name.trim().toUpperCase()
  if (upper === 'ALL') return 'ALL'
  const full = upper.startsWith('CAP_') ? upper : `CAP_${upper}`
  if (!ALL_CAPABILITIES.includes(full)) throw new InvalidArgumentError(`unknown capability: "${name}"`)
  return full
}

/**
 * Docker's rules: start from the defaults (or everything when CapAdd has ALL), remove CapDrop
 * (everything when it has ALL, then re-add the explicit CapAdd entries), add CapAdd. The result
 * is limited to `available` (the daemon's bounding set), in kernel order.
 */
export function resolveCapabilities(opts: {
  capAdd?: readonly string[]
  capDrop?: readonly string[]
  privileged?: boolean
  available?: readonly string[]
}): string[] {
  const available = new Set(opts.available ?? ALL_CAPABILITIES)
  if (opts.privileged) return ALL_CAPABILITIES.filter((c) => available.has(c))
  const add = (opts.capAdd ?? []).map(normalizeCapability)
  const drop = (opts.capDrop ?? []).map(normalizeCapability)
  const set = new Set<string>(add.includes('ALL') ? ALL_CAPABILITIES : DEFAULT_CAPABILITIES)
  if (drop.includes('ALL')) set.clear()
  for (const c of drop) set.delete(c)
  for (const c of add) if (c !== 'ALL') set.add(c)
  return ALL_CAPABILITIES.filter((c) => set.has(c) && available.has(c))
}

/** Capabilities whose bit is set in a /proc status mask (`CapBnd: 000001fffeffffff`). Pure. */
export function capabilitiesFromMask(hex: string): string[] {
  const mask = BigInt(`0x${hex.trim()}`)
  return ALL_CAPABILITIES.filter((_, bit) => (mask >> BigInt(bit)) & 1n)
}

/** The daemon's bounding set: what a privileged container can get here. */
export async function readDaemonCapabilities(statusPath = '/proc/self/status'): Promise<string[]> {
  const status = await readFile(statusPath, 'utf8')
  const line = /^CapBnd:\s*([0-9a-f]+)$/m.exec(status)
  return line?.[1] === undefined ? [...ALL_CAPABILITIES] : capabilitiesFromMask(line[1])
}
