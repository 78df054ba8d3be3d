// docker's confirmation prompt ("Are you sure you want to continue? [y/N] "): reads one line of
// stdin; anything but y/yes (case-insensitive) — including EOF — declines.
import type { CliContext } from '../context.ts'

export async function confirm(ctx: CliContext, message: string): Promise<boolean> {
  ctx.out.write(`${message}\nAre you sure you want to continue? [y/N] `)
  const line = await readLine(ctx.stdin)
  return /^(y|yes)$/i.test(line.trim())
}

function readLine(stdin: NodeJS.ReadableStream): Promise<string> {
  return new Promise((resolve) => {
    let buf = ''
    const onData = (chunk: Buffer | string) => {
      buf += chunk.toString()
      const nl = buf.indexOf('\n')
      if (nl >= 0) done(buf.slice(0, nl))
    }
    const onEnd = () => done(buf)
    const done = (s: string) => {
      stdin.removeListener('data', onData)
      stdin.removeListener('end', onEnd)
      stdin.pause()
      resolve(s)
    }
    stdin.on('data', onData)
    stdin.once('end', onEnd)
    stdin.resume()
  })
}
