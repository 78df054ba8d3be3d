// Docker's detach keys (`ctrl-p,ctrl-q` by default, `--detach-keys`): parsing the key list and
// scanning an input stream for the sequence. Used by the CLI (berth's own terminal) and by the
// daemon's TTY attach, which ends the session there as dockerd does (the docker CLI relies on it).
import { InvalidArgumentError } from './errors.ts'

export const DEFAULT_DETACH_KEYS = 'ctrl-p,ctrl-q'

/** docker's term.ToBytes: "ctrl-p,ctrl-q" → [0x10, 0x11]; single characters stand for themselves.
 *  @throws Error on an unknown key. */
export function parseDetachKeys(keys: string): Buffer {
  const out: number[] = []
  for (const key of keys.split(',')) {
    const k = key.trim()
    if (k.length === 1) {
      out.push(k.charCodeAt(0))
      continue
    }
    const m = /^ctrl-(.)$/i.exec(k)
    if (!m) throw new InvalidArgumentError(`Invalid detach keys (${keys}) provided`)
    const c = m[1]!.toLowerCase()
    if (c >= 'a' && c <= 'z') out.push(c.charCodeAt(0) - 96)
    else if ('@[\\]^_'.includes(c)) out.push('@[\\]^_'.indexOf(c) === 0 ? 0 : 26 + '@[\\]^_'.indexOf(c))
    else throw new InvalidArgumentError(`Invalid detach keys (${keys}) provided`)
  }
  return Buffer.from(out)
}

/** Scans input for the detach sequence, holding back a partial match (docker's escape proxy). */
export class DetachScanner {
  readonly #keys: Buffer
  #matched = 0

  constructor(keys: Buffer) {
    this.#keys = keys
  }

  /** Bytes to forward now, and whether the sequence was completed (input after it is dropped). */
  push(chunk: Buffer): { forward: Buffer; detach: boolean } {
    if (this.#keys.length === 0) return { forward: chunk, detach: false }
    const out: number[] = []
    for (const b of chunk) {
      if (b === this.#keys[this.#matched]) {
        this.#matched++
        if (this.#matched === this.#keys.length) return { forward: Buffer.from(out), detach: true }
        continue
      }
      // Mismatch: the held-back prefix was ordinary input after all.
      for (let i = 0; i < this.#matched; i++) out.push(this.#keys[i]!)
      this.#matched = 0
      if (b === this.#keys[0]) this.#matched = 1
      else out.push(b)
    }
    return { forward: Buffer.from(out), detach: false }
  }
}
