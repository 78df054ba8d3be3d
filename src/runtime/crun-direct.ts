// Two crun commands that berth performs itself, as runc-direct.ts does for runc: each crun process
// costs ~4 ms, and on a hybrid-cgroup host ~3 ms more for the wrapper it runs through (unshare,
// sh, umount), on the path of every `run`. `crun start` is writing one byte to the exec fifo the
// container's init reads (crun 1.8's libcrun_status_write_exec_fifo: open for writing, unlink,
// write a NUL); `crun delete` of a container that has plainly stopped is removing its cgroup and
// its state directory. Both stay with crun whenever its state holds anything these do not handle.
//
//   <stateRoot>/<id>/status        crun's record: init pid and start time, cgroup path
//   <stateRoot>/<id>/config.json   the OCI config the container was created with
//   <stateRoot>/<id>/exec.fifo     exists from create until start: its presence means "created"
import { closeSync, constants, openSync, writeSync } from 'node:fs'
import { readFile, rm, stat, unlink } from 'node:fs/promises'
import { join } from 'node:path'
import { ConflictError, errnoOf, InternalError, isNotFound, NotFoundError } from '../lib/errors.ts'
import { removeCgroup } from './cgroups.ts'
import { processStart } from './process-util.ts'

interface CrunStatus {
  pid?: number
  'process-start-time'?: number
  'cgroup-path'?: string
}

interface CrunConfig {
  hooks?: Record<string, unknown[] | undefined> | null
  linux?: { namespaces?: Array<{ type?: string; path?: string }> }
}

/** `crun start <id>`: resolves once the init has been told to execute the container's process.
 *  @throws NotFoundError (no state), ConflictError (not in the created state), InternalError
 *  (init died before it was started). */
export async function crunStartViaExecFifo(stateDir: string): Promise<void> {
  const fifo = join(stateDir, 'exec.fifo')
  // crun checks first that the init is alive (a dead one may still hold the fifo for a moment).
  const status = await readStatus(stateDir)
  if (status === undefined) throw new NotFoundError('container does not exist')
  const running = await isRunning(status)
  const created = await stat(fifo).then(
    () => true,
    () => false,
  )
  if (!running && created) throw new InternalError('container process is already dead')
  let fd: number
  try {
    // Non-blocking: without a reader (init is gone) the open fails with ENXIO instead of waiting.
    fd = openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK)
  } catch (err) {
    if (errnoOf(err) === 'ENXIO') throw new InternalError('container process is already dead', { cause: err })
    if (!isNotFound(err)) throw new InternalError(`open exec fifo: ${errnoOf(err)}`, { cause: err })
    throw new ConflictError(
      running ? 'cannot start an already running container' : 'cannot start a container that has stopped',
    )
  }
  try {
    await unlink(fifo)
    writeSync(fd, Buffer.alloc(1))
  } finally {
    closeSync(fd)
  }
}

/** `crun delete <id>` for a container whose init has exited, when nothing in its state needs
 *  crun (a private pid namespace, so no stray processes to kill; no hooks). Returns false, having
 *  changed nothing but perhaps some empty cgroups, when crun itself must do it: still running,
 *  shared pid namespace, hooks, unreadable state, or a cgroup still in use. */
export async function crunDeleteStopped(stateDir: string): Promise<boolean> {
  const status = await readStatus(stateDir)
  if (status === undefined || (await isRunning(status))) return false
  let config: CrunConfig
  try {
    config = JSON.parse(await readFile(join(stateDir, 'config.json'), 'utf8')) as CrunConfig
  } catch {
    return false
  }
  const pidNs = config.linux?.namespaces?.find((ns) => ns.type === 'pid')
  if (pidNs === undefined || (pidNs.path ?? '') !== '') return false
  if (config.hooks && Object.values(config.hooks).some((list) => Array.isArray(list) && list.length > 0))
    return false
  const cgroupPath = status['cgroup-path']
  if (cgroupPath && (await removeCgroup(cgroupPath)).length > 0) return false
  await rm(stateDir, { recursive: true, force: true })
  return true
}

async function readStatus(stateDir: string): Promise<CrunStatus | undefined> {
  try {
    return JSON.parse(await readFile(join(stateDir, 'status'), 'utf8')) as CrunStatus
  } catch {
    // Missing, or being rewritten: crun knows what to do with it.
    return undefined
  }
}

/** The init recorded in `status` is still alive (the same process, not a reused pid). */
async function isRunning(status: CrunStatus): Promise<boolean> {
  const pid = status.pid
  if (typeof pid !== 'number' || pid <= 0) return true // unknown: let crun decide
  const start = await processStart(pid)
  return start !== undefined && start === status['process-start-time']
}
