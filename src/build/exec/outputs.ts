// Keeps the legacy stream readable while stages run in parallel: the earliest unfinished stage
// writes through live; later stages buffer and are flushed, in file order, as the stages before
// them finish. Quiet builds drop step text.
import type { BuildMessage } from '../build-service-contract.ts'
import type { StepOutput } from './build-run.ts'

export class StageOutputs {
  readonly #emit: (m: BuildMessage) => void
  readonly #quiet: boolean
  readonly #order: number[]
  readonly #buffers = new Map<number, BuildMessage[]>()
  readonly #done = new Set<number>()
  #head = 0

  /** `order`: the stage indexes that run, in file order. */
  constructor(order: number[], emit: (m: BuildMessage) => void, quiet: boolean) {
    this.#order = order
    this.#emit = emit
    this.#quiet = quiet
    for (const i of order) this.#buffers.set(i, [])
  }

  for(stage: number): StepOutput {
    const emit = (m: BuildMessage) => {
      if (this.#quiet && m.stream !== undefined) return
      if (this.#order[this.#head] === stage) this.#emit(m)
      else this.#buffers.get(stage)?.push(m)
    }
    return { emit, text: (s: string) => emit({ stream: s }) }
  }

  /** Marks a stage finished and flushes those that may now be shown. */
  finish(stage: number): void {
    this.#done.add(stage)
    while (this.#head < this.#order.length) {
      const cur = this.#order[this.#head]!
      for (const m of this.#buffers.get(cur) ?? []) this.#emit(m)
      this.#buffers.set(cur, [])
      if (!this.#done.has(cur)) return
      this.#head++
    }
  }

  /** Flushes everything (after a failure, so the user sees what ran). */
  flushAll(): void {
    for (const i of this.#order.slice(this.#head)) {
      for (const m of this.#buffers.get(i) ?? []) this.#emit(m)
      this.#buffers.set(i, [])
    }
    this.#head = this.#order.length
  }
}
