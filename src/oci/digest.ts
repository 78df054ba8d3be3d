// Content digests ("sha256:<64 hex>") as the OCI image spec defines them (descriptor.md
// "Digests"): a branded type built only by parseDigest/sha256Of, and a streaming hasher.
// Only sha256 is produced; other registered algorithms are accepted when parsing.
import { createHash, type Hash } from 'node:crypto'
import { InvalidArgumentError } from '../lib/errors.ts'

export type Digest = string & { readonly __brand: 'Digest' }

const DIGEST_RE = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/
const SHA256_HEX_RE = /^[a-f0-9]{64}$/

/** Validates `s` as a digest. sha256/sha512 encodings are checked for length and case.
 *  @throws InvalidArgumentError "invalid digest". */
export function parseDigest(s: string): Digest {
  if (!DIGEST_RE.test(s)) throw new InvalidArgumentError(`invalid digest: ${JSON.stringify(s)}`)
  const [alg, hex] = s.split(':') as [string, string]
  if (alg === 'sha256' && !SHA256_HEX_RE.test(hex))
    throw new InvalidArgumentError(`invalid sha256 digest: ${s}`)
  if (alg === 'sha512' && !/^[a-f0-9]{128}$/.test(hex))
    throw new InvalidArgumentError(`invalid sha512 digest: ${s}`)
  return s as Digest
}

export function isDigest(s: string): s is Digest {
  try {
    parseDigest(s)
    return true
  } catch {
    // parseDigest throws only InvalidArgumentError: the answer is "no".
    return false
  }
}

/** True for a 64-character lowercase hex string (a bare sha256 id). */
export function isSha256Hex(s: string): boolean {
  return SHA256_HEX_RE.test(s)
}

/** The encoded part of a digest ("<hex>" of "sha256:<hex>"). */
export function encodedOf(d: Digest): string {
  return d.slice(d.indexOf(':') + 1)
}

export function algorithmOf(d: Digest): string {
  return d.slice(0, d.indexOf(':'))
}

export function sha256Of(data: string | Uint8Array): Digest {
  return `sha256:${createHash('sha256').update(data).digest('hex')}` as Digest
}

/** "sha256:<hex>" from a bare 64-hex string. @throws InvalidArgumentError. */
export function sha256FromHex(hex: string): Digest {
  return parseDigest(`sha256:${hex}`)
}

/** A sha256 hasher that also counts bytes. */
export class Sha256Digester {
  readonly #hash: Hash = createHash('sha256')
  #size = 0
  update(chunk: Uint8Array): void {
    this.#hash.update(chunk)
    this.#size += chunk.length
  }
  get size(): number {
    return this.#size
  }
  digest(): Digest {
    return `sha256:${this.#hash.digest('hex')}` as Digest
  }
}

/** chainId per the OCI image spec (config.md "Layer ChainID"): chainId(L0) = diffId(L0),
 *  chainId(Ln) = sha256(chainId(Ln-1) + " " + diffId(Ln)). Returns one chainId per layer. */
export function chainIds(diffIds: readonly Digest[]): Digest[] {
  const out: Digest[] = []
  for (const d of diffIds) {
    const prev = out[out.length - 1]
    out.push(prev === undefined ? d : sha256Of(`${prev} ${d}`))
  }
  return out
}
