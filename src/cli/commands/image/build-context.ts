// Client-side build context for `berth build`, as docker's CLI prepares it: a directory packed
// to a tar (honouring .dockerignore, keeping the Dockerfile and .dockerignore, never following
// symlinks, sorted, owned by 0:0), a tar or a lone Dockerfile from stdin, and a Dockerfile from
// stdin or outside the context added under a generated name. URL contexts are refused.
import type { Stats } from 'node:fs'
import { lstat, readdir, readFile, readlink, realpath, stat } from 'node:fs/promises'
import { isAbsolute, relative, resolve, sep } from 'node:path'
import { Readable } from 'node:stream'
import { IgnoreMatcher, keepBuildFiles, loadDockerignore } from '../../../build/context/dockerignore.ts'
import { encodeHeader, endOfArchive, fileData, padding, type TarHeader } from '../../../lib/tar/index.ts'
import { StatusError } from '../../context.ts'

export interface BuildContext {
  /** The tar stream to send as the POST /build body. */
  body: Readable
  /** The `dockerfile` query value (path inside the context). */
  dockerfile: string
}

export interface ContextSource {
  /** The positional argument: a directory, `-`, or a URL (refused). */
  context: string
  /** `-f`: a path relative to the current directory, `-` for stdin, or undefined. */
  file: string | undefined
  cwd: string
  stdin: NodeJS.ReadableStream
}

const fail = (message: string): never => {
  throw new StatusError(1, message)
}

export async function prepareContext(src: ContextSource): Promise<BuildContext> {
  if (src.context === '-') {
    if (src.file === '-') fail("invalid argument: can't use stdin for both build context and dockerfile")
    return contextFromStdin(await readAll(src.stdin), src.file)
  }
  if (/^(https?:\/\/|git@|git:\/\/|github\.com\/)/.test(src.context))
    fail(`unable to prepare context: remote build contexts (${src.context}) are not supported by berth build`)
  const dir = resolve(src.cwd, src.context)
  const st = await stat(dir).catch(() => undefined)
  if (!st) return fail(`unable to prepare context: path "${src.context}" not found`)
  if (!st.isDirectory()) return fail(`unable to prepare context: context must be a directory: ${dir}`)
  const root = await realpath(dir)
  if (src.file === '-') {
    const text = await readAll(src.stdin)
    return withExtraDockerfile(root, text)
  }
  const dockerfile = await locateDockerfile(root, src.file ? resolve(src.cwd, src.file) : undefined)
  const rel = relative(root, dockerfile)
  if (rel.startsWith(`..${sep}`) || rel === '..' || isAbsolute(rel))
    return withExtraDockerfile(root, await readFile(dockerfile))
  const relSlash = rel.split(sep).join('/')
  const matcher = new IgnoreMatcher(keepBuildFiles(await loadDockerignore(relSlash, root), relSlash))
  return { body: packContext(root, matcher), dockerfile: relSlash }
}

/** docker's getDockerfileRelPath: -f as given (absolute), else Dockerfile, else dockerfile. */
async function locateDockerfile(root: string, file: string | undefined): Promise<string> {
  const candidates = file ? [file] : [resolve(root, 'Dockerfile'), resolve(root, 'dockerfile')]
  for (const c of candidates) {
    const st = await stat(c).catch(() => undefined)
    if (!st) continue
    if (!st.isFile()) fail(`unable to prepare context: the Dockerfile (${c}) must be a file`)
    return realpath(c)
  }
  return fail(
    `unable to prepare context: unable to evaluate symlinks in Dockerfile path: lstat ${candidates[0]}: no such file or directory`,
  )
}

/** docker's AddDockerfileToBuildContext: the Dockerfile under a random name, and that name
 *  appended to .dockerignore so the daemon leaves it out of COPY. */
async function withExtraDockerfile(root: string, dockerfile: Buffer): Promise<BuildContext> {
  const name = `.dockerfile.${process.getBuiltinModule('node:crypto').randomBytes(10).toString('hex')}`
  const matcher = new IgnoreMatcher(keepBuildFiles(await loadDockerignore(name, root), name, true))
  const ignoreText = await readFile(resolve(root, '.dockerignore')).catch(() => Buffer.alloc(0))
  const extra = new Map<string, Buffer>([
    [name, dockerfile],
    ['.dockerignore', Buffer.concat([ignoreText, Buffer.from(`\n${name}\n`)])],
  ])
  return { body: packContext(root, matcher, extra), dockerfile: name }
}

/** Context `-`: a tar (any compression: the daemon detects it) as-is, or a lone Dockerfile. */
function contextFromStdin(data: Buffer, file: string | undefined): BuildContext {
  if (isArchive(data)) return { body: Readable.from([data]), dockerfile: file ?? 'Dockerfile' }
  return { body: Readable.from(tarEntries(new Map([['Dockerfile', data]]))), dockerfile: 'Dockerfile' }
}

function isArchive(data: Buffer): boolean {
  const magic = [
    [0x1f, 0x8b],
    [0x42, 0x5a, 0x68],
    [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00],
    [0x28, 0xb5, 0x2f, 0xfd],
  ]
  if (magic.some((m) => m.every((b, i) => data[i] === b))) return true
  return data.length >= 262 && data.toString('latin1', 257, 262) === 'ustar'
}

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const c of stream as AsyncIterable<Buffer | string>) chunks.push(Buffer.from(c))
  return Buffer.concat(chunks)
}

function header(
  name: string,
  type: TarHeader['type'],
  mode: number,
  size: number,
  mtime: number,
  linkname = '',
): TarHeader {
  return { name, type, mode, uid: 0, gid: 0, size, mtime, linkname, devmajor: 0, devminor: 0, xattrs: {} }
}

function* tarEntries(files: Map<string, Buffer>): Generator<Buffer> {
  yield* extraEntries(files)
  yield endOfArchive()
}

/**
 * A tar of `root`: entries sorted per directory, symlinks as links (never followed), owner 0:0,
 * leaving out what `matcher` ignores. `extra` entries are generated files appended (replacing a
 * same-named file of the tree).
 */
export function packContext(
  root: string,
  matcher: IgnoreMatcher | undefined,
  extra: Map<string, Buffer> = new Map(),
): Readable {
  return Readable.from(packEntries(root, matcher, extra))
}

async function* packEntries(
  root: string,
  matcher: IgnoreMatcher | undefined,
  extra: Map<string, Buffer>,
): AsyncGenerator<Buffer> {
  for await (const { rel, st } of walk(root, '', matcher)) {
    if (extra.has(rel)) continue
    const mtime = Math.floor(st.mtimeMs / 1000)
    const mode = st.mode & 0o7777
    if (st.isDirectory()) yield encodeHeader(header(`${rel}/`, 'directory', mode, 0, mtime))
    else if (st.isSymbolicLink())
      yield encodeHeader(header(rel, 'symlink', mode, 0, mtime, await readlink(`${root}/${rel}`)))
    else if (st.isFile()) {
      yield encodeHeader(header(rel, 'file', mode, st.size, mtime))
      yield* fileData(`${root}/${rel}`, st.size)
      if (padding(st.size) > 0) yield Buffer.alloc(padding(st.size))
    } else if (st.isFIFO()) yield encodeHeader(header(rel, 'fifo', mode, 0, mtime))
    // Sockets and devices are not sent (docker's archive skips sockets; devices in a context are noise).
  }
  yield* extraEntries(extra)
  yield endOfArchive()
}

function* extraEntries(extra: Map<string, Buffer>): Generator<Buffer> {
  const now = Math.floor(Date.now() / 1000)
  for (const [name, data] of extra) {
    yield encodeHeader(header(name, 'file', 0o600, data.length, now))
    yield data
    if (padding(data.length) > 0) yield Buffer.alloc(padding(data.length))
  }
}

async function* walk(
  root: string,
  rel: string,
  matcher: IgnoreMatcher | undefined,
): AsyncGenerator<{ rel: string; st: Stats }> {
  const names = (await readdir(rel === '' ? root : `${root}/${rel}`)).sort()
  for (const name of names) {
    const r = rel === '' ? name : `${rel}/${name}`
    const st = await lstat(`${root}/${r}`)
    if (matcher?.ignores(r)) {
      // An ignored directory is still walked when a `!` pattern may re-include something below
      // it (docker's rule); the directory entry itself is not sent.
      if (st.isDirectory() && matcher.mayContainIncluded(r)) yield* walk(root, r, matcher)
      continue
    }
    yield { rel: r, st }
    if (st.isDirectory()) yield* walk(root, r, matcher)
  }
}
