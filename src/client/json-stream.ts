// Decodes a stream of concatenated JSON values (events, progress messages), one value per line as
// Go's json.Encoder writes them. Blank lines are skipped; a malformed line rejects the iteration.
// Also reads whole bodies as text.

export async function* jsonLines<T>(source: AsyncIterable<Buffer | string>): AsyncGenerator<T> {
  let pending = ''
  for await (const chunk of source) {
    pending += typeof chunk === 'string' ? chunk : chunk.toString('utf8')
    let nl = pending.indexOf('\n')
    while (nl >= 0) {
      const line = pending.slice(0, nl).trim()
      pending = pending.slice(nl + 1)
      if (line !== '') yield JSON.parse(line) as T
      nl = pending.indexOf('\n')
    }
  }
  if (pending.trim() !== '') yield JSON.parse(pending) as T
}

/** Reads a whole body as UTF-8. */
export async function readText(res: AsyncIterable<Buffer | string>): Promise<string> {
  const chunks: Buffer[] = []
  for await (const c of res) chunks.push(typeof c === 'string' ? Buffer.from(c) : c)
  return Buffer.concat(chunks).toString('utf8')
}
