// The closed set of error kinds every berth module throws. api/errors.ts maps a kind to an
// HTTP status in one place; nothing else picks a status. Messages follow Docker's wording.

export type ErrorKind =
  | 'invalid-argument'
  | 'unauthorized'
  | 'forbidden'
  | 'not-found'
  | 'conflict'
  | 'not-modified'
  | 'not-implemented'
  | 'unavailable'
  | 'internal'

export abstract class BerthError extends Error {
  abstract readonly kind: ErrorKind
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = new.target.name
  }
}

export class InvalidArgumentError extends BerthError {
  readonly kind = 'invalid-argument'
}
export class UnauthorizedError extends BerthError {
  readonly kind = 'unauthorized'
}
export class ForbiddenError extends BerthError {
  readonly kind = 'forbidden'
}
export class NotFoundError extends BerthError {
  readonly kind = 'not-found'
}
export class ConflictError extends BerthError {
  readonly kind = 'conflict'
}
export class NotModifiedError extends BerthError {
  readonly kind = 'not-modified'
}
export class NotImplementedError extends BerthError {
  readonly kind = 'not-implemented'
}
export class UnavailableError extends BerthError {
  readonly kind = 'unavailable'
}
export class InternalError extends BerthError {
  readonly kind = 'internal'
}

/** The message of anything thrown, for logs and wrapped errors. */
export function messageOf(err: unknown): string {
  if (err instanceof Error) return err.message
  return String(err)
}

/** Node system error code (ENOENT, EEXIST, …) of a thrown value, if it has one. */
export function errnoOf(err: unknown): string | undefined {
  if (typeof err === 'object' && err !== null && 'code' in err) {
    const code = (err as { code: unknown }).code
    return typeof code === 'string' ? code : undefined
  }
  return undefined
}

export function isNotFound(err: unknown): boolean {
  return errnoOf(err) === 'ENOENT'
}
