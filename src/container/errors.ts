// Container-specific error classes with Docker's wording (clients match on some of it).
import { ConflictError, NotFoundError } from '../lib/errors.ts'

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
