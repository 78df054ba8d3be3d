// ADD <url>: downloads the file (http/https), names it after the URL's last path segment, takes
// its time from Last-Modified, and checks --checksum. Docker downloads on every build and keys
// the cache on the content, so does berth.
import { createHash } from 'node:crypto'
import { posix } from 'node:path'
import { InvalidArgumentError, UnavailableError } from '../../lib/errors.ts'

export interface Download {
  name: string
  data: Buffer
  /** Seconds since the epoch (0 when the server sent no Last-Modified). */
  mtime: number
}

export async function fetchUrl(
  url: string,
  opts: { checksum?: string; signal?: AbortSignal },
): Promise<Download> {
  let res: Response
  try {
    res = await fetch(url, { signal: opts.signal, redirect: 'follow' })
  } catch (err) {
    throw new UnavailableError(`failed to download ${url}: ${(err as Error).message}`, { cause: err })
  }
  if (!res.ok) throw new UnavailableError(`failed to download ${url}: ${res.status} ${res.statusText}`)
  const data = Buffer.from(await res.arrayBuffer())
  if (opts.checksum) {
    const want = opts.checksum.replace(/^sha256:/, '')
    const got = createHash('sha256').update(data).digest('hex')
    if (got !== want)
      throw new InvalidArgumentError(`digest mismatch for ${url}: expected sha256:${want}, got sha256:${got}`)
  }
  const lm = res.headers.get('last-modified')
  const mtime = lm ? Math.floor(Date.parse(lm) / 1000) || 0 : 0
  const name = posix.basename(new URL(url).pathname) || 'index.html'
  return { name, data, mtime }
}
