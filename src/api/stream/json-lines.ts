// Encodes an AsyncIterable of objects as newline-delimited JSON, the way Docker streams
// progress messages and events.
export async function* jsonLines(items: AsyncIterable<unknown>): AsyncGenerator<string> {
  for await (const item of items) yield `${JSON.stringify(item)}\n`
}
