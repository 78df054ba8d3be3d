// `berth info`: GET /info in docker's layout (client section, then server), warnings on stderr,
// or a user --format over the info object.
import type { SystemInfo } from '../../../api/types/index.ts'
import type { CommandModule } from '../../command.ts'
import { StatusError } from '../../context.ts'
import { errorText } from '../../errors-text.ts'
import { flag } from '../../flags.ts'
import { parseTemplate, TemplateError } from '../../output/template.ts'
import { bytesSize } from '../../output/units.ts'
import { CLI_VERSION } from '../../version-info.ts'

export const spec: CommandModule['spec'] = {
  usage: '[OPTIONS]',
  short: 'Display system-wide information',
  args: { max: 0 },
  flags: [
    { long: 'format', short: 'f', type: 'string', description: 'Format output using a custom template' },
  ],
}

export const run: CommandModule['run'] = async (ctx, flags) => {
  const format = flag.str(flags, 'format')
  const clientInfo = { Version: CLI_VERSION, Context: 'default', Debug: false, Plugins: [], Warnings: null }
  if (format !== undefined && format !== '') {
    const info = await ctx.client.systemInfo()
    try {
      const f = format === 'json' ? '{{json .}}' : format.replaceAll('\\t', '\t').replaceAll('\\n', '\n')
      ctx.out.line(parseTemplate(f).execute({ ...info, ClientInfo: clientInfo }))
    } catch (err) {
      if (err instanceof TemplateError) throw new StatusError(1, `template parsing error: ${err.message}`)
      throw err
    }
    return
  }
  const lines = [
    'Client:',
    ` Version:    ${CLI_VERSION}`,
    ' Context:    default',
    ' Debug Mode: false',
    '',
    'Server:',
  ]
  let info: SystemInfo
  try {
    info = await ctx.client.systemInfo()
  } catch (err) {
    ctx.out.write(`${lines.join('\n')}\n`)
    throw new StatusError(1, `ERROR: ${errorText(err)}\nerrors pretty printing info`)
  }
  ctx.out.write(`${[...lines, ...serverLines(info)].join('\n')}\n\n`)
  for (const w of info.Warnings ?? []) ctx.err.line(w)
}

/** docker's prettyPrintServerInfo. */
export function serverLines(info: SystemInfo): string[] {
  const l: string[] = []
  const nonEmpty = (label: string, v: string | undefined) => {
    if (v) l.push(`${label} ${v}`)
  }
  l.push(
    ` Containers: ${info.Containers}`,
    `  Running: ${info.ContainersRunning}`,
    `  Paused: ${info.ContainersPaused}`,
  )
  l.push(`  Stopped: ${info.ContainersStopped}`, ` Images: ${info.Images}`)
  nonEmpty(' Server Version:', info.ServerVersion)
  nonEmpty(' Storage Driver:', info.Driver)
  for (const [k, v] of info.DriverStatus ?? []) l.push(`  ${k}: ${v}`)
  nonEmpty(' Logging Driver:', info.LoggingDriver)
  nonEmpty(' Cgroup Driver:', info.CgroupDriver)
  nonEmpty(' Cgroup Version:', info.CgroupVersion)
  const plugins = info.Plugins ?? {}
  l.push(
    ' Plugins:',
    `  Volume: ${(plugins.Volume ?? []).join(' ')}`,
    `  Network: ${(plugins.Network ?? []).join(' ')}`,
  )
  if ((plugins.Authorization ?? []).length > 0)
    l.push(`  Authorization: ${(plugins.Authorization ?? []).join(' ')}`)
  l.push(`  Log: ${(plugins.Log ?? []).join(' ')}`)
  if ((info.CDISpecDirs ?? []).length > 0)
    l.push(' CDI spec directories:', ...(info.CDISpecDirs ?? []).map((d) => `  ${d}`))
  l.push(` Swarm: ${info.Swarm?.LocalNodeState ?? ''}`)
  const runtimes = Object.keys(info.Runtimes ?? {}).sort()
  if (runtimes.length > 0)
    l.push(` Runtimes: ${runtimes.join(' ')}`, ` Default Runtime: ${info.DefaultRuntime}`)
  if (info.OSType === 'linux') {
    l.push(` Init Binary: ${info.InitBinary}`)
    l.push(
      ` containerd version: ${info.ContainerdCommit?.ID ?? ''}`,
      ` runc version: ${info.RuncCommit?.ID ?? ''}`,
    )
    l.push(` init version: ${info.InitCommit?.ID ?? ''}`)
    if ((info.SecurityOptions ?? []).length > 0)
      l.push(' Security Options:', ...securityOptionLines(info.SecurityOptions))
  }
  if (info.OSType === 'windows') l.push(` Default Isolation: ${info.Isolation}`)
  nonEmpty(' Kernel Version:', info.KernelVersion)
  nonEmpty(' Operating System:', info.OperatingSystem)
  nonEmpty(' OSType:', info.OSType)
  nonEmpty(' Architecture:', info.Architecture)
  l.push(` CPUs: ${info.NCPU}`, ` Total Memory: ${bytesSize(info.MemTotal)}`)
  nonEmpty(' Name:', info.Name)
  nonEmpty(' ID:', info.ID)
  l.push(` Docker Root Dir: ${info.DockerRootDir}`, ` Debug Mode: ${info.Debug}`)
  if (info.Debug) {
    l.push(`  File Descriptors: ${info.NFd}`, `  Goroutines: ${info.NGoroutines}`)
    l.push(`  System Time: ${info.SystemTime}`, `  EventsListeners: ${info.NEventsListener}`)
  }
  nonEmpty(' HTTP Proxy:', info.HttpProxy)
  nonEmpty(' HTTPS Proxy:', info.HttpsProxy)
  nonEmpty(' No Proxy:', info.NoProxy)
  if ((info.Labels ?? []).length > 0) l.push(' Labels:', ...info.Labels.map((x) => `  ${x}`))
  l.push(` Experimental: ${info.ExperimentalBuild}`)
  const reg = info.RegistryConfig
  const insecureIndexes = Object.values(reg?.IndexConfigs ?? {}).filter((r) => !r.Secure)
  if (
    reg &&
    ((reg.InsecureRegistryCIDRs ?? []).length > 0 || Object.keys(reg.IndexConfigs ?? {}).length > 0)
  ) {
    l.push(
      ' Insecure Registries:',
      ...insecureIndexes.map((r) => `  ${r.Name}`),
      ...(reg.InsecureRegistryCIDRs ?? []).map((c) => `  ${c}`),
    )
  }
  if ((reg?.Mirrors ?? []).length > 0)
    l.push(' Registry Mirrors:', ...(reg?.Mirrors ?? []).map((m) => `  ${m}`))
  l.push(` Live Restore Enabled: ${info.LiveRestoreEnabled}`)
  if (info.ProductLicense) l.push(` Product License: ${info.ProductLicense}`)
  if ((info.DefaultAddressPools ?? []).length > 0)
    l.push(
      ' Default Address Pools:',
      ...(info.DefaultAddressPools ?? []).map((p) => `   Base: ${p.Base}, Size: ${p.Size}`),
    )
  return l
}

/** "name=seccomp,profile=builtin" → "  seccomp" / "   Profile: builtin". */
function securityOptionLines(opts: string[]): string[] {
  const out: string[] = []
  for (const opt of opts) {
    const kvs = opt.split(',').map((kv) => kv.split(/=(.*)/s) as [string, string?])
    const name = kvs.find(([k]) => k === 'name')?.[1] ?? opt
    out.push(`  ${name}`)
    for (const [k, v] of kvs) {
      if (k === 'name') continue
      out.push(`   ${k.charAt(0).toUpperCase()}${k.slice(1)}: ${v ?? ''}`)
    }
  }
  return out
}
