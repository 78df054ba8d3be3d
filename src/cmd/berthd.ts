// berthd entrypoint: reads argv and starts the daemon.
import { startDaemon } from '../daemon/start.ts'

startDaemon(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`berthd: ${err instanceof Error ? err.message : String(err)}\n`)
    process.exit(1)
  },
)
