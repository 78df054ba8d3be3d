// Every child process berth starts goes through here: run-to-completion with captured output,
// or a spawned handle. Failures become InternalError carrying the command's stderr; callers
// convert to a more precise kind where they know better.
import type { ChildProcess, SpawnOptions } from 'node:child_process'
import { InternalError } from './errors.ts'

export interface RunResult {
  code: number
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
}

export interface RunOptions {
  input?: string | Buffer
  env?: NodeJS.ProcessEnv
  cwd?: string
  signal?: AbortSignal
  /** Resolve with a non-zero code instead of throwing. */
  allowFailure?: boolean
}

/** Runs `file args…` to completion. @throws InternalError on spawn failure or non-zero exit (unless allowFailure). */
export function run(file: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawnLazy()(file, args, {
      env: opts.env,
      cwd: opts.cwd,
      signal: opts.signal,
      stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    })
    const out: Buffer[] = []
    const err: Buffer[] = []
    child.stdout?.on('data', (b: Buffer) => out.push(b))
    child.stderr?.on('data', (b: Buffer) => err.push(b))
    child.on('error', (e) => reject(new InternalError(`${file}: ${e.message}`, { cause: e })))
    child.on('close', (code, signal) => {
      const res = {
        code: code ?? -1,
        signal,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      }
      if (res.code !== 0 && !opts.allowFailure) {
        const detail = (res.stderr || res.stdout).trim()
        reject(
          new InternalError(`${file} ${args[0] ?? ''} failed (${signal ?? `exit ${res.code}`}): ${detail}`),
        )
        return
      }
      resolve(res)
    })
    if (opts.input !== undefined) child.stdin?.end(opts.input)
  })
}

/** Spawns a long-lived or streaming child. The caller owns its lifetime. */
export function start(file: string, args: readonly string[], opts: SpawnOptions = {}): ChildProcess {
  return spawnLazy()(file, args, opts)
}

/** node:child_process loaded on first use: the CLI bundle carries this module but rarely spawns,
 *  and loading the builtin eagerly costs every CLI start a few milliseconds. */
function spawnLazy(): typeof import('node:child_process').spawn {
  return process.getBuiltinModule('node:child_process').spawn
}
