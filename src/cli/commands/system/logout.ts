// `berth logout`: removes saved credentials for a registry from the docker config (and its
// credential helper). Does not contact the daemon, as `docker logout` does not.
import type { CommandModule } from '../../command.ts'
import { eraseCredentials, serverKey } from './credentials.ts'

export const spec: CommandModule['spec'] = {
  usage: '[SERVER]',
  short: 'Log out from a registry',
  args: { max: 1 },
  flags: [],
}

export const run: CommandModule['run'] = async (ctx, _flags, [server]) => {
  const key = serverKey(server)
  if (!(await eraseCredentials(ctx.env, key))) {
    ctx.out.line(`Not logged in to ${key}`)
    return
  }
  ctx.out.line(`Removing login credentials for ${key}`)
}
