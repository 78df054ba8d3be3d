// `berth login`: checks credentials through the daemon (POST /auth) and saves them in the
// docker config (credential helper when configured), as `docker login` does.
import type { CommandModule } from '../../command.ts'
import { StatusError } from '../../context.ts'
import { errorText } from '../../errors-text.ts'
import { flag } from '../../flags.ts'
import { serverKey, storeCredentials } from './credentials.ts'

export const spec: CommandModule['spec'] = {
  usage: '[OPTIONS] [SERVER]',
  short: 'Authenticate to a registry',
  args: { max: 1 },
  flags: [
    { long: 'password', short: 'p', type: 'string', description: 'Password' },
    { long: 'password-stdin', type: 'bool', description: 'Take the password from stdin' },
    { long: 'username', short: 'u', type: 'string', description: 'Username' },
  ],
}

async function readAll(stdin: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = []
  for await (const c of stdin) chunks.push(Buffer.from(c as Buffer))
  return Buffer.concat(chunks).toString('utf8')
}

export const run: CommandModule['run'] = async (ctx, flags, [server]) => {
  const key = serverKey(server)
  const username = flag.str(flags, 'username')?.trim()
  let password = flag.str(flags, 'password')
  if (flag.bool(flags, 'password-stdin')) {
    if (password !== undefined)
      throw new StatusError(1, '--password and --password-stdin are mutually exclusive')
    if (!username) throw new StatusError(1, 'Must provide --username with --password-stdin')
    password = (await readAll(ctx.stdin)).replace(/\r?\n$/, '')
  } else if (password !== undefined) {
    ctx.err.line('WARNING! Using --password via the CLI is insecure. Use --password-stdin.')
  }
  if (!username || password === undefined || password === '')
    throw new StatusError(1, 'Error: Cannot perform an interactive login from a non TTY device')
  try {
    await ctx.client.systemAuth({ username, password, serveraddress: key })
  } catch (err) {
    throw new StatusError(1, errorText(err))
  }
  const plain = await storeCredentials(ctx.env, key, { username, password })
  if (plain) {
    ctx.err.line(
      'WARNING! Your credentials are stored unencrypted in the docker config file.\n' +
        'Configure a credential helper to remove this warning. See\n' +
        'https://docs.docker.com/go/credential-store/\n',
    )
  }
  ctx.out.line('Login Succeeded')
}
