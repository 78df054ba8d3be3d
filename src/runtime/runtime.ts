// The Runtime interface: what the container service needs from an OCI runtime and its monitor.
// Implementations hold no container state of their own beyond what the runtime and monitor
// keep on disk; the container service decides which transitions are legal.

import type { ContainerStats } from './stats.ts'

export interface CreateOptions {
  /** Absolute path of the OCI bundle (holds config.json; rootfs path is inside config.json). */
  bundle: string
  /** Allocate a pseudo-terminal for the process (config.json has process.terminal = true). */
  tty: boolean
  /** Keep a stdin pipe open to the container so attach can write to it. */
  openStdin: boolean
  /** Close the container's stdin after the first attached client detaches (Docker's StdinOnce). */
  stdinOnce: boolean
  /** Absolute path of the log file (k8s-file format: `<RFC3339Nano> stdout|stderr P|F <text>`). */
  logPath: string
  /** Maximum log size in bytes before rotation; 0 = unlimited. */
  logSizeMax?: number
  signal?: AbortSignal
}

export interface ExitStatus {
  exitCode: number
  /** When the process exited, as recorded by the monitor. */
  finishedAt: Date
  oomKilled: boolean
}

/** One exec session: a process run inside a running container (`runc exec` under its own conmon). */
export interface ExecOptions {
  /** The OCI `process` object (config.json schema: args, env, cwd, user, terminal, capabilities…). */
  process: Record<string, unknown>
  /** Allocate a pseudo-terminal (must match process.terminal). */
  tty: boolean
  /** Keep a stdin pipe open so openStdin() can feed the process. */
  openStdin: boolean
  /** Absolute path of the session's output log (k8s-file, like CreateOptions.logPath). */
  logPath: string
  signal?: AbortSignal
}

/** A started exec session. */
export interface ExecProcess {
  /** Host pid of the exec'd process. */
  pid: number
  /** Resolves with the exit code once the process has ended and its output is fully logged.
   *  Never rejects: an unknown outcome (monitor lost) resolves with -1. */
  exited: Promise<number>
  /** When set, the process's output arrives here instead of in `logPath` (each ends once the
   *  process and its runtime have closed it). The caller must consume or discard both. */
  stdout?: NodeJS.ReadableStream
  stderr?: NodeJS.ReadableStream
  /** The process's stdin (only with openStdin); ending it closes the process's stdin. */
  openStdin(): Promise<NodeJS.WritableStream>
  /** Resizes the session's terminal (tty sessions only). */
  resize(size: { height: number; width: number }): Promise<void>
}

export type RuntimeStatus = 'created' | 'running' | 'paused' | 'stopped'

export interface RuntimeState {
  status: RuntimeStatus
  pid: number
}

export interface Runtime {
  /** Runtime name as shown by /info (e.g. "runc"). */
  readonly name: string

  /** Starts the monitor, which creates the container (not yet started). Resolves with the
   *  container's init pid once created.
   *  @throws InternalError with the runtime's message when creation fails; nothing is left behind. */
  create(id: string, opts: CreateOptions): Promise<{ pid: number }>

  /** Starts the created container's process. @throws InternalError when the runtime refuses. */
  start(id: string): Promise<void>

  /** Sends a signal to the init process (or all processes). @throws NotFoundError if the
   *  runtime does not know the container; InternalError otherwise. */
  kill(id: string, signal: string, opts?: { all?: boolean }): Promise<void>

  /** Freezes or thaws every process of the container. */
  pause(id: string): Promise<void>
  resume(id: string): Promise<void>

  /** Changes the cgroup limits of a running or paused container (OCI LinuxResources: memory,
   *  cpu, pids, blockIO). @throws NotFoundError, ConflictError when it is not running. */
  update(id: string, resources: Record<string, unknown>): Promise<void>

  /** Removes the runtime's record of a stopped container and its monitor's files. Idempotent. */
  delete(id: string, opts?: { force?: boolean }): Promise<void>

  /** The runtime's view of the container, or undefined if it does not know it. */
  state(id: string): Promise<RuntimeState | undefined>

  /** Pids of every process in the container (host pid namespace). */
  pids(id: string): Promise<number[]>

  /** The recorded exit of a container whose process has ended, or undefined while it runs
   *  (or if it never ran). Reads what the monitor wrote, so it also works for exits that
   *  happened while berthd was down. */
  exitStatus(id: string): Promise<ExitStatus | undefined>

  /** Calls `listener(id)` whenever some container's exit is recorded. Returns an unsubscribe
   *  function. Exits that happened before subscribing are found with exitStatus(). */
  onExit(listener: (id: string) => void): () => void

  /** Opens the container's stdin for writing (only when created with openStdin). The
   *  returned stream ends the container's stdin when ended, if stdinOnce. */
  openStdin(id: string): Promise<NodeJS.WritableStream>

  /** Resize the container's terminal (tty containers only). */
  resize(id: string, size: { height: number; width: number }): Promise<void>

  /** Runs a process inside the running container `id`. `execId` names the session (a safe id,
   *  unique per container); its files are removed once the process has exited.
   *  Resolves once the process runs.
   *  @throws NotFoundError if the runtime does not know the container; ConflictError if it is not
   *  running; InternalError with the runtime's message when the process cannot be started
   *  (e.g. "executable file not found"). */
  exec(id: string, execId: string, opts: ExecOptions): Promise<ExecProcess>

  /** Resource usage read from the container's cgroup (v1, v2 or hybrid). Cheap; safe to call
   *  concurrently. @throws NotFoundError if the container has no cgroup (not running). */
  stats(id: string): Promise<ContainerStats>
}
