// Builds conmon's command line for creating a container. Pure. conmon 2.1.6 ignores relative
// paths silently (HOST-NOTES), so every path given here must already be absolute.
import { isAbsolute } from 'node:path'
import { InvalidArgumentError } from '../lib/errors.ts'
import type { ConmonPaths } from './conmon-paths.ts'

export interface ConmonCreateArgs {
  id: string
  /** What conmon runs as the OCI runtime (runc, crun, or the crun-hybrid wrapper). */
  runtimePath: string
  stateRoot: string
  bundle: string
  logPath: string
  logSizeMax?: number
  tty: boolean
  openStdin: boolean
  stdinOnce: boolean
  /** conmon's own --log-level (error, warn, info, debug). */
  logLevel: string
  paths: ConmonPaths
}

export function conmonCreateArgs(a: ConmonCreateArgs): string[] {
  const p = a.paths
  const mustBeAbsolute = [
    a.runtimePath,
    a.stateRoot,
    a.bundle,
    a.logPath,
    p.pidFile,
    p.exitDir,
    p.persistDir,
    p.dir,
  ]
  for (const path of mustBeAbsolute) {
    if (!isAbsolute(path)) throw new InvalidArgumentError(`conmon needs absolute paths, got "${path}"`)
  }
  // biome-ignore format: flag/value pairs read better one pair per line
  const args = [
    '--api-version', '1',
    '-c', a.id,
    '-u', a.id,
    '-n', a.id,
    '-r', a.runtimePath,
    '-b', a.bundle,
    '-p', p.pidFile,
    '--conmon-pidfile', p.conmonPidFile,
    '--exit-dir', p.exitDir,
    '--persist-dir', p.persistDir,
    '-l', `k8s-file:${a.logPath}`,
    '--log-level', a.logLevel,
    '--socket-dir-path', p.dir,
    '--full-attach',
    // No fsync of the log when the container exits: it sat on the path of every exit (and
    // `run --rm`), and Docker's json-file driver does not sync either.
    '--no-sync-log',
    '--runtime-arg', '--root',
    '--runtime-arg', a.stateRoot,
  ]
  if (a.logSizeMax !== undefined && a.logSizeMax > 0) args.push('--log-size-max', String(a.logSizeMax))
  if (a.tty) args.push('-t')
  if (a.openStdin) {
    args.push('-i')
    // conmon closes the container's stdin when an attached client hangs up, unless told not to:
    // exactly Docker's StdinOnce.
    if (!a.stdinOnce) args.push('--leave-stdin-open')
  }
  return args
}
