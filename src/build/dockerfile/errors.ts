// Errors of the Dockerfile parser. Messages follow Docker's: `dockerfile parse error on line N: …`.
import { InvalidArgumentError } from '../../lib/errors.ts'

export class DockerfileParseError extends InvalidArgumentError {
  /** 1-based line of the instruction (or of the offending line). */
  readonly line: number
  /** The message without the `dockerfile parse error on line N: ` prefix. */
  readonly detail: string
  readonly file?: string
  constructor(line: number, detail: string, opts: { file?: string; cause?: unknown } = {}) {
    super(`dockerfile parse error on line ${line}: ${detail}`, { cause: opts.cause })
    this.line = line
    this.detail = detail
    if (opts.file !== undefined) this.file = opts.file
  }
}

/** An error inside one instruction; the parser adds the line. */
export class InstructionError extends Error {}
