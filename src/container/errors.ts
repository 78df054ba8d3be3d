// Container-specific error classes with Docker's wording (clients match on some of it).
import {
  type BerthError,
  ConflictError,
  InternalError,
  InvalidArgumentError,
  messageOf,
  NotFoundError,
} from '../lib/errors.ts'
import { NoSuchNetworkError, PortAllocatedError } from '../network/index.ts'

export class NoSuchContainerError extends NotFoundError {
  constructor(ref: string) {
    super(`No such container: ${ref}`)
  }
}

export class NameInUseError extends ConflictError {
  constructor(name: string, id: string) {
    super(
      `Conflict. The container name "/${name}" is already in use by container "${id}". You have to remove (or rename) that container to be able to reuse that name.`,
    )
  }
}

export class NotRunningError extends ConflictError {
  constructor(ref: string) {
    super(`Container ${ref} is not running`)
  }
}

/** A failed task create/start, as dockerd reports it: containerd's wrapping around the runtime's
 *  message, then moby's translateContainerdStartErr. A missing or non-executable command (and a
 *  bind onto the wrong file type) is the request's fault (400) and gives exit code 127 or 126,
 *  which the docker CLI also derives from the text; anything else is 500 with exit code 128. */
export function startTaskError(cause: unknown): { error: BerthError; exitCode: number } {
  let msg = `failed to create task for container: failed to create shim task: OCI runtime create failed: ${messageOf(cause)}: unknown`
  const has = (s: string) => msg.toLowerCase().includes(s)
  let exitCode = 128
  if (NOT_FOUND_TEXTS.some(has)) exitCode = 127
  if (has('permission denied')) exitCode = 126
  // Go ≥ 1.20 reports executing a directory as EISDIR; moby appends EACCES for the CLI's sake.
  if (has('is a directory')) {
    msg += ': permission denied'
    return { error: new InvalidArgumentError(msg, { cause }), exitCode: 126 }
  }
  if (has('not a directory')) {
    msg +=
      ': Are you trying to mount a directory onto a file (or vice-versa)? Check if the specified host path exists and is the expected type'
    exitCode = 127
  }
  const error =
    exitCode === 128 ? new InternalError(msg, { cause }) : new InvalidArgumentError(msg, { cause })
  return { error, exitCode }
}

const NOT_FOUND_TEXTS = [
  'executable file not found',
  'no such file or directory',
  'system cannot find the file specified',
  'failed to run runc create/exec call',
]

/** What a failed start reports, as dockerd's containerStart. Before the task exists (mounts,
 *  networking, the OCI spec) the error itself: a taken port, a missing network or network
 *  container and conflicts keep their kind, anything else is a system error (500) with its own
 *  text (`unable to find user x: no matching entries in passwd file`). Exit code 128. Once the
 *  runtime was asked to create the task, startTaskError's wrapping and classification. */
export function startFailure(err: unknown, task: boolean): { error: Error; exitCode: number } {
  if (err instanceof PortAllocatedError || err instanceof NoSuchNetworkError)
    return { error: err, exitCode: 128 }
  if (task) return startTaskError(err)
  if (err instanceof NotFoundError || err instanceof ConflictError) return { error: err, exitCode: 128 }
  return { error: new InternalError(messageOf(err), { cause: err }), exitCode: 128 }
}
