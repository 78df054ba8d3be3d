// The Runtime conformance suite: every implementation (ConmonRuntime with runc/crun, FakeRuntime)
// runs these cases through a harness that knows how to make a container do something.
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { after, before, describe, it } from 'node:test'
import { ConflictError, InternalError, NotFoundError } from '../lib/errors.ts'
import type { CreateOptions, ExitStatus, Runtime } from './runtime.ts'

/** What a suite container runs. */
export type SuiteProgram =
  | { kind: 'sleep' }
  | { kind: 'exit'; code: number; stdout?: string }
  /** Copies stdin to stdout, then exits 0 at end of input. */
  | { kind: 'cat' }

export interface RuntimeHarness {
  runtime: Runtime
  /** A fresh container id. */
  newId(): string
  /** Makes whatever the runtime needs to run `program` and returns the create options. */
  prepare(
    id: string,
    program: SuiteProgram,
    opts?: { openStdin?: boolean; stdinOnce?: boolean },
  ): Promise<CreateOptions>
  /** Removes everything the harness made (called once, even after failures). */
  cleanup(): Promise<void>
}

export function runtimeSuite(
  name: string,
  make: () => Promise<RuntimeHarness>,
  opts: { skip?: string } = {},
): void {
  describe(`Runtime ${name}`, { skip: opts.skip }, () => {
    let h: RuntimeHarness
    const created: string[] = []
    before(async () => {
      h = await make()
    })
    after(async () => {
      for (const id of created) await h.runtime.delete(id, { force: true }).catch(() => undefined)
      await h.cleanup()
    })
    const create = async (program: SuiteProgram, o?: { openStdin?: boolean; stdinOnce?: boolean }) => {
      const id = h.newId()
      created.push(id)
      const options = await h.prepare(id, program, o)
      const { pid } = await h.runtime.create(id, options)
      return { id, pid, options }
    }

    it('creates a container that is not yet started', async () => {
      const { id, pid } = await create({ kind: 'sleep' })
      assert.ok(pid > 0)
      assert.deepEqual(await h.runtime.state(id), { status: 'created', pid })
      assert.equal(await h.runtime.exitStatus(id), undefined)
    })

    it('refuses to create an id that exists, leaving the existing container alone', async () => {
      const { id, pid, options } = await create({ kind: 'sleep' })
      await assert.rejects(h.runtime.create(id, options), ConflictError)
      assert.deepEqual(await h.runtime.state(id), { status: 'created', pid })
    })

    it('starts, reports the exit code through onExit, and writes k8s-file logs', async () => {
      const { id, options } = await create({ kind: 'exit', code: 3, stdout: 'hello' })
      const before = Date.now()
      const exited = waitExit(h.runtime, id)
      await h.runtime.start(id)
      const exit = await exited
      assert.equal(exit.exitCode, 3)
      assert.equal(exit.oomKilled, false)
      assert.ok(exit.finishedAt.getTime() >= before - 1000, 'finishedAt is recent')
      assert.equal((await h.runtime.state(id))?.status, 'stopped')
      const log = await readFile(options.logPath, 'utf8')
      assert.match(log, /^\S+ stdout F hello$/m)
    })

    it('kills a running container with the signal as 128+n', async () => {
      const { id, pid } = await create({ kind: 'sleep' })
      await h.runtime.start(id)
      assert.deepEqual(await h.runtime.state(id), { status: 'running', pid })
      assert.ok((await h.runtime.pids(id)).includes(pid))
      const exited = waitExit(h.runtime, id)
      await h.runtime.kill(id, 'SIGKILL')
      assert.equal((await exited).exitCode, 137)
    })

    it('pauses and resumes', async () => {
      const { id, pid } = await create({ kind: 'sleep' })
      await h.runtime.start(id)
      await h.runtime.pause(id)
      assert.deepEqual(await h.runtime.state(id), { status: 'paused', pid })
      await h.runtime.resume(id)
      assert.deepEqual(await h.runtime.state(id), { status: 'running', pid })
    })

    it('feeds stdin and closes it when the writer ends (stdinOnce)', async () => {
      const { id, options } = await create({ kind: 'cat' }, { openStdin: true, stdinOnce: true })
      await h.runtime.start(id)
      const exited = waitExit(h.runtime, id)
      const stdin = await h.runtime.openStdin(id)
      await new Promise<void>((resolve) => stdin.write('from stdin\n', () => resolve()))
      stdin.end()
      assert.equal((await exited).exitCode, 0)
      const log = await readFile(options.logPath, 'utf8').catch(() => '')
      if (h.runtime.name !== 'fake') assert.match(log, /stdout F from stdin$/m)
    })

    it('deletes idempotently and forgets the container', async () => {
      const { id } = await create({ kind: 'exit', code: 0 })
      const exited = waitExit(h.runtime, id)
      await h.runtime.start(id)
      await exited
      await h.runtime.delete(id)
      assert.equal(await h.runtime.state(id), undefined)
      assert.equal(await h.runtime.exitStatus(id), undefined)
      await h.runtime.delete(id)
      await h.runtime.delete(h.newId(), { force: true })
    })

    it('force-deletes a running container', async () => {
      const { id } = await create({ kind: 'sleep' })
      await h.runtime.start(id)
      await assert.rejects(h.runtime.delete(id), ConflictError)
      await h.runtime.delete(id, { force: true })
      assert.equal(await h.runtime.state(id), undefined)
    })

    it('execs a process in a running container: pid, output, exit code', async () => {
      const { id, options } = await create({ kind: 'sleep' })
      await h.runtime.start(id)
      const logPath = `${options.logPath}.exec`
      const process = {
        args: ['echo', 'from exec'],
        cwd: '/',
        env: ['PATH=/usr/bin:/bin'],
        user: { uid: 0, gid: 0 },
        terminal: false,
      }
      const p = await h.runtime.exec(id, `${id.slice(0, 8)}e1`, {
        process,
        tty: false,
        openStdin: false,
        logPath,
      })
      assert.ok(p.pid > 0)
      if (p.stdout) {
        // Piped sessions: the output comes on the streams, and nothing is logged. It waits for
        // a reader who comes after the process has ended.
        assert.equal(await p.exited, 0)
        const [out] = await Promise.all([text(p.stdout), text(p.stderr!)])
        assert.equal(out, 'from exec\n')
      } else {
        assert.equal(await p.exited, 0)
        assert.match(await readFile(logPath, 'utf8'), / stdout F from exec\n/)
      }
      const failing = { ...process, args: ['sh', '-c', 'exit 3'] }
      const q = await h.runtime.exec(id, `${id.slice(0, 8)}e2`, {
        process: failing,
        tty: false,
        openStdin: false,
        logPath,
      })
      q.stdout?.resume()
      q.stderr?.resume()
      assert.equal(await q.exited, 3)
      const missing = { ...process, args: ['/no/such/binary'] }
      if (h.runtime.name !== 'fake')
        await assert.rejects(
          h.runtime.exec(id, `${id.slice(0, 8)}e3`, {
            process: missing,
            tty: false,
            openStdin: false,
            logPath,
          }),
          (e) => e instanceof InternalError && /no such file|not found/.test(e.message),
        )
      await h.runtime.kill(id, 'SIGKILL')
    })

    it('refuses to exec in a container that is not running', async () => {
      const { id, options } = await create({ kind: 'sleep' })
      const process = { args: ['true'], cwd: '/', env: [], user: { uid: 0, gid: 0 } }
      const opts = { process, tty: false, openStdin: false, logPath: `${options.logPath}.exec` }
      await assert.rejects(h.runtime.exec(id, 'e1', opts), ConflictError)
      await assert.rejects(h.runtime.exec(h.newId(), 'e1', opts), NotFoundError)
    })

    it('reads stats of a running container', async () => {
      const { id } = await create({ kind: 'sleep' })
      await h.runtime.start(id)
      const st = await h.runtime.stats(id)
      assert.ok(st.memory.usage > 0)
      assert.ok(st.memory.limit > 0)
      assert.ok(st.pids.current >= 1)
      assert.ok(st.cpu.systemNs > 0)
      await h.runtime.kill(id, 'SIGKILL')
      await assert.rejects(h.runtime.stats(h.newId()), NotFoundError)
    })

    it('reports unknown containers', async () => {
      const id = h.newId()
      assert.equal(await h.runtime.state(id), undefined)
      assert.equal(await h.runtime.exitStatus(id), undefined)
      await assert.rejects(h.runtime.kill(id, 'SIGTERM'), NotFoundError)
      await assert.rejects(h.runtime.start(id), NotFoundError)
    })
  })
}

/** Resolves with the exit status once onExit reports `id` (or it is already recorded). */
export async function waitExit(runtime: Runtime, id: string, timeoutMs = 10_000): Promise<ExitStatus> {
  let unsubscribe: () => void = () => undefined
  try {
    return await new Promise<ExitStatus>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no exit of ${id} within ${timeoutMs} ms`)), timeoutMs)
      const check = async () => {
        const status = await runtime.exitStatus(id)
        if (status !== undefined) {
          clearTimeout(timer)
          resolve(status)
        }
      }
      unsubscribe = runtime.onExit((exitedId) => {
        if (exitedId === id) check().catch(reject)
      })
      check().catch(reject)
    })
  } finally {
    unsubscribe()
  }
}

async function text(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = []
  for await (const c of stream) chunks.push(Buffer.from(c))
  return Buffer.concat(chunks).toString('utf8')
}
