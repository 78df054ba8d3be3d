// FakeBuildService: an in-memory BuildService for transport tests (API route, CLI). It reads the
// context tar for real, finds the Dockerfile, and "runs" each instruction by emitting Docker's
// legacy step messages; it runs no container and stores no image. `RUN exit N` fails with
// Docker's wording, `RUN sleep` waits until the signal aborts, unknown instructions are parse errors.
import { createHash } from 'node:crypto'
import { InvalidArgumentError } from '../lib/errors.ts'
import { decompress, readTar } from '../lib/tar/index.ts'
import type { BuildCacheRecord, BuildMessage, BuildOptions, BuildService } from './build-service-contract.ts'

const INSTRUCTIONS = new Set(
  'FROM RUN CMD LABEL EXPOSE ENV ADD COPY ENTRYPOINT VOLUME USER WORKDIR ARG ONBUILD STOPSIGNAL HEALTHCHECK SHELL MAINTAINER'.split(
    ' ',
  ),
)

export interface FakeBuildCall {
  opts: BuildOptions
  /** Context entry names in archive order. */
  files: string[]
  /** Contents of the regular files of the context, by name. */
  contents: Map<string, string>
  /** Set when the build was cancelled through its signal. */
  aborted: boolean
}

export class FakeBuildService implements BuildService {
  readonly calls: FakeBuildCall[] = []
  readonly pruned: { all: boolean; filters: Record<string, string[]>; keepStorage?: number }[] = []
  cache: BuildCacheRecord[] = []

  async build(
    context: NodeJS.ReadableStream,
    opts: BuildOptions,
    emit: (m: BuildMessage) => void,
    signal?: AbortSignal,
  ): Promise<string> {
    const call: FakeBuildCall = { opts, files: [], contents: new Map(), aborted: false }
    this.calls.push(call)
    const { stream } = await decompress(context as AsyncIterable<Buffer>)
    for await (const entry of readTar(stream)) {
      call.files.push(entry.header.name)
      const chunks: Buffer[] = []
      for await (const c of entry.body) chunks.push(c)
      if (entry.header.type === 'file')
        call.contents.set(entry.header.name, Buffer.concat(chunks).toString('utf8'))
    }
    const text = call.contents.get(opts.dockerfile.replace(/^\.\//, ''))
    if (text === undefined)
      return fail(new InvalidArgumentError(`Cannot locate specified Dockerfile: ${opts.dockerfile}`))
    const steps = parseSteps(text)
    if ('error' in steps) return fail(new InvalidArgumentError(steps.error))
    const out = (s: string) => {
      if (!opts.quiet) emit({ stream: s })
    }
    for (const [i, step] of steps.entries()) {
      out(`Step ${i + 1}/${steps.length} : ${step}\n`)
      const exit = /^RUN exit (\d+)$/.exec(step)
      if (exit) {
        const code = Number(exit[1])
        const message = `The command '/bin/sh -c exit ${code}' returned a non-zero code: ${code}`
        emit({ errorDetail: { code, message }, error: message })
        throw new InvalidArgumentError(message)
      }
      if (/^RUN sleep\b/.test(step)) await untilAborted(signal, call)
      if (step.startsWith('RUN ')) out(`output of ${step.slice(4)}\n`)
      out(` ---> ${shortHash(step + i)}\n`)
    }
    const id = `sha256:${createHash('sha256').update(text).update(JSON.stringify(opts.buildArgs)).digest('hex')}`
    emit({ aux: { ID: id } })
    out(`Successfully built ${id.slice(7, 19)}\n`)
    for (const t of opts.tags) out(`Successfully tagged ${t.includes(':') ? t : `${t}:latest`}\n`)
    if (opts.quiet) emit({ stream: `${id}\n` })
    return id

    function fail(err: InvalidArgumentError): never {
      emit({ errorDetail: { message: err.message }, error: err.message })
      throw err
    }
  }

  async prune(opts: { all: boolean; filters: Record<string, string[]>; keepStorage?: number }) {
    this.pruned.push(opts)
    const gone = this.cache.filter((r) => opts.all || !r.Shared)
    this.cache = this.cache.filter((r) => !gone.includes(r))
    return { CachesDeleted: gone.map((r) => r.ID), SpaceReclaimed: gone.reduce((n, r) => n + r.Size, 0) }
  }

  async usage(): Promise<BuildCacheRecord[]> {
    return [...this.cache]
  }
}

/** One step per instruction line (continuations joined); parse errors in Docker's wording. */
function parseSteps(text: string): string[] | { error: string } {
  const steps: string[] = []
  const lines = text.split('\n')
  for (let n = 0; n < lines.length; n++) {
    let line = (lines[n] ?? '').trim()
    const start = n + 1
    while (line.endsWith('\\') && n + 1 < lines.length)
      line = `${line.slice(0, -1).trim()} ${(lines[++n] ?? '').trim()}`
    if (line === '' || line.startsWith('#')) continue
    const word = line.split(/\s+/)[0]!.toUpperCase()
    if (!INSTRUCTIONS.has(word))
      return {
        error: `dockerfile parse error on line ${start}: unknown instruction: ${line.split(/\s+/)[0]}`,
      }
    steps.push(line)
  }
  if (steps.length === 0) return { error: 'the Dockerfile (Dockerfile) cannot be empty' }
  return steps
}

function shortHash(s: string): string {
  return createHash('sha256').update(s).digest('hex').slice(0, 12)
}

function untilAborted(signal: AbortSignal | undefined, call: FakeBuildCall): Promise<never> {
  return new Promise((_, reject) => {
    const stop = () => {
      call.aborted = true
      reject(new InvalidArgumentError('build cancelled'))
    }
    if (signal?.aborted) stop()
    else signal?.addEventListener('abort', stop, { once: true })
  })
}
