// Parses a blob GET's Range header (RFC 9110 section 14: one "bytes" range) and the
// Content-Range of an upload chunk (spec: "^[0-9]+-[0-9]+$", inclusive).
import { BlobRangeError, RangeNotSatisfiableError } from '../errors.ts'

export interface ByteRange {
  offset: number
  length: number
}

/** Undefined means "send the whole blob" (no header, or a form we ignore as RFC 9110
 *  allows, such as several ranges). @throws BlobRangeError when unsatisfiable or reversed. */
export function parseRange(header: string | undefined, size: number): ByteRange | undefined {
  if (header === undefined) return undefined
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim())
  if (!m || (m[1] === '' && m[2] === '')) return undefined
  let start: number
  let end: number
  if (m[1] === '') {
    const suffix = Number(m[2])
    if (suffix === 0) throw new BlobRangeError(`range ${header} is empty`, size)
    start = Math.max(0, size - suffix)
    end = size - 1
  } else {
    start = Number(m[1])
    end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1)
    // A reversed range is 416, as Go's http.ServeContent (distribution) answers and as the
    // OCI conformance suite expects for "bytes=500-0", rather than ignored.
    if (m[2] !== '' && Number(m[2]) < start) throw new BlobRangeError(`range ${header} is reversed`, size)
  }
  if (start >= size) throw new BlobRangeError(`range ${header} not satisfiable for ${size} bytes`, size)
  return { offset: start, length: end - start + 1 }
}

/** A chunk's Content-Range "<start>-<end>". @throws RangeNotSatisfiableError if malformed. */
export function parseContentRange(header: string | undefined): { start: number; end: number } | undefined {
  if (header === undefined) return undefined
  // Some clients send the RFC 9110 form "bytes 0-99/*"; accept it too.
  const m = /^(?:bytes )?(\d+)-(\d+)(?:\/(?:\d+|\*))?$/.exec(header.trim())
  if (!m) throw new RangeNotSatisfiableError(`invalid Content-Range ${JSON.stringify(header)}`)
  const start = Number(m[1])
  const end = Number(m[2])
  if (end < start) throw new RangeNotSatisfiableError(`invalid Content-Range ${JSON.stringify(header)}`)
  return { start, end }
}
