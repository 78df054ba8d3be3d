// Converts what a registry answers into berth's error kinds at the edge: the OCI error body
// ({"errors":[{"code","message","detail"}]}) rendered as docker renders errcode errors
// ("manifest unknown: manifest unknown"), the HTTP status chosen as the kind, and
// connection failures as docker words them (`Get "<url>": …`).
import {
  type BerthError,
  ForbiddenError,
  InternalError,
  InvalidArgumentError,
  messageOf,
  NotFoundError,
  UnauthorizedError,
  UnavailableError,
} from '../../lib/errors.ts'

export interface RegistryErrorItem {
  code: string
  message: string
}

/** The OCI error items of a response body; empty when the body is not one. */
export function parseErrorBody(text: string): RegistryErrorItem[] {
  try {
    const body = JSON.parse(text) as { errors?: Array<{ code?: unknown; message?: unknown }> }
    if (!Array.isArray(body?.errors)) return []
    return body.errors.map((e) => ({
      code: typeof e?.code === 'string' ? e.code : 'UNKNOWN',
      message: typeof e?.message === 'string' ? e.message : '',
    }))
  } catch {
    // Not JSON (an HTML error page, a proxy's text): the caller falls back to the status line.
    return []
  }
}

/** docker's errcode rendering: "<code, lower case with spaces>: <message>", joined by "; ". */
export function renderErrors(items: RegistryErrorItem[]): string {
  return items
    .map((e) => {
      const code = e.code.toLowerCase().replace(/_/g, ' ')
      return e.message ? `${code}: ${e.message}` : code
    })
    .join('; ')
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  416: 'Range Not Satisfiable',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
}

export function statusText(status: number): string {
  return `${status} ${STATUS_TEXT[status] ?? 'Error'}`
}

/** A BerthError of the kind the status implies, carrying `message`. */
export function errorForStatus(status: number, message: string, cause?: unknown): BerthError {
  const opts = cause === undefined ? undefined : { cause }
  if (status === 401) return new UnauthorizedError(message, opts)
  if (status === 403) return new ForbiddenError(message, opts)
  if (status === 404) return new NotFoundError(message, opts)
  if (status === 400 || status === 405 || status === 416) return new InvalidArgumentError(message, opts)
  if (status === 429 || status >= 500) return new UnavailableError(message, opts)
  return new InternalError(message, opts)
}

/** The registry's own words for a failed response, or the status line. */
export function describeFailure(status: number, bodyText: string): string {
  const items = parseErrorBody(bodyText)
  if (items.length > 0) return renderErrors(items)
  if (status === 401) return 'unauthorized: authentication required'
  if (status === 403) return 'denied: requested access to the resource is denied'
  return `unexpected status from registry: ${statusText(status)}`
}

/** A failed fetch (no HTTP answer) as docker reports it: `Get "<url>": <reason>`. */
export function connectionError(method: string, url: string, err: unknown): UnavailableError {
  const cause = (err as { cause?: unknown })?.cause
  const reason = goDialReason(cause ?? err) ?? (cause ? messageOf(cause) : messageOf(err))
  const verb = method.charAt(0) + method.slice(1).toLowerCase()
  return new UnavailableError(`${verb} "${url}": ${reason}`, { cause: err })
}

/** True for the rejection of an aborted fetch or stream (the caller's signal fired). */
export function isAbort(err: unknown): boolean {
  return (err as { name?: unknown })?.name === 'AbortError'
}

/** Node's socket errors in the words of Go's net package, which docker prints and clients match
 *  ("no such host", "connection refused"); undefined for other errors. */
export function goDialReason(err: unknown): string | undefined {
  const e = err as { code?: unknown; hostname?: unknown; address?: unknown; port?: unknown }
  const addr =
    typeof e.address === 'string' ? `${e.address.includes(':') ? `[${e.address}]` : e.address}:${e.port}` : ''
  switch (e.code) {
    case 'ENOTFOUND':
      return `dial tcp: lookup ${String(e.hostname ?? '')}: no such host`
    case 'EAI_AGAIN':
      return `dial tcp: lookup ${String(e.hostname ?? '')}: Temporary failure in name resolution`
    case 'ECONNREFUSED':
      return `dial tcp ${addr}: connect: connection refused`
    case 'EHOSTUNREACH':
      return `dial tcp ${addr}: connect: no route to host`
    case 'ENETUNREACH':
      return `dial tcp ${addr}: connect: network is unreachable`
    case 'ETIMEDOUT':
    case 'UND_ERR_CONNECT_TIMEOUT':
      return `dial tcp ${addr}: i/o timeout`
    default:
      return undefined
  }
}
