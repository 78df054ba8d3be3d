// berth-registry entrypoint: hands argv to registry/command.ts and stops on SIGINT/SIGTERM.
import { once } from 'node:events'
import { runRegistryCommand } from '../registry/index.ts'

const stopped = Promise.race([once(process, 'SIGINT'), once(process, 'SIGTERM')])
const code = await runRegistryCommand(process.argv.slice(2), {
  stdout: (l) => process.stdout.write(l),
  stderr: (l) => process.stderr.write(l),
  stopped,
})
process.exit(code)
