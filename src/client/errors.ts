// Errors the client raises: a daemon error response (status + the daemon's `message`) and a
// connection failure. Statuses map back to lib/errors kinds so callers branch on `kind`.
import {
  BerthError,
  ConflictError,
  type ErrorKind,
  ForbiddenError,
  InternalError,
  InvalidArgumentError,
  NotFoundError,
  NotImplementedError,
  NotModifiedError,
  UnauthorizedError,
  UnavailableError,
} from '../lib/errors.ts'

const KIND_OF_STATUS: Record<number, ErrorKind> = {
  400: 'invalid-argument',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not-found',
  409: 'conflict',
  304: 'not-modified',
  501: 'not-implemented',
  503: 'unavailable',
}

/** A non-2xx answer from the daemon; `message` is the body's `message` (or the raw body). */
export class EngineApiError extends BerthError {
  readonly kind: ErrorKind
  readonly statusCode: number
  constructor(statusCode: number, message: string) {
    super(message)
    this.statusCode = statusCode
    this.kind = KIND_OF_STATUS[statusCode] ?? 'internal'
  }
}

/** The daemon could not be reached (socket missing, refused, TLS failure). */
export class DaemonUnreachableError extends UnavailableError {
  readonly host: string
  constructor(host: string, cause: unknown) {
    super(`Cannot connect to the Docker daemon at ${host}. Is the docker daemon running?`, { cause })
    this.host = host
  }
}

export function isEngineApiError(err: unknown, status?: number): err is EngineApiError {
  return err instanceof EngineApiError && (status === undefined || err.statusCode === status)
}

// Re-exported so consumers of client/ can branch on kinds without importing lib/ deep paths.
export {
  ConflictError,
  ForbiddenError,
  InternalError,
  InvalidArgumentError,
  NotFoundError,
  NotImplementedError,
  NotModifiedError,
  UnauthorizedError,
}
