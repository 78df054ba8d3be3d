// Two runc commands that berth performs itself, because runc's own implementation of them is a
// handful of file operations while spawning runc (a Go binary) costs ~7-10 ms per call on the
// path of every `run`: `runc start` (read the exec fifo runc init blocks on) and `runc delete` of
// a container that has plainly stopped (remove its cgroups and its state directory). Both follow
// runc 1.1's libcontainer (container_linux.go exec()/destroy(), cgroups.RemovePaths) and stay
// with runc whenever its state holds anything these do not handle.
//
//   <stateRoot>/<id>/state.json    runc's record: init pid and start time, cgroup paths, config
//   <stateRoot>/<id>/exec.fifo     exists from create until start: its presence means "created"
import { constants, openSync } from 'node:fs'
import { readdir, readFile, rm, rmdir, stat, unlink } from 'node:fs/promises'
import { Socket } from 'node:net'
import { join } from 'node:path'
import { ConflictError, errnoOf, InternalError, isNotFound, NotFoundError } from '../lib/errors.ts'
import { processStart } from './process-util.ts'

/** How often start() checks that runc init is still alive while it waits (runc: 100 ms). */
const LIVENESS_INTERVAL_MS = 100

/** `runc start <id>`: opens `<stateDir>/exec.fifo`, which runc init has open for writing; init
 *  writes "0" and executes the container's process (closing the fifo), then the fifo is removed.
 *  Resolves once the process has been executed.
 *  @throws NotFoundError (no state), ConflictError (not in the created state), InternalError
 *  (init died before the process started). */
export async function startViaExecFifo(stateDir: string, initPid: number): Promise<void> {
  const fifo = join(stateDir, 'exec.fifo')
  let fd: number
  try {
    // Non-blocking: opening a FIFO for reading must not wait for a writer on a pool thread.
    fd = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK)
  } catch (err) {
    if (!isNotFound(err)) throw new InternalError(`open exec fifo: ${errnoOf(err)}`, { cause: err })
    if (!(await exists(join(stateDir, 'state.json')))) throw new NotFoundError('container does not exist')
    // runc's wording for the two states without a fifo.
    throw new ConflictError(
      (await processStart(initPid)) !== undefined
        ? 'cannot start an already running container'
        : 'cannot start a container that has stopped',
    )
  }
  const data = await readUntilClosed(fd, initPid)
  if (data.length === 0) throw new ConflictError('cannot start an already running container')
  await unlink(fifo).catch((err: unknown) => {
    if (!isNotFound(err)) throw err
  })
}

/** Everything written to the fifo until its writer closes it; fails if init dies first. */
function readUntilClosed(fd: number, initPid: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const pipe = new Socket({ fd, readable: true, writable: false })
    const chunks: Buffer[] = []
    let settled = false
    const finish = (err?: Error) => {
      if (settled) return
      settled = true
      clearInterval(timer)
      pipe.destroy()
      if (err) reject(err)
      else resolve(Buffer.concat(chunks))
    }
    // A FIFO reports end-of-file only after a writer has come and gone, so a runc init that dies
    // before opening it would leave this waiting: check on it as runc does.
    const timer = setInterval(() => {
      void processStart(initPid).then((start) => {
        if (start !== undefined) return
        if (chunks.length > 0) finish()
        else finish(new InternalError('container process is already dead'))
      })
    }, LIVENESS_INTERVAL_MS)
    pipe.on('data', (c: Buffer) => chunks.push(c))
    pipe.on('end', () => finish())
    pipe.on('error', (err) => finish(new InternalError(`read exec fifo: ${err.message}`, { cause: err })))
  })
}

interface RuncState {
  init_process_pid?: number
  init_process_start?: number
  cgroup_paths?: Record<string, string>
  intel_rdt_path?: string
  config?: {
    namespaces?: Array<{ type?: string; path?: string }>
    hooks?: Record<string, unknown[] | undefined> | null
  }
}

/** `runc delete <id>` for a container whose init has exited, when nothing else in runc's state
 *  needs runc (a private pid namespace, so no stray processes to kill; no hooks; no Intel RDT).
 *  Returns false when runc itself must do it: still running, shared pid namespace, hooks,
 *  unreadable state (nothing changed), or a cgroup that cannot be removed yet (runc retries, and
 *  removes what is left). */
export async function deleteStopped(stateDir: string): Promise<boolean> {
  let state: RuncState
  try {
    state = JSON.parse(await readFile(join(stateDir, 'state.json'), 'utf8')) as RuncState
  } catch {
    // Missing, or being rewritten: runc knows what to do with it.
    return false
  }
  const pid = state.init_process_pid
  if (typeof pid !== 'number' || pid <= 0) return false
  const start = await processStart(pid)
  if (start !== undefined && start === state.init_process_start) return false // still running
  const pidNs = state.config?.namespaces?.find((ns) => ns.type === 'NEWPID')
  if (pidNs === undefined || (pidNs.path ?? '') !== '') return false
  const hooks = state.config?.hooks
  if (hooks && Object.values(hooks).some((list) => Array.isArray(list) && list.length > 0)) return false
  if (state.intel_rdt_path) return false
  const removed = await Promise.all(Object.values(state.cgroup_paths ?? {}).map(removeCgroupTree))
  if (!removed.every(Boolean)) return false
  await rm(stateDir, { recursive: true, force: true })
  return true
}

/** Removes a cgroup directory and the cgroups below it; false if one is still in use. */
async function removeCgroupTree(dir: string): Promise<boolean> {
  let entries: string[]
  try {
    entries = (await readdir(dir, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name)
  } catch (err) {
    return isNotFound(err)
  }
  for (const name of entries) {
    if (!(await removeCgroupTree(join(dir, name)))) return false
  }
  try {
    await rmdir(dir)
    return true
  } catch (err) {
    return isNotFound(err)
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path)
    return true
  } catch (err) {
    return !isNotFound(err)
  }
}
