// The `berth` executable: hands argv/env/stdio to cli/main and sets the exit code. Nothing else,
// so start-up stays fast (command modules are imported lazily by cli/).
import { main } from '../cli/main.ts'

const code = await main({
  argv: process.argv.slice(2),
  env: process.env,
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  stdinIsTTY: process.stdin.isTTY === true,
  stdoutIsTTY: process.stdout.isTTY === true,
})
// Exit at once: idle keep-alive sockets would otherwise hold the process open. Writes to pipes,
// files and terminals are synchronous on Linux, so nothing printed is lost.
process.exit(code)
