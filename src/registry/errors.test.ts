import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { InternalError, InvalidArgumentError, NotFoundError } from '../lib/errors.ts'
import {
  BlobRangeError,
  BlobUnknownError,
  ManifestTooLargeError,
  ociErrorOf,
  RangeNotSatisfiableError,
  RegistryUnauthorizedError,
  UnsupportedError,
} from './errors.ts'

describe('ociErrorOf', () => {
  it('maps registry errors to their code and status', () => {
    const e = ociErrorOf(new BlobUnknownError('blob unknown: x'))
    assert.equal(e.status, 404)
    assert.deepEqual(e.body, { errors: [{ code: 'BLOB_UNKNOWN', message: 'blob unknown: x' }] })
  })
  it('uses 416 for ranges, 413 for large manifests, 405 for unsupported', () => {
    assert.equal(ociErrorOf(new RangeNotSatisfiableError('x')).status, 416)
    const r = ociErrorOf(new BlobRangeError('x', 10))
    assert.equal(r.status, 416)
    assert.equal(r.headers['Content-Range'], 'bytes */10')
    assert.equal(ociErrorOf(new ManifestTooLargeError('x')).status, 413)
    assert.equal(ociErrorOf(new UnsupportedError('x')).status, 405)
  })
  it('adds the challenge to 401s', () => {
    const e = ociErrorOf(new RegistryUnauthorizedError('no', 'Basic realm="r"'))
    assert.equal(e.status, 401)
    assert.equal(e.headers['WWW-Authenticate'], 'Basic realm="r"')
    assert.equal(e.body.errors[0]?.code, 'UNAUTHORIZED')
  })
  it('falls back by kind, and hides internal messages', () => {
    assert.equal(ociErrorOf(new NotFoundError('x')).status, 404)
    assert.equal(ociErrorOf(new InvalidArgumentError('x')).status, 400)
    const i = ociErrorOf(new InternalError('secret path /x'))
    assert.equal(i.status, 500)
    assert.equal(i.body.errors[0]?.message, 'internal error')
    assert.equal(ociErrorOf(new TypeError('bug')).status, 500)
  })
})
