// Test helper: runs the CLI's main() against a fake engine (client/fake-engine.ts) with captured
// stdout/stderr, a fixed clock and no TTY, and returns what it printed and the requests it sent.
import { Readable, Writable } from 'node:stream'
import { type FakeRequest, type FakeRoutes, startFakeEngine } from '../client/fake-engine.ts'
import { main } from './main.ts'

export interface CliRun {
  code: number
  stdout: string
  stderr: string
  requests: FakeRequest[]
}

export async function runCliAgainst(
  argv: string[],
  routes: FakeRoutes,
  opts: { env?: NodeJS.ProcessEnv; stdin?: string; stdoutIsTTY?: boolean } = {},
): Promise<CliRun> {
  const fe = await startFakeEngine({
    'GET /_ping': { text: 'OK', headers: { 'Api-Version': '1.47' } },
    ...routes,
  })
  const chunks: Record<'out' | 'err', Buffer[]> = { out: [], err: [] }
  const sink = (k: 'out' | 'err') =>
    new Writable({
      write(c, _e, cb) {
        chunks[k].push(Buffer.from(c))
        cb()
      },
    })
  try {
    const code = await main({
      argv: ['-H', fe.host, ...argv],
      env: opts.env ?? {},
      stdout: sink('out'),
      stderr: sink('err'),
      stdin: Readable.from(opts.stdin === undefined ? [] : [Buffer.from(opts.stdin)]),
      stdinIsTTY: false,
      stdoutIsTTY: opts.stdoutIsTTY ?? false,
      now: () => new Date(0),
    })
    const text = (k: 'out' | 'err') => Buffer.concat(chunks[k]).toString()
    return { code, stdout: text('out'), stderr: text('err'), requests: fe.requests }
  } finally {
    await fe.close()
  }
}
