// Engine API build routes: POST /build (legacy builder: a context tar in, Docker's JSONMessage
// stream out, cancelled when the client goes away), POST /build/prune and POST /build/cancel.
// Dockerfile semantics, caching and the messages' text belong to the BuildService.
import type { BuildMessage, BuildService } from '../../build/build-service-contract.ts'
import { messageOf } from '../../lib/errors.ts'
import {
  buildErrorMessage,
  toBuildOptions,
  toBuildPruneOptions,
  toBuildPruneResponse,
} from '../codec/build.ts'
import { type ApiReply, type ApiRequest, json, post, type Route } from '../router.ts'

export function buildRoutes(builder: BuildService): Route[] {
  return [
    post('/build', (req) => imageBuild(builder, req)),
    post('/build/prune', (req) => buildPrune(builder, req), { minVersion: '1.31' }),
    post('/build/cancel', async () => ({ kind: 'empty', status: 200 }), { minVersion: '1.32' }),
  ]
}

/** A push queue read as an async iterable: emit() may run before anyone reads. */
class MessageQueue {
  readonly #items: BuildMessage[] = []
  #wake: (() => void) | undefined
  #closed = false
  push(m: BuildMessage): void {
    if (this.#closed) return
    this.#items.push(m)
    this.#wake?.()
  }
  close(): void {
    this.#closed = true
    this.#wake?.()
  }
  /** Resolves once a message is queued or the queue is closed. */
  async ready(): Promise<void> {
    while (this.#items.length === 0 && !this.#closed) await new Promise<void>((r) => (this.#wake = r))
    this.#wake = undefined
  }
  /** The next message without taking it. */
  peek(): BuildMessage | undefined {
    return this.#items[0]
  }
  async *drain(): AsyncGenerator<BuildMessage> {
    for (;;) {
      await this.ready()
      const m = this.#items.shift()
      if (m === undefined) return
      yield m
    }
  }
}

/**
 * POST /build. As dockerd, the status is decided by the first output: a build that fails before
 * writing anything (bad Dockerfile, missing Dockerfile) is an error status; once a message is
 * out the reply is 200 and a failure ends the stream with an error message.
 */
async function imageBuild(builder: BuildService, req: ApiRequest): Promise<ApiReply> {
  const opts = toBuildOptions(req.query, req.headers)
  const queue = new MessageQueue()
  let failed: unknown
  let errorSent = false
  const emit = (m: BuildMessage) => {
    if (isError(m)) errorSent = true
    queue.push(m)
  }
  const done = builder.build(req.body, opts, emit, req.signal).then(
    () => queue.close(),
    (err: unknown) => {
      failed = err
      queue.close()
    },
  )
  await queue.ready()
  const first = queue.peek()
  if (first === undefined || isError(first)) {
    await done
    if (failed !== undefined) throw failed
  }
  return { kind: 'stream', status: 200, contentType: 'application/json', body: stream() }

  async function* stream(): AsyncGenerator<string> {
    for await (const m of queue.drain()) yield `${JSON.stringify(m)}\n`
    await done
    if (failed !== undefined && !errorSent && !req.signal.aborted)
      yield `${JSON.stringify(buildErrorMessage(messageOf(failed)))}\n`
  }
}

function isError(m: BuildMessage): boolean {
  return m.error !== undefined || m.errorDetail !== undefined
}

async function buildPrune(builder: BuildService, req: ApiRequest): Promise<ApiReply> {
  const opts = toBuildPruneOptions(req.query)
  return json(toBuildPruneResponse(await builder.prune(opts)))
}
