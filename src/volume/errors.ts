// Volume error classes with Docker's wording (the CLI prints them verbatim).
import { ConflictError, InvalidArgumentError, NotFoundError } from '../lib/errors.ts'

export class NoSuchVolumeError extends NotFoundError {
  constructor(op: string, name: string) {
    super(`${op} ${name}: no such volume`)
  }
}

export class VolumeInUseError extends ConflictError {
  constructor(name: string, containerIds: string[]) {
    super(`remove ${name}: volume is in use - [${containerIds.join(', ')}]`)
  }
}

export class InvalidVolumeNameError extends InvalidArgumentError {
  constructor(name: string) {
    super(
      `create ${name}: "${name}" includes invalid characters for a local volume name, only "[a-zA-Z0-9][a-zA-Z0-9_.-]" are allowed. If you intended to pass a host directory, use absolute path`,
    )
  }
}
