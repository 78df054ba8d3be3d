// Engine JSON → the container update request (POST /containers/{id}/update, ContainerUpdateRequest).
import { UPDATE_NUMERIC_FIELDS, type UpdateRequest } from '../../container/index.ts'
import { InvalidArgumentError } from '../../lib/errors.ts'

function typeError(field: string, want: string, v: unknown): InvalidArgumentError {
  return new InvalidArgumentError(
    `json: cannot unmarshal ${typeof v} into Go struct field UpdateConfig.${field} of type ${want}`,
  )
}

export function toUpdateRequest(body: unknown): UpdateRequest {
  if (body === null || typeof body !== 'object' || Array.isArray(body))
    throw new InvalidArgumentError('invalid JSON: the update body must be an object')
  const b = body as Record<string, unknown>
  const out: UpdateRequest = {}
  for (const k of UPDATE_NUMERIC_FIELDS) {
    const v = b[k]
    if (v === undefined || v === null) continue
    if (typeof v !== 'number' || !Number.isInteger(v)) throw typeError(k, 'int64', v)
    out[k] = v
  }
  for (const k of ['CpusetCpus', 'CpusetMems'] as const) {
    const v = b[k]
    if (v === undefined || v === null) continue
    if (typeof v !== 'string') throw typeError(k, 'string', v)
    out[k] = v
  }
  if (b.PidsLimit !== undefined && b.PidsLimit !== null) {
    if (typeof b.PidsLimit !== 'number' || !Number.isInteger(b.PidsLimit))
      throw typeError('PidsLimit', 'int64', b.PidsLimit)
    out.PidsLimit = b.PidsLimit
  }
  const rp = b.RestartPolicy
  if (rp !== undefined && rp !== null) {
    if (typeof rp !== 'object' || Array.isArray(rp)) throw typeError('RestartPolicy', 'object', rp)
    const { Name, MaximumRetryCount } = rp as Record<string, unknown>
    if (Name !== undefined && typeof Name !== 'string') throw typeError('RestartPolicy.Name', 'string', Name)
    if (MaximumRetryCount !== undefined && typeof MaximumRetryCount !== 'number')
      throw typeError('RestartPolicy.MaximumRetryCount', 'int', MaximumRetryCount)
    out.RestartPolicy = {
      ...(Name === undefined ? {} : { Name: Name as NonNullable<UpdateRequest['RestartPolicy']>['Name'] }),
      ...(MaximumRetryCount === undefined ? {} : { MaximumRetryCount }),
    }
  }
  return out
}
