// `berth top`: GET /containers/{id}/top, printed as docker does (tabwriter, padding 1... see below).
import type { CommandModule } from '../../command.ts'
import { tabwrite } from '../../output/table.ts'

export const spec: CommandModule['spec'] = {
  usage: 'CONTAINER [ps OPTIONS]',
  short: 'Display the running processes of a container',
  args: { min: 1 },
  flags: [],
  interspersed: false,
}

export const run: CommandModule['run'] = async (ctx, _flags, [name = '', ...psArgs]) => {
  const top = await ctx.client.containerTop(name, {
    psArgs: psArgs.length > 0 ? psArgs.join(' ') : undefined,
  })
  // docker: tabwriter.NewWriter(out, 20, 1, 3, ' ', 0); each row's cells tab-separated.
  let text = `${top.Titles.join('\t')}\n`
  for (const p of top.Processes) text += `${p.join('\t')}\n`
  ctx.out.write(tabwrite(text, { minwidth: 20, padding: 3 }))
}
