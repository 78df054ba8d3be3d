// docker's --sig-proxy for `run` and `attach` without a TTY: signals the CLI receives are sent
// to the container through the kill endpoint instead of ending the CLI (docker's
// ForwardAllSignals). Node can trap only some signals; these are the ones a user sends.
// SIGUSR1 is left alone: Node reserves it for its inspector.

const FORWARDED = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGUSR2', 'SIGALRM', 'SIGCONT'] as const

/** Forwards signals through `kill` until the returned function is called. */
export function proxySignals(
  kill: (signal: string) => Promise<void>,
  onError: (err: unknown) => void,
  proc: Pick<NodeJS.Process, 'on' | 'off'> = process,
): () => void {
  const handlers = FORWARDED.map((sig) => {
    const h = () => {
      kill(sig).catch(onError)
    }
    proc.on(sig, h)
    return [sig, h] as const
  })
  return () => {
    for (const [sig, h] of handlers) proc.off(sig, h)
  }
}
