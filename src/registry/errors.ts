// OCI distribution error codes (spec "Error Codes"): the registry's error classes, each a
// subclass of one lib/errors.ts kind carrying its OCI code, and the single mapping from any
// thrown value to a status and a {"errors":[…]} body. Routes never pick a status.
import {
  BerthError,
  type ErrorKind,
  ForbiddenError,
  InvalidArgumentError,
  NotFoundError,
  NotImplementedError,
  UnauthorizedError,
  UnavailableError,
} from '../lib/errors.ts'

export type OciErrorCode =
  | 'BLOB_UNKNOWN'
  | 'BLOB_UPLOAD_INVALID'
  | 'BLOB_UPLOAD_UNKNOWN'
  | 'DIGEST_INVALID'
  | 'MANIFEST_BLOB_UNKNOWN'
  | 'MANIFEST_INVALID'
  | 'MANIFEST_UNKNOWN'
  | 'NAME_INVALID'
  | 'NAME_UNKNOWN'
  | 'SIZE_INVALID'
  | 'UNAUTHORIZED'
  | 'DENIED'
  | 'UNSUPPORTED'
  | 'TOOMANYREQUESTS'
  | 'UNKNOWN'

export class BlobUnknownError extends NotFoundError {
  readonly ociCode = 'BLOB_UNKNOWN'
}
/** Stored bytes that no longer match their digest: reported as unknown (they were deleted)
 *  and logged as a warning. */
export class CorruptedBlobError extends BlobUnknownError {}
export class BlobUploadUnknownError extends NotFoundError {
  readonly ociCode = 'BLOB_UPLOAD_UNKNOWN'
}
export class BlobUploadInvalidError extends InvalidArgumentError {
  readonly ociCode = 'BLOB_UPLOAD_INVALID'
}
/** A chunk that does not start where the upload ends (spec: 416). */
export class RangeNotSatisfiableError extends InvalidArgumentError {
  readonly ociCode = 'BLOB_UPLOAD_INVALID'
}
/** A blob GET whose Range lies outside the blob (RFC 9110 15.5.17: 416). */
export class BlobRangeError extends InvalidArgumentError {
  readonly ociCode = 'BLOB_UNKNOWN'
  readonly size: number
  constructor(message: string, size: number) {
    super(message)
    this.size = size
  }
}
export class DigestInvalidError extends InvalidArgumentError {
  readonly ociCode = 'DIGEST_INVALID'
}
export class SizeInvalidError extends InvalidArgumentError {
  readonly ociCode = 'SIZE_INVALID'
}
export class ManifestBlobUnknownError extends InvalidArgumentError {
  readonly ociCode = 'MANIFEST_BLOB_UNKNOWN'
}
export class ManifestInvalidError extends InvalidArgumentError {
  readonly ociCode = 'MANIFEST_INVALID'
}
/** A manifest over the size limit (spec "Pushing Manifests": 413). */
export class ManifestTooLargeError extends InvalidArgumentError {
  readonly ociCode = 'SIZE_INVALID'
}
export class ManifestUnknownError extends NotFoundError {
  readonly ociCode = 'MANIFEST_UNKNOWN'
}
export class NameInvalidError extends InvalidArgumentError {
  readonly ociCode = 'NAME_INVALID'
}
export class NameUnknownError extends NotFoundError {
  readonly ociCode = 'NAME_UNKNOWN'
}
/** Deletion disabled and similar (spec: 400 or 405; we answer 405). */
export class UnsupportedError extends NotImplementedError {
  readonly ociCode = 'UNSUPPORTED'
}
/** Authentication missing or wrong; `challenge` becomes WWW-Authenticate. */
export class RegistryUnauthorizedError extends UnauthorizedError {
  readonly ociCode = 'UNAUTHORIZED'
  readonly challenge: string
  readonly detail: unknown
  constructor(message: string, challenge: string, detail?: unknown) {
    super(message)
    this.challenge = challenge
    this.detail = detail
  }
}
export class DeniedError extends ForbiddenError {
  readonly ociCode = 'DENIED'
}
/** The pull-through cache's upstream is unreachable or failing (503). */
export class UpstreamUnavailableError extends UnavailableError {
  readonly ociCode = 'UNKNOWN'
}

const STATUS: Record<ErrorKind, number> = {
  'invalid-argument': 400,
  unauthorized: 401,
  forbidden: 403,
  'not-found': 404,
  conflict: 409,
  'not-modified': 304,
  'not-implemented': 405,
  unavailable: 503,
  internal: 500,
}

const DEFAULT_CODE: Record<ErrorKind, OciErrorCode> = {
  'invalid-argument': 'UNSUPPORTED',
  unauthorized: 'UNAUTHORIZED',
  forbidden: 'DENIED',
  'not-found': 'NAME_UNKNOWN',
  conflict: 'UNSUPPORTED',
  'not-modified': 'UNKNOWN',
  'not-implemented': 'UNSUPPORTED',
  unavailable: 'TOOMANYREQUESTS',
  internal: 'UNKNOWN',
}

export interface OciErrorReply {
  status: number
  headers: Record<string, string>
  body: { errors: { code: OciErrorCode; message: string; detail?: unknown }[] }
}

/** The one place a thrown value becomes an HTTP status, headers and OCI error body. */
export function ociErrorOf(err: unknown): OciErrorReply {
  if (!(err instanceof BerthError)) {
    return { status: 500, headers: {}, body: { errors: [{ code: 'UNKNOWN', message: 'internal error' }] } }
  }
  const code: OciErrorCode =
    'ociCode' in err && typeof err.ociCode === 'string'
      ? (err.ociCode as OciErrorCode)
      : DEFAULT_CODE[err.kind]
  let status = STATUS[err.kind]
  const headers: Record<string, string> = {}
  if (err instanceof RangeNotSatisfiableError) status = 416
  if (err instanceof BlobRangeError) {
    status = 416
    headers['Content-Range'] = `bytes */${err.size}`
  }
  if (err instanceof ManifestTooLargeError) status = 413
  if (err instanceof UnavailableError && code === 'TOOMANYREQUESTS') headers['Retry-After'] = '1'
  const entry: OciErrorReply['body']['errors'][number] = { code, message: err.message }
  if (err instanceof RegistryUnauthorizedError) {
    headers['WWW-Authenticate'] = err.challenge
    if (err.detail !== undefined) entry.detail = err.detail
  }
  if (status >= 500 && !(err instanceof UnavailableError)) entry.message = 'internal error'
  return { status, headers, body: { errors: [entry] } }
}
