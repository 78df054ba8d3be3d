// `berth version`: the client section (no daemon needed) and the server's GET /version, in
// docker's layout (a Go template through a 20-column tabwriter) or a user --format.
import { CLIENT_API_VERSION } from '../../../client/index.ts'
import type { CommandModule } from '../../command.ts'
import { StatusError } from '../../context.ts'
import { errorText } from '../../errors-text.ts'
import { flag } from '../../flags.ts'
import { tabwrite } from '../../output/table.ts'
import { formatValue, parseTemplate, TemplateError } from '../../output/template.ts'
import { BUILD_TIME, CLI_VERSION, GIT_COMMIT } from '../../version-info.ts'

export const spec: CommandModule['spec'] = {
  usage: '[OPTIONS]',
  short: 'Show the Docker version information',
  args: { max: 0 },
  flags: [
    { long: 'format', short: 'f', type: 'string', description: 'Format output using a custom template' },
  ],
}

export const VERSION_TEMPLATE = `{{with .Client -}}
Client:{{if ne .Platform nil}}{{if ne .Platform.Name ""}} {{.Platform.Name}}{{end}}{{end}}
 Version:\t{{.Version}}
 API version:\t{{.ApiVersion}}{{if ne .ApiVersion .DefaultAPIVersion}} (downgraded from {{.DefaultAPIVersion}}){{end}}
 Go version:\t{{.GoVersion}}
 Git commit:\t{{.GitCommit}}
 Built:\t{{.BuildTime}}
 OS/Arch:\t{{.Os}}/{{.Arch}}
 Context:\t{{.Context}}
{{- end}}

{{- if ne .Server nil}}{{with .Server}}

Server:{{if ne .Platform.Name ""}} {{.Platform.Name}}{{end}}
 {{- range $component := .Components}}
 {{$component.Name}}:
  {{- if eq $component.Name "Engine" }}
  Version:\t{{.Version}}
  API version:\t{{index .Details "ApiVersion"}} (minimum version {{index .Details "MinAPIVersion"}})
  Go version:\t{{index .Details "GoVersion"}}
  Git commit:\t{{index .Details "GitCommit"}}
  Built:\t{{index .Details "BuildTime"}}
  OS/Arch:\t{{index .Details "Os"}}/{{index .Details "Arch"}}
  Experimental:\t{{index .Details "Experimental"}}
  {{- else }}
  Version:\t{{$component.Version}}
  {{- range $key, $value := $component.Details}}
  {{$key}}:\t{{$value}}
   {{- end}}
  {{- end}}
 {{- end}}
 {{- end}}{{- end}}`

const ARCH: Record<string, string> = {
  x64: 'amd64',
  ia32: '386',
  arm64: 'arm64',
  arm: 'arm',
  ppc64: 'ppc64le',
  s390x: 's390x',
  riscv64: 'riscv64',
}

/** Go's time.ANSIC in local time: "Fri May 30 12:07:27 2025". */
export function ansic(iso: string): string {
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return iso
  const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat']
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']
  const p = (n: number) => String(n).padStart(2, '0')
  return `${days[d.getDay()]} ${months[d.getMonth()]} ${String(d.getDate()).padStart(2, ' ')} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())} ${d.getFullYear()}`
}

interface VersionClient {
  Platform: { Name: string }
  Version: string
  ApiVersion: string
  DefaultAPIVersion: string
  GitCommit: string
  GoVersion: string
  Os: string
  Arch: string
  BuildTime: string
  Context: string
}

interface VersionServer {
  Platform: { Name?: string }
  Components: { Name: string; Version: string; Details: Record<string, unknown> }[]
}

/**
 * What VERSION_TEMPLATE renders, written out: parsing that template cold costs the CLI ~5 ms of
 * its start-up budget on every `berth version`. A test keeps the two identical.
 */
export function defaultVersionText(c: VersionClient, server: VersionServer | null): string {
  const lines = [
    `Client:${c.Platform.Name !== '' ? ` ${c.Platform.Name}` : ''}`,
    ` Version:\t${c.Version}`,
    ` API version:\t${c.ApiVersion}${c.ApiVersion !== c.DefaultAPIVersion ? ` (downgraded from ${c.DefaultAPIVersion})` : ''}`,
    ` Go version:\t${c.GoVersion}`,
    ` Git commit:\t${c.GitCommit}`,
    ` Built:\t${c.BuildTime}`,
    ` OS/Arch:\t${c.Os}/${c.Arch}`,
    ` Context:\t${c.Context}`,
  ]
  if (server === null) return lines.join('\n')
  const name = server.Platform.Name ?? ''
  lines.push('', `Server:${name !== '' ? ` ${name}` : ''}`)
  // Go's `index` of a missing map[string]string key is "".
  const d = (details: Record<string, unknown>, k: string) =>
    details[k] === undefined ? '' : formatValue(details[k])
  for (const comp of server.Components) {
    lines.push(` ${comp.Name}:`)
    const det = comp.Details
    if (comp.Name === 'Engine') {
      lines.push(
        `  Version:\t${comp.Version}`,
        `  API version:\t${d(det, 'ApiVersion')} (minimum version ${d(det, 'MinAPIVersion')})`,
        `  Go version:\t${d(det, 'GoVersion')}`,
        `  Git commit:\t${d(det, 'GitCommit')}`,
        `  Built:\t${d(det, 'BuildTime')}`,
        `  OS/Arch:\t${d(det, 'Os')}/${d(det, 'Arch')}`,
        `  Experimental:\t${d(det, 'Experimental')}`,
      )
    } else {
      lines.push(`  Version:\t${comp.Version}`)
      for (const k of Object.keys(det).sort()) lines.push(`  ${k}:\t${formatValue(det[k])}`)
    }
  }
  return lines.join('\n')
}

export const run: CommandModule['run'] = async (ctx, flags) => {
  const format = flag.str(flags, 'format')
  let server: Record<string, unknown> | null = null
  let serverError: unknown
  let apiVersion = CLIENT_API_VERSION
  try {
    apiVersion = await ctx.client.apiVersion()
    const v = await ctx.client.systemVersion()
    const components = (v.Components ?? []).map((c) => {
      const details = { ...(c.Details ?? {}) }
      if (c.Name === 'Engine' && details.BuildTime) details.BuildTime = ansic(details.BuildTime)
      return { ...c, Details: details }
    })
    server = { ...v, Platform: v.Platform ?? { Name: '' }, Components: components }
  } catch (err) {
    serverError = err
  }
  const client: VersionClient = {
    Platform: { Name: '' },
    Version: CLI_VERSION,
    ApiVersion: apiVersion,
    DefaultAPIVersion: CLIENT_API_VERSION,
    GitCommit: GIT_COMMIT,
    GoVersion: process.version,
    Os: process.platform,
    Arch: ARCH[process.arch] ?? process.arch,
    BuildTime: BUILD_TIME ? ansic(BUILD_TIME) : '',
    Context: 'default',
  }
  const data = { Client: client, Server: server }
  let text: string
  try {
    const custom = format !== undefined && format !== ''
    const out = custom
      ? parseTemplate(format.replaceAll('\\t', '\t').replaceAll('\\n', '\n')).execute(data)
      : defaultVersionText(client, server as VersionServer | null)
    text = custom ? `${out}\n` : `${tabwrite(out, { minwidth: 20, padding: 1 })}\n`
  } catch (err) {
    if (err instanceof TemplateError) throw new StatusError(1, `template parsing error: ${err.message}`)
    throw err
  }
  ctx.out.write(text)
  if (serverError !== undefined) throw new StatusError(1, errorText(serverError))
}
