// The runtime domain's public surface: the Runtime contract, its implementations (conmon-driven
// runc/crun and the in-memory fake), and host facts (cgroup layout, the daemon's own limits).
export {
  type CgroupInfo,
  type CgroupVersion,
  cgroupVersionFromMountinfo,
  detectCgroups,
  removeCgroup,
} from './cgroups.ts'
export { ConmonRuntime, type ConmonRuntimeOptions } from './conmon-runtime.ts'
export { type FakeBehaviour, FakeRuntime } from './fake-runtime.ts'
export { type HostRlimits, parseProcLimits, readHostRlimits } from './host-limits.ts'
export type {
  CreateOptions,
  ExecOptions,
  ExecProcess,
  ExitStatus,
  Runtime,
  RuntimeState,
  RuntimeStatus,
} from './runtime.ts'
export type { BlkioEntry, ContainerStats } from './stats.ts'
