// Signal names and numbers as Docker accepts them (`--signal`, `--stop-signal`, the kill API):
// "KILL", "SIGKILL" or "9", and the real-time signals SIGRTMIN+n / SIGRTMAX-n by name or number.
import { InvalidArgumentError } from '../lib/errors.ts'

const SIGNALS: Record<string, number> = {
  SIGHUP: 1,
  SIGINT: 2,
  SIGQUIT: 3,
  SIGILL: 4,
  SIGTRAP: 5,
  SIGABRT: 6,
  SIGBUS: 7,
  SIGFPE: 8,
  SIGKILL: 9,
  SIGUSR1: 10,
  SIGSEGV: 11,
  SIGUSR2: 12,
  SIGPIPE: 13,
  SIGALRM: 14,
  SIGTERM: 15,
  SIGSTKFLT: 16,
  SIGCHLD: 17,
  SIGCONT: 18,
  SIGSTOP: 19,
  SIGTSTP: 20,
  SIGTTIN: 21,
  SIGTTOU: 22,
  SIGURG: 23,
  SIGXCPU: 24,
  SIGXFSZ: 25,
  SIGVTALRM: 26,
  SIGPROF: 27,
  SIGWINCH: 28,
  SIGIO: 29,
  SIGPWR: 30,
  SIGSYS: 31,
}

/** Accepts "KILL", "SIGKILL", "9" and "SIGRTMIN+3". @throws InvalidArgumentError. */
export function normaliseSignal(sig: string): string {
  const s = sig.trim().toUpperCase()
  if (/^\d+$/.test(s)) {
    const n = Number(s)
    const name = Object.keys(SIGNALS).find((k) => SIGNALS[k] === n)
    if (name) return name
    if (n >= 34 && n <= 64) return s
    throw new InvalidArgumentError(`Invalid signal: ${sig}`)
  }
  const name = s.startsWith('SIG') ? s : `SIG${s}`
  if (name in SIGNALS || /^SIGRTM(IN|AX)([+-]\d+)?$/.test(name)) return name
  throw new InvalidArgumentError(`Invalid signal: ${sig}`)
}

/** The signal's number, as runc and crun take it ("SIGTERM" → "15"); others as they are. */
export function signalNumber(sig: string): string {
  const n = SIGNALS[normaliseSignal(sig)]
  return n === undefined ? sig : String(n)
}
