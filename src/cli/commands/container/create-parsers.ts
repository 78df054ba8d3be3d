// Parsers for run/create flag values with docker's syntax and error texts: ports (-p/--expose),
// volumes (-v), --mount CSV, --ulimit, --device, --restart, env/label files. Pure (files read by caller).
import type { DeviceMapping, Mount, PortBinding, RestartPolicy, Ulimit } from '../../../api/types/index.ts'
import { ramInBytes } from '../../output/units.ts'

export class OptionError extends Error {}

function portRange(s: string, what: string): [number, number] {
  const m = /^(\d+)(?:-(\d+))?$/.exec(s)
  if (!m) throw new OptionError(`invalid ${what}: ${s}`)
  const a = Number(m[1])
  const b = m[2] === undefined ? a : Number(m[2])
  if (a > 65535 || b > 65535 || b < a) throw new OptionError(`invalid ${what}: ${s}`)
  return [a, b]
}

/** `-p [ip:][hostPort:]containerPort[/proto]` → exposed keys and bindings (go-connections nat.ParsePortSpec). */
export function parsePublish(spec: string): { port: string; binding: PortBinding }[] {
  let rest = spec
  let proto = 'tcp'
  const slash = rest.lastIndexOf('/')
  if (slash >= 0) {
    proto = rest.slice(slash + 1).toLowerCase()
    rest = rest.slice(0, slash)
    if (!['tcp', 'udp', 'sctp'].includes(proto)) throw new OptionError(`invalid proto: ${proto}`)
  }
  let ip = ''
  let hostPart = ''
  let containerPart = rest
  const v6 = /^\[([^\]]+)\]:(.*)$/.exec(rest)
  if (v6) {
    ip = v6[1] ?? ''
    const parts = (v6[2] ?? '').split(':')
    if (parts.length !== 2) throw new OptionError(`invalid publish spec: ${spec}`)
    hostPart = parts[0] ?? ''
    containerPart = parts[1] ?? ''
  } else {
    const parts = rest.split(':')
    if (parts.length === 2) [hostPart = '', containerPart = ''] = parts
    else if (parts.length === 3) [ip = '', hostPart = '', containerPart = ''] = parts
    else if (parts.length > 3) throw new OptionError(`invalid publish spec: ${spec}`)
  }
  if (containerPart === '') throw new OptionError(`no port specified: ${spec}<empty>`)
  const [cStart, cEnd] = portRange(containerPart, 'containerPort')
  const [hStart, hEnd] = hostPart === '' ? [0, 0] : portRange(hostPart, 'hostPort')
  const count = cEnd - cStart + 1
  const hostCount = hEnd - hStart + 1
  const hostIsRange = hostPart !== '' && hostCount > 1
  // A host range with a single container port is the pool to allocate from ("8000-8010:80").
  if (hostPart !== '' && hostCount !== count && count > 1)
    throw new OptionError(
      `invalid ranges specified for container and host Ports: ${containerPart} and ${hostPart}`,
    )
  const out: { port: string; binding: PortBinding }[] = []
  for (let i = 0; i < count; i++) {
    let hostPort = ''
    if (hostPart !== '') hostPort = hostIsRange && count === 1 ? `${hStart}-${hEnd}` : String(hStart + i)
    out.push({ port: `${cStart + i}/${proto}`, binding: { HostIp: ip, HostPort: hostPort } })
  }
  return out
}

/** `--expose 80[-90][/proto]`. */
export function parseExpose(spec: string): string[] {
  const [range = '', proto = 'tcp'] = spec.split('/')
  const [a, b] = portRange(range, 'range format for --expose')
  const out: string[] = []
  for (let p = a; p <= b; p++) out.push(`${p}/${proto}`)
  return out
}

/** `-v`: an anonymous volume ("/data") goes to Config.Volumes; anything with a source is a bind. */
export function parseVolume(spec: string): { volume: string } | { bind: string } {
  const parts = spec.split(':')
  if (spec === '' || parts.some((p, i) => p === '' && i < 2))
    throw new OptionError(`invalid spec: ${spec}: empty section between colons`)
  if (parts.length === 1) return { volume: spec }
  if (parts.length > 3) throw new OptionError(`invalid spec: ${spec}: too many colons`)
  const target = parts[1] ?? ''
  if (!target.startsWith('/'))
    throw new OptionError(
      `invalid volume specification: '${spec}': invalid mount config for type "bind": invalid mount path: '${target}' mount path must be absolute`,
    )
  return { bind: spec }
}

/** `--mount type=bind,source=/a,target=/b,readonly,…` (docker's opts.MountOpt). */
export function parseMount(spec: string): Mount {
  const m: Mount = { Type: 'volume' }
  for (const field of splitCsv(spec)) {
    const eq = field.indexOf('=')
    const key = (eq < 0 ? field : field.slice(0, eq)).toLowerCase()
    const val = eq < 0 ? undefined : field.slice(eq + 1)
    const need = () => {
      if (val === undefined) throw new OptionError(`invalid field '${field}' must be a key=value pair`)
      return val
    }
    const bool = () => val === undefined || ['1', 'true', 'True'].includes(val)
    switch (key) {
      case 'type':
        m.Type = need() as Mount['Type']
        break
      case 'source':
      case 'src':
        m.Source = need()
        break
      case 'target':
      case 'dst':
      case 'destination':
        m.Target = need()
        break
      case 'readonly':
      case 'ro':
        m.ReadOnly = bool()
        break
      case 'consistency':
        m.Consistency = need()
        break
      case 'bind-propagation':
        m.BindOptions = { ...m.BindOptions, Propagation: need() as 'rprivate' }
        break
      case 'bind-nonrecursive':
        m.BindOptions = { ...m.BindOptions, NonRecursive: bool() }
        break
      case 'bind-recursive': {
        const v = need()
        const mode = ['1', 'true', 'True'].includes(v)
          ? 'enabled'
          : ['0', 'false', 'False'].includes(v)
            ? 'disabled'
            : v
        if (mode === 'disabled') m.BindOptions = { ...m.BindOptions, NonRecursive: true }
        else if (mode === 'writable') m.BindOptions = { ...m.BindOptions, ReadOnlyNonRecursive: true }
        else if (mode === 'readonly') m.BindOptions = { ...m.BindOptions, ReadOnlyForceRecursive: true }
        else if (mode !== 'enabled')
          throw new OptionError(
            `invalid value for ${key}: ${v} (must be "enabled", "disabled", "writable", or "readonly")`,
          )
        break
      }
      case 'volume-nocopy':
        m.VolumeOptions = { ...m.VolumeOptions, NoCopy: bool() }
        break
      case 'volume-subpath':
        m.VolumeOptions = { ...m.VolumeOptions, Subpath: need() }
        break
      case 'volume-driver':
        m.VolumeOptions = {
          ...m.VolumeOptions,
          DriverConfig: { ...m.VolumeOptions?.DriverConfig, Name: need() },
        }
        break
      case 'volume-label': {
        const [k = '', v = ''] = need().split(/=(.*)/s)
        m.VolumeOptions = { ...m.VolumeOptions, Labels: { ...m.VolumeOptions?.Labels, [k]: v } }
        break
      }
      case 'volume-opt': {
        const [k = '', v = ''] = need().split(/=(.*)/s)
        const dc = m.VolumeOptions?.DriverConfig
        m.VolumeOptions = { ...m.VolumeOptions, DriverConfig: { ...dc, Options: { ...dc?.Options, [k]: v } } }
        break
      }
      case 'tmpfs-size':
        m.TmpfsOptions = { ...m.TmpfsOptions, SizeBytes: ramInBytes(need()) }
        break
      case 'tmpfs-mode':
        m.TmpfsOptions = { ...m.TmpfsOptions, Mode: Number.parseInt(need(), 8) }
        break
      default:
        throw new OptionError(`unexpected key '${key}' in '${field}'`)
    }
  }
  if (!m.Target) throw new OptionError('target is required')
  return m
}

function splitCsv(s: string): string[] {
  const out: string[] = []
  let cur = ''
  let quoted = false
  for (const ch of s) {
    if (ch === '"') quoted = !quoted
    else if (ch === ',' && !quoted) {
      out.push(cur)
      cur = ''
    } else cur += ch
  }
  out.push(cur)
  return out.filter((f) => f !== '')
}

/** `--ulimit nofile=1024[:2048]`. */
export function parseUlimit(spec: string): Ulimit {
  const m = /^([a-z]+)=(-?\d+)(?::(-?\d+))?$/.exec(spec)
  if (!m) throw new OptionError(`invalid ulimit argument: ${spec}`)
  const soft = Number(m[2])
  const hard = m[3] === undefined ? soft : Number(m[3])
  if (soft > hard)
    throw new OptionError(`ulimit soft limit must be less than or equal to hard limit: ${soft} > ${hard}`)
  return { Name: m[1], Hard: hard, Soft: soft }
}

/** `--device /dev/x[:/dev/y][:rwm]`. */
export function parseDevice(spec: string): DeviceMapping {
  const parts = spec.split(':')
  const src = parts[0] ?? ''
  let dst = src
  let perms = 'rwm'
  if (parts.length === 2) {
    if (/^[rwm]+$/.test(parts[1] ?? '')) perms = parts[1] ?? perms
    else dst = parts[1] ?? src
  } else if (parts.length === 3) {
    dst = parts[1] ?? src
    perms = parts[2] ?? perms
  } else if (parts.length > 3) throw new OptionError(`invalid device specification: ${spec}`)
  return { PathOnHost: src, PathInContainer: dst, CgroupPermissions: perms }
}

/** `--restart no|always|unless-stopped|on-failure[:N]`. */
export function parseRestart(spec: string): RestartPolicy {
  const [name = '', count] = spec.split(':')
  if (!['no', 'always', 'unless-stopped', 'on-failure', ''].includes(name))
    throw new OptionError(
      `invalid restart policy: unknown policy '${name}'; use one of 'no', 'always', 'on-failure', or 'unless-stopped'`,
    )
  if (count !== undefined) {
    if (name !== 'on-failure')
      throw new OptionError(`invalid restart policy: maximum retry count can only be used with 'on-failure'`)
    if (!/^\d+$/.test(count))
      throw new OptionError(`invalid restart policy: invalid maximum retry count: ${count}`)
    return { Name: 'on-failure', MaximumRetryCount: Number(count) }
  }
  return { Name: name as RestartPolicy['Name'], MaximumRetryCount: 0 }
}

/** Lines of an --env-file / --label-file: skips blanks and comments; `KEY` alone takes the value from `env`. */
export function parseKeyValueFile(
  text: string,
  path: string,
  env: NodeJS.ProcessEnv,
  lookup: boolean,
): string[] {
  const out: string[] = []
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/^\s+/, '').replace(/\r$/, '')
    if (line === '' || line.startsWith('#')) return
    const eq = line.indexOf('=')
    const key = eq < 0 ? line : line.slice(0, eq)
    if (key === '')
      throw new OptionError(
        `invalid variable: '${line}' in ${path} line ${i + 1}: variable name cannot be empty`,
      )
    if (/\s/.test(key)) throw new OptionError(`variable '${key}' contains whitespaces`)
    if (eq >= 0) out.push(line)
    else if (!lookup) out.push(line)
    else if (env[key] !== undefined) out.push(`${key}=${env[key]}`)
  })
  return out
}

/** `-e KEY` takes KEY's value from the client environment when set (docker's ValidateEnv). */
export function expandEnv(spec: string, env: NodeJS.ProcessEnv): string {
  if (spec.includes('=')) return spec
  const v = env[spec]
  return v === undefined ? spec : `${spec}=${v}`
}
