// Creating a container the way docker run/create do: pull when the image is missing (per --pull),
// write --cidfile, print the daemon's warnings. Shared by create.ts and run.ts.
import { writeFileSync } from 'node:fs'
import { isEngineApiError } from '../../../client/index.ts'
import { familiarString, parseDockerRef } from '../../../oci/index.ts'
import type { CliContext } from '../../context.ts'
import { displayJSONMessages } from '../../output/jsonmessage.ts'
import type { CreatePlan } from './create-request.ts'

export async function createContainer(
  ctx: CliContext,
  plan: CreatePlan,
  opts: { quiet: boolean },
): Promise<string> {
  const image = plan.body.Image ?? ''
  if (plan.pull === 'always') await pullImage(ctx, image, plan.platform, opts.quiet)
  let res: Awaited<ReturnType<CliContext['client']['containerCreate']>>
  try {
    res = await ctx.client.containerCreate(plan.body, { name: plan.name, platform: plan.platform })
  } catch (err) {
    if (!isEngineApiError(err, 404) || plan.pull !== 'missing' || !/no such image/i.test(err.message))
      throw err
    ctx.err.line(`Unable to find image '${familiar(image)}' locally`)
    await pullImage(ctx, image, plan.platform, opts.quiet)
    res = await ctx.client.containerCreate(plan.body, { name: plan.name, platform: plan.platform })
  }
  for (const w of res.Warnings ?? []) ctx.err.line(`WARNING: ${w}`)
  const cidfile = plan.body.HostConfig?.ContainerIDFile
  if (cidfile) writeFileSync(cidfile, res.Id, { flag: 'wx' })
  return res.Id
}

function familiar(image: string): string {
  try {
    return familiarString(parseDockerRef(image))
  } catch {
    // Invalid references are reported by the daemon; show the name as typed.
    return image
  }
}

async function pullImage(
  ctx: CliContext,
  image: string,
  platform: string | undefined,
  quiet: boolean,
): Promise<void> {
  const ref = parseDockerRef(image)
  const name = familiarString({ domain: ref.domain, path: ref.path })
  const stream = ctx.client.imageCreate({ fromImage: name, tag: ref.digest ?? ref.tag, platform })
  if (quiet) {
    for await (const m of stream)
      if (m.error || m.errorDetail?.message) throw new Error(m.errorDetail?.message ?? m.error)
    return
  }
  await displayJSONMessages(stream, ctx.err, false)
}
