// What the daemon process itself is allowed: its resource limits (from /proc/self/limits). The
// OCI config clamps a container's rlimits to these, because a runtime asked for more than its
// caller holds fails to start the container (HOST-NOTES: no CAP_SYS_RESOURCE here).
import { readFile } from 'node:fs/promises'

/** Hard and soft limit per OCI rlimit type (`RLIMIT_NOFILE` …); `Infinity` = unlimited. */
export type HostRlimits = Record<string, { soft: number; hard: number }>

const NAMES: Record<string, string> = {
  'Max cpu time': 'RLIMIT_CPU',
  'Max file size': 'RLIMIT_FSIZE',
  'Max data size': 'RLIMIT_DATA',
  'Max stack size': 'RLIMIT_STACK',
  'Max core file size': 'RLIMIT_CORE',
  'Max resident set': 'RLIMIT_RSS',
  'Max processes': 'RLIMIT_NPROC',
  'Max open files': 'RLIMIT_NOFILE',
  'Max locked memory': 'RLIMIT_MEMLOCK',
  'Max address space': 'RLIMIT_AS',
  'Max file locks': 'RLIMIT_LOCKS',
  'Max pending signals': 'RLIMIT_SIGPENDING',
  'Max msgqueue size': 'RLIMIT_MSGQUEUE',
  'Max nice priority': 'RLIMIT_NICE',
  'Max realtime priority': 'RLIMIT_RTPRIO',
  'Max realtime timeout': 'RLIMIT_RTTIME',
}

/** Parses the text of /proc/<pid>/limits. Pure. */
export function parseProcLimits(text: string): HostRlimits {
  const out: HostRlimits = {}
  for (const line of text.split('\n')) {
    const name = Object.keys(NAMES).find((n) => line.startsWith(n))
    if (name === undefined) continue
    const [soft, hard] = line.slice(name.length).trim().split(/\s+/)
    const type = NAMES[name]
    if (type !== undefined && soft !== undefined && hard !== undefined)
      out[type] = { soft: limit(soft), hard: limit(hard) }
  }
  return out
}

export async function readHostRlimits(): Promise<HostRlimits> {
  return parseProcLimits(await readFile('/proc/self/limits', 'utf8'))
}

function limit(s: string): number {
  return s === 'unlimited' ? Number.POSITIVE_INFINITY : Number(s)
}
