// The shape of a CLI verb module: its usage, argument bounds and flags (parsed by main.ts), and a
// `run` taking injected I/O. Modules are imported lazily, one per invocation, to keep start-up fast.
import type { CliContext } from './context.ts'
import type { FlagSpec, ParseResult } from './flags.ts'

export interface CommandSpec {
  /** Usage after the command path, e.g. "[OPTIONS] CONTAINER [CONTAINER...]". */
  usage: string
  short: string
  args: { min?: number; max?: number }
  flags: FlagSpec[]
  /** false: flags after the first positional belong to it (run, create, exec). */
  interspersed?: boolean
}

export interface CommandModule {
  spec: CommandSpec
  run(ctx: CliContext, flags: ParseResult, args: string[]): Promise<void>
}
