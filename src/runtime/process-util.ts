// Small helpers about host processes that ConmonRuntime needs: is a pid alive (a zombie is not:
// conmon's daemon half is reparented and may never be reaped), read a pid file, wait for exit.
import { readFile } from 'node:fs/promises'
import { setTimeout as sleep } from 'node:timers/promises'
import { errnoOf, isNotFound } from '../lib/errors.ts'

/** The pid in `path`, or undefined if the file is missing or holds no positive integer. */
export async function readPidFile(path: string): Promise<number | undefined> {
  try {
    const pid = Number.parseInt((await readFile(path, 'utf8')).trim(), 10)
    return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined
  } catch (err) {
    if (isNotFound(err)) return undefined
    throw err
  }
}

/** True while `pid` exists and is not a zombie. */
export async function isAlive(pid: number): Promise<boolean> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8')
    // Field 3 follows the command name in parentheses, which may itself contain ") ".
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3)
    return state !== 'Z' && state !== 'X'
  } catch (err) {
    // ESRCH: the process went away while its stat file was being read.
    if (isNotFound(err) || errnoOf(err) === 'ESRCH') return false
    throw err
  }
}

/** Waits until `pid` is gone; SIGKILLs it after `timeoutMs`. */
export async function waitGone(pid: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (await isAlive(pid)) {
    if (Date.now() >= deadline) {
      try {
        process.kill(pid, 'SIGKILL')
      } catch {
        // Exited between the check and the kill: what we wanted.
      }
      return
    }
    await sleep(5)
  }
}

/** The start time (clock ticks after boot, /proc/<pid>/stat field 22) of a live, non-zombie
 *  process; undefined when it is gone. runc and crun record it to spot pid reuse. */
export async function processStart(pid: number): Promise<number | undefined> {
  let text: string
  try {
    text = await readFile(`/proc/${pid}/stat`, 'utf8')
  } catch {
    // No such process.
    return undefined
  }
  // Fields after the command name (which may contain spaces and parentheses).
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ')
  if (fields[0] === 'Z' || fields[0] === 'X') return undefined
  const start = Number(fields[19])
  return Number.isSafeInteger(start) ? start : undefined
}
