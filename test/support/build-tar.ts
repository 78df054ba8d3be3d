// Build contexts for tests: a tar made from a map of paths (files with modes, symlinks,
// directories), as `docker build` would send it.
import { encodeHeader, endOfArchive, padding, type TarHeader } from '../../src/lib/tar/index.ts'

export type Entry =
  | string
  | Buffer
  | { content: string | Buffer; mode?: number }
  | { symlink: string }
  | { dir: true }

/** A context tar from a map of paths (files, symlinks, directories). */
export function tarOf(files: Record<string, Entry>): Buffer {
  const parts: Buffer[] = []
  for (const [name, e] of Object.entries(files)) {
    const h: TarHeader = {
      name,
      type: 'file',
      mode: 0o644,
      uid: 0,
      gid: 0,
      size: 0,
      mtime: 1_700_000_000,
      linkname: '',
      devmajor: 0,
      devminor: 0,
      xattrs: {},
    }
    let data = Buffer.alloc(0)
    if (typeof e === 'string' || Buffer.isBuffer(e)) data = Buffer.from(e)
    else if ('symlink' in e) Object.assign(h, { type: 'symlink', linkname: e.symlink })
    else if ('dir' in e) Object.assign(h, { type: 'directory', name: `${name}/`, mode: 0o755 })
    else {
      data = Buffer.from(e.content)
      if (e.mode !== undefined) h.mode = e.mode
    }
    h.size = data.length
    parts.push(encodeHeader(h), data, Buffer.alloc(padding(data.length)))
  }
  parts.push(endOfArchive())
  return Buffer.concat(parts)
}
