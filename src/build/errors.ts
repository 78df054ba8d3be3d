// Errors of the builder that carry more than a message: a RUN whose command failed keeps its
// exit code for the stream's errorDetail.code (Docker's legacy builder reports it there).
import { InvalidArgumentError } from '../lib/errors.ts'

export class CommandFailedError extends InvalidArgumentError {
  readonly exitCode: number
  constructor(message: string, exitCode: number) {
    super(message)
    this.exitCode = exitCode
  }
}
