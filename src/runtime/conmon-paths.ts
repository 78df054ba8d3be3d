// The on-disk layout ConmonRuntime keeps under its exec root, and the one function that builds
// its paths. conmon's attach socket and ctl/winsz FIFOs live in the bundle (--full-attach), which
// the container service owns; `bundle` links to it so later calls need only the id.
//
//   <execRoot>/
//   ├── exits/<id>              conmon --exit-dir: exit code as text, written by rename; mtime = finishedAt
//   ├── crun-hybrid             wrapper that runs crun in a mount namespace without the cgroup2 mount (hybrid hosts only)
//   └── <id>/
//       ├── bundle -> <bundle>  symlink: config.json, attach (SOCK_SEQPACKET), ctl, winsz
//       ├── conmon.pid          --conmon-pidfile
//       ├── pidfile             --container-pidfile (the container's init pid)
//       ├── conmon.log          conmon's own stderr
//       └── persist/            --persist-dir: exit, oom
import { join } from 'node:path'

export interface ConmonPaths {
  exitDir: string
  exitFile: string
  dir: string
  bundleLink: string
  conmonPidFile: string
  pidFile: string
  conmonLog: string
  persistDir: string
  oomFile: string
  attachSocket: string
  ctlFifo: string
}

export function conmonPaths(execRoot: string, id: string): ConmonPaths {
  const dir = join(execRoot, id)
  const exitDir = join(execRoot, 'exits')
  const bundleLink = join(dir, 'bundle')
  const persistDir = join(dir, 'persist')
  return {
    exitDir,
    exitFile: join(exitDir, id),
    dir,
    bundleLink,
    conmonPidFile: join(dir, 'conmon.pid'),
    pidFile: join(dir, 'pidfile'),
    conmonLog: join(dir, 'conmon.log'),
    persistDir,
    oomFile: join(persistDir, 'oom'),
    attachSocket: join(bundleLink, 'attach'),
    ctlFifo: join(bundleLink, 'ctl'),
  }
}

/** Container ids become path components and runtime arguments: refuse anything else. */
export function isSafeId(id: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/.test(id) && !id.includes('..')
}
