// `berth update`: POST /containers/{id}/update for each container with the new limits and
// restart policy (docker's flags and parsers, shared with create), printing each name.
import type { ContainerUpdateRequest as UpdateRequest } from '../../../api/types/index.ts'
import type { CommandModule } from '../../command.ts'
import type { FlagSpec, ParseResult } from '../../flags.ts'
import { forEachName } from '../each.ts'
import { CREATE_FLAGS } from './create-flags.ts'
import { parseRestart } from './create-parsers.ts'

const NAMES = [
  'blkio-weight',
  'cpu-period',
  'cpu-quota',
  'cpu-shares',
  'cpus',
  'cpuset-cpus',
  'cpuset-mems',
  'memory',
  'memory-reservation',
  'memory-swap',
  'pids-limit',
  'restart',
]

export const spec: CommandModule['spec'] = {
  usage: '[OPTIONS] CONTAINER [CONTAINER...]',
  short: 'Update configuration of one or more containers',
  args: { min: 1 },
  flags: NAMES.map((n) => CREATE_FLAGS.find((f) => f.long === n)).filter(
    (f): f is FlagSpec => f !== undefined,
  ),
}

/** The request body docker sends: only what was given (zero means unchanged). */
export function toUpdateBody(f: ParseResult): UpdateRequest {
  const v = f.values
  const n = (k: string) => (typeof v[k] === 'number' ? (v[k] as number) : undefined)
  const body: UpdateRequest = {}
  if (n('blkio-weight') !== undefined) body.BlkioWeight = n('blkio-weight')
  if (n('cpu-period') !== undefined) body.CpuPeriod = n('cpu-period')
  if (n('cpu-quota') !== undefined) body.CpuQuota = n('cpu-quota')
  if (n('cpu-shares') !== undefined) body.CpuShares = n('cpu-shares')
  if (n('cpus') !== undefined) body.NanoCpus = Math.round((n('cpus') as number) * 1e9)
  if (typeof v['cpuset-cpus'] === 'string') body.CpusetCpus = v['cpuset-cpus']
  if (typeof v['cpuset-mems'] === 'string') body.CpusetMems = v['cpuset-mems']
  if (n('memory') !== undefined) body.Memory = n('memory')
  if (n('memory-reservation') !== undefined) body.MemoryReservation = n('memory-reservation')
  if (n('memory-swap') !== undefined) body.MemorySwap = n('memory-swap')
  if (n('pids-limit') !== undefined) body.PidsLimit = n('pids-limit')
  if (typeof v.restart === 'string' && v.restart !== '') body.RestartPolicy = parseRestart(v.restart)
  return body
}

export const run: CommandModule['run'] = async (ctx, flags, names) => {
  const body = toUpdateBody(flags)
  if (Object.keys(body).length === 0)
    throw new Error('you must provide one or more flags when using this command')
  await forEachName(ctx, names, (name) => ctx.client.containerUpdate(name, body))
}
