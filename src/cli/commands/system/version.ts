// `berth version`: the client section (no daemon needed) and the server's GET /version, in
// docker's layout (a Go template through a 20-column tabwriter) or a user --format.
import { CLIENT_API_VERSION } from '../../../client/index.ts'
import type { CommandModule } from '../../command.ts'
import { StatusError } from '../../context.ts'
import { errorText } from '../../errors-text.ts'
import { flag } from '../../flags.ts'
import { tabwrite } from '../../output/table.ts'
import { parseTemplate, TemplateError } from '../../output/template.ts'
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
  const client = {
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
    const tmpl = parseTemplate(
      custom ? format.replaceAll('\\t', '\t').replaceAll('\\n', '\n') : VERSION_TEMPLATE,
    )
    const out = tmpl.execute(data)
    text = custom ? `${out}\n` : `${tabwrite(out, { minwidth: 20, padding: 1 })}\n`
  } catch (err) {
    if (err instanceof TemplateError) throw new StatusError(1, `template parsing error: ${err.message}`)
    throw err
  }
  ctx.out.write(text)
  if (serverError !== undefined) throw new StatusError(1, errorText(serverError))
}
