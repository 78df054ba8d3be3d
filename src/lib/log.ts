// A small leveled logger writing one line per entry to stderr. Passed explicitly, never global.
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'fatal'
const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, fatal: 50 }

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void
  info(msg: string, fields?: Record<string, unknown>): void
  warn(msg: string, fields?: Record<string, unknown>): void
  error(msg: string, fields?: Record<string, unknown>): void
}

export function createLogger(
  level: LogLevel = 'info',
  write: (line: string) => void = (l) => process.stderr.write(l),
): Logger {
  const min = ORDER[level]
  const emit = (lvl: LogLevel, msg: string, fields?: Record<string, unknown>) => {
    if (ORDER[lvl] < min) return
    const extra = fields
      ? ` ${Object.entries(fields)
          .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
          .join(' ')}`
      : ''
    write(`time="${new Date().toISOString()}" level=${lvl} msg=${JSON.stringify(msg)}${extra}\n`)
  }
  return {
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
  }
}

const discard = (): void => undefined
/** A logger that drops everything (tests, tools). */
export const nullLogger: Logger = { debug: discard, info: discard, warn: discard, error: discard }

export function isLogLevel(s: string): s is LogLevel {
  return s in ORDER
}
