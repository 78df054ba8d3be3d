// How the CLI prints failures, as docker does: daemon errors get "Error response from daemon: ",
// usage errors get the usage block. One place, so every verb prints the same way.
import { EngineApiError } from '../client/index.ts'
import { PROG } from './version-info.ts'

/** The text docker prints for an error returned by an API call. */
export function errorText(err: unknown): string {
  if (err instanceof EngineApiError) return `Error response from daemon: ${err.message}`
  if (err instanceof Error) return err.message
  return String(err)
}

/** "<msg>\n\nUsage:  berth <path> <usage>\n\nRun 'berth <path> --help' for more information". */
export function usageError(
  message: string,
  path: string,
  usage: string,
  hint: 'Run' | 'See' = 'Run',
): string {
  return `${message}\n\nUsage:  ${PROG} ${path} ${usage}\n\n${hint} '${PROG} ${path} --help' for more information`
}

/** Docker's cobra argument-count messages, prefixed "berth: " by the caller. */
export function argCountError(
  path: string,
  args: { min?: number; max?: number },
  got: number,
): { text: string; hint: 'Run' | 'See' } | undefined {
  const { min = 0, max = Number.POSITIVE_INFINITY } = args
  if (got >= min && got <= max) return undefined
  const p = (n: number) => `${n} argument${n === 1 ? '' : 's'}`
  const cmd = `'${PROG} ${path}'`
  if (max === 0) return { text: `${cmd} accepts no arguments`, hint: 'Run' }
  if (min === max) return { text: `${cmd} requires ${p(min)}`, hint: 'Run' }
  if (max === Number.POSITIVE_INFINITY) return { text: `${cmd} requires at least ${p(min)}`, hint: 'See' }
  if (min === 0) return { text: `${cmd} requires at most ${p(max)}`, hint: 'Run' }
  return { text: `${cmd} requires at least ${min} and at most ${p(max)}`, hint: 'Run' }
}
