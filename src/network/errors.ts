// Errors of the network domain, with Docker's wording (clients match on some of them).
import { ConflictError, ForbiddenError, NotFoundError } from '../lib/errors.ts'

export class NoSuchNetworkError extends NotFoundError {
  constructor(ref: string) {
    super(`network ${ref} not found`)
  }
}

export class NetworkNameInUseError extends ConflictError {
  constructor(name: string) {
    super(`network with name ${name} already exists`)
  }
}

/** libnetwork's ActiveEndpointsError, a Forbidden error (403) in dockerd. */
export class ActiveEndpointsError extends ForbiddenError {
  constructor(name: string, id: string) {
    super(`error while removing network: network ${name} id ${id} has active endpoints`)
  }
}
