// Random 64-hex ids as Docker makes them, and the 12-character short form.
import { randomBytes } from 'node:crypto'

export function newId(): string {
  for (;;) {
    const id = randomBytes(32).toString('hex')
    // Docker avoids ids that look like numbers, so a short id is never mistaken for one.
    if (!/^\d+$/.test(id.slice(0, 12))) return id
  }
}

export function shortId(id: string): string {
  return id.replace(/^sha256:/, '').slice(0, 12)
}
