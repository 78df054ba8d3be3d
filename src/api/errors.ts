// The only place an error kind becomes an HTTP status. Bodies are {"message": …} as Docker's.
import { BerthError, type ErrorKind, messageOf } from '../lib/errors.ts'

const STATUS: Record<ErrorKind, number> = {
  'invalid-argument': 400,
  unauthorized: 401,
  forbidden: 403,
  'not-found': 404,
  conflict: 409,
  'not-modified': 304,
  'not-implemented': 501,
  unavailable: 503,
  internal: 500,
}

export function httpStatusOf(err: unknown): number {
  return err instanceof BerthError ? STATUS[err.kind] : 500
}

export function errorBody(err: unknown): { message: string } {
  return { message: messageOf(err) }
}
