// htpasswd files ("user:hash" lines) and password checks. bcrypt ($2a$/$2b$/$2y$, via bcryptjs)
// is the supported scheme, as in distribution; {SHA} is verified natively for old files.
// Plain-text and MD5 (apr1) entries are refused rather than trusted.
import { createHash, timingSafeEqual } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import bcrypt from 'bcryptjs'
import { InvalidArgumentError } from '../../lib/errors.ts'

export class Htpasswd {
  readonly #entries: Map<string, string>

  constructor(entries: Map<string, string>) {
    this.#entries = entries
  }

  /** @throws InvalidArgumentError for a line that is not "user:hash" or an unsupported scheme. */
  static parse(text: string): Htpasswd {
    const entries = new Map<string, string>()
    for (const [i, raw] of text.split('\n').entries()) {
      const line = raw.trim()
      if (line === '' || line.startsWith('#')) continue
      const colon = line.indexOf(':')
      if (colon <= 0) throw new InvalidArgumentError(`htpasswd line ${i + 1}: expected "user:hash"`)
      const hash = line.slice(colon + 1)
      if (!/^\$2[aby]\$\d\d\$/.test(hash) && !hash.startsWith('{SHA}')) {
        throw new InvalidArgumentError(`htpasswd line ${i + 1}: only bcrypt and {SHA} hashes are supported`)
      }
      entries.set(line.slice(0, colon), hash)
    }
    return new Htpasswd(entries)
  }

  static async load(path: string): Promise<Htpasswd> {
    return Htpasswd.parse(await readFile(path, 'utf8'))
  }

  /** True if `user` exists and `password` matches. Unknown users cost a bcrypt round too. */
  async verify(user: string, password: string): Promise<boolean> {
    const hash = this.#entries.get(user)
    if (hash === undefined) {
      await bcrypt.compare(password, DUMMY_HASH)
      return false
    }
    if (hash.startsWith('{SHA}')) {
      const want = Buffer.from(hash.slice(5), 'base64')
      const got = createHash('sha1').update(password).digest()
      return want.length === got.length && timingSafeEqual(want, got)
    }
    // bcryptjs understands $2a$/$2b$; $2y$ (htpasswd -B) is the same algorithm.
    return await bcrypt.compare(password, hash.replace(/^\$2y\$/, '$2b$'))
  }
}

const DUMMY_HASH = '$2b$05$kAe8l04zDbdjA8W48ON0eObpc2H6JEO7s2txCXnX7EKbH5nJfhAhm'

/** A bcrypt hash for an htpasswd line (tests and tooling). */
export async function bcryptHash(password: string, rounds = 10): Promise<string> {
  return await bcrypt.hash(password, rounds)
}
