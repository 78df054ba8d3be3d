// HEALTHCHECK arguments and flags (BuildKit parseHealthcheck) and Go's duration syntax used by
// its --interval/--timeout/--start-period/--start-interval flags.
import { InstructionError } from './errors.ts'
import type { Flags } from './flags.ts'
import type { Instruction, NodeBase } from './types.ts'
import { commandLine } from './words.ts'

export function buildHealthcheck(base: NodeBase, flags: Flags, rest: string): Instruction {
  const m = /^(\S+)\s*([\s\S]*)$/.exec(rest)
  if (!m) throw new InstructionError('HEALTHCHECK requires at least one argument')
  const type = (m[1] as string).toUpperCase()
  const cmdText = m[2] as string
  if (type === 'NONE') {
    if (cmdText !== '') throw new InstructionError('HEALTHCHECK NONE takes no arguments')
    return { ...base, kind: 'HEALTHCHECK', test: 'NONE' }
  }
  flags
    .string('interval')
    .string('timeout')
    .string('start-period')
    .string('start-interval')
    .string('retries')
    .parse()
  if (type !== 'CMD') throw new InstructionError(`Unknown type "${type}" in HEALTHCHECK (try CMD)`)
  const command = commandLine(cmdText)
  if (('exec' in command && command.exec.length === 0) || ('shell' in command && command.shell === '')) {
    throw new InstructionError('Missing command after HEALTHCHECK CMD')
  }
  const retriesText = flags.getString('retries')
  let retries = 0
  if (retriesText !== undefined && retriesText !== '') {
    if (!/^[+-]?\d+$/.test(retriesText))
      throw new InstructionError(`strconv.ParseInt: parsing "${retriesText}": invalid syntax`)
    retries = Number(retriesText)
    if (retries < 1) throw new InstructionError(`--retries must be at least 1 (not ${retries})`)
  }
  return {
    ...base,
    kind: 'HEALTHCHECK',
    test: 'CMD',
    command,
    interval: interval(flags, 'interval'),
    timeout: interval(flags, 'timeout'),
    startPeriod: interval(flags, 'start-period'),
    startInterval: interval(flags, 'start-interval'),
    retries,
  }
}

/** A duration flag in nanoseconds (0 when absent); Docker's minimum is 1ms. */
function interval(flags: Flags, name: string): number {
  const s = flags.getString(name)
  if (s === undefined || s === '') return 0
  const d = parseGoDuration(s)
  if (d < 1_000_000) throw new InstructionError(`Interval "${name}" cannot be less than 1ms`)
  return d
}

const units: Record<string, number> = {
  ns: 1,
  us: 1e3,
  µs: 1e3,
  μs: 1e3,
  ms: 1e6,
  s: 1e9,
  m: 60e9,
  h: 3600e9,
}

/** Go's time.ParseDuration, in nanoseconds. @throws InstructionError */
export function parseGoDuration(s: string): number {
  const fail = () => new InstructionError(`time: invalid duration "${s}"`)
  let rest = s
  let sign = 1
  if (rest.startsWith('-') || rest.startsWith('+')) {
    if (rest[0] === '-') sign = -1
    rest = rest.slice(1)
  }
  if (rest === '0') return 0
  if (rest === '') throw fail()
  let total = 0
  while (rest !== '') {
    const m = /^(\d*\.?\d*)(ns|us|µs|μs|ms|s|m|h)/.exec(rest)
    if (!m || m[1] === '' || m[1] === '.') {
      if (/^(\d*\.?\d*)$/.test(rest)) throw new InstructionError(`time: missing unit in duration "${s}"`)
      throw fail()
    }
    total += Number(m[1]) * (units[m[2] as string] as number)
    rest = rest.slice(m[0].length)
  }
  return Math.round(sign * total)
}
