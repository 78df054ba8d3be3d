// Resolves Docker's `User` ("name", "uid", "name:group", "uid:gid", …) to numeric ids from the
// container rootfs's /etc/passwd and /etc/group, as runc's user lookup does. The rootfs is
// untrusted: paths are resolved inside it (symlinks cannot escape), and only small regular files
// are read. It does not create users or touch the host's databases.
import { constants } from 'node:fs'
import { lstat, open, readlink } from 'node:fs/promises'
import { join } from 'node:path'
import { errnoOf, InvalidArgumentError } from '../lib/errors.ts'

export interface ResolvedUser {
  uid: number
  gid: number
  /** Supplementary groups: those listing the user as a member (only when no group was given). */
  additionalGids: number[]
  /** From passwd, for the HOME variable; "/" when the user is not listed. */
  home: string
}

interface PasswdEntry {
  name: string
  uid: number
  gid: number
  home: string
}
interface GroupEntry {
  name: string
  gid: number
  members: string[]
}

const MAX_ID = 2 ** 31 - 1
const MAX_FILE = 4 * 1024 * 1024
const MAX_SYMLINKS = 40

/** @throws InvalidArgumentError when a named user or group is not in the rootfs's files. */
export async function resolveUser(rootfsPath: string, userSpec: string): Promise<ResolvedUser> {
  const [userPart = '', groupPart] = userSpec.trim().split(':', 2)
  const passwd = parsePasswd((await readInRoot(rootfsPath, '/etc/passwd')) ?? '')
  let entry: PasswdEntry | undefined
  let uid: number
  if (userPart === '') {
    uid = 0
    entry = passwd.find((p) => p.uid === 0)
  } else if (/^\d+$/.test(userPart)) {
    uid = checkId(userPart)
    entry = passwd.find((p) => p.uid === uid)
  } else {
    entry = passwd.find((p) => p.name === userPart)
    if (entry === undefined) {
      throw new InvalidArgumentError(`unable to find user ${userPart}: no matching entries in passwd file`)
    }
    uid = entry.uid
  }
  let gid = entry?.gid ?? 0
  let additionalGids: number[] = []
  const needGroups =
    (groupPart !== undefined && groupPart !== '' && !/^\d+$/.test(groupPart)) || entry !== undefined
  const groups = needGroups ? parseGroup((await readInRoot(rootfsPath, '/etc/group')) ?? '') : []
  if (groupPart !== undefined && groupPart !== '') {
    if (/^\d+$/.test(groupPart)) gid = checkId(groupPart)
    else {
      const g = groups.find((x) => x.name === groupPart)
      if (g === undefined)
        throw new InvalidArgumentError(`unable to find group ${groupPart}: no matching entries in group file`)
      gid = g.gid
    }
  } else if (entry !== undefined) {
    const name = entry.name
    additionalGids = [
      ...new Set(groups.filter((g) => g.members.includes(name) && g.gid !== gid).map((g) => g.gid)),
    ]
  }
  return { uid, gid, additionalGids, home: entry?.home || '/' }
}

/** Docker's --group-add: each a group name or gid from the rootfs's /etc/group, or a number
 *  not listed there (runc GetAdditionalGroups). @throws InvalidArgumentError for an unknown name. */
export async function resolveGroupAdd(rootfsPath: string, names: readonly string[]): Promise<number[]> {
  if (names.length === 0) return []
  const groups = parseGroup((await readInRoot(rootfsPath, '/etc/group')) ?? '')
  const out = new Set<number>()
  for (const raw of names) {
    const name = raw.trim()
    const g = groups.find((x) => x.name === name || String(x.gid) === name)
    if (g !== undefined) out.add(g.gid)
    else if (/^\d+$/.test(name)) out.add(checkId(name))
    else throw new InvalidArgumentError(`Unable to find group ${name}: no matching entries in group file`)
  }
  return [...out]
}

export function parsePasswd(text: string): PasswdEntry[] {
  const out: PasswdEntry[] = []
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue
    const [name, , uid, gid, , home] = line.split(':')
    if (!name || uid === undefined || gid === undefined || !/^\d+$/.test(uid) || !/^\d+$/.test(gid)) continue
    out.push({ name, uid: Number(uid), gid: Number(gid), home: home ?? '' })
  }
  return out
}

export function parseGroup(text: string): GroupEntry[] {
  const out: GroupEntry[] = []
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue
    const [name, , gid, members] = line.split(':')
    if (!name || gid === undefined || !/^\d+$/.test(gid)) continue
    out.push({ name, gid: Number(gid), members: (members ?? '').split(',').filter((m) => m !== '') })
  }
  return out
}

function checkId(s: string): number {
  const n = Number(s)
  if (!Number.isSafeInteger(n) || n > MAX_ID)
    throw new InvalidArgumentError('uids and gids must be in range 0-2147483647')
  return n
}

/** Reads `path` as seen from inside `root`, or undefined if it does not exist there. Symlinks
 *  are followed relative to `root` and `..` stops at it; FIFOs, devices and big files are refused. */
export async function readInRoot(root: string, path: string): Promise<string | undefined> {
  const resolved = await resolveInRoot(root, path)
  if (resolved === undefined) return undefined
  let fh: Awaited<ReturnType<typeof open>>
  try {
    // O_NOFOLLOW: resolveInRoot already followed every link; O_NONBLOCK: a FIFO must not hang us.
    fh = await open(join(root, resolved), constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK)
  } catch (err) {
    if (errnoOf(err) === 'ENOENT') return undefined
    throw new InvalidArgumentError(`cannot read ${path} in the container: ${errnoOf(err) ?? 'error'}`, {
      cause: err,
    })
  }
  try {
    const st = await fh.stat()
    if (!st.isFile() || st.size > MAX_FILE)
      throw new InvalidArgumentError(`${path} in the container is not a small regular file`)
    return await fh.readFile('utf8')
  } finally {
    await fh.close()
  }
}

/** The path (relative to `root`, always inside it) that `path` names from inside `root`. */
async function resolveInRoot(root: string, path: string): Promise<string | undefined> {
  const pending = path.split('/').filter((c) => c !== '' && c !== '.')
  const done: string[] = []
  let links = 0
  while (pending.length > 0) {
    const part = pending.shift() as string
    if (part === '..') {
      done.pop()
      continue
    }
    const candidate = join(root, ...done, part)
    let st: Awaited<ReturnType<typeof lstat>>
    try {
      st = await lstat(candidate)
    } catch (err) {
      if (errnoOf(err) === 'ENOENT' || errnoOf(err) === 'ENOTDIR') return undefined
      throw err
    }
    if (!st.isSymbolicLink()) {
      done.push(part)
      continue
    }
    if (++links > MAX_SYMLINKS)
      throw new InvalidArgumentError(`too many symbolic links resolving ${path} in the container`)
    const target = await readlink(candidate)
    if (target.startsWith('/')) done.length = 0
    pending.unshift(...target.split('/').filter((c) => c !== '' && c !== '.'))
  }
  return done.join('/')
}
