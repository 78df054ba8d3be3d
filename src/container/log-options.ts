// The json-file/local/k8s-file log options berth honours: max-size and max-file bound a
// container's log on disk. conmon writes the log; past its --log-size-max it starts a new file
// (renamed over the old one), so berth keeps one file whose size is capped at
// max-size × max-file: the same bound on disk as Docker's rotation, history dropped in one step
// instead of one file at a time. Options are checked at create, with dockerd's messages.
import { InvalidArgumentError } from '../lib/errors.ts'

/** Options dockerd's json-file driver accepts (ValidateLogOpt); `local` takes the first three. */
const JSON_FILE_OPTS = new Set([
  'max-file',
  'max-size',
  'compress',
  'labels',
  'labels-regex',
  'env',
  'env-regex',
  'tag',
])
const ROTATING = new Set(['json-file', 'local', 'k8s-file', ''])

/** go-units FromHumanSize: decimal multiples (k = 1000), an optional "b"/"B", fractions allowed. */
export function fromHumanSize(s: string): number {
  const m = /^(\d+(?:\.\d+)?) ?([kmgtp]?)i?b?$/i.exec(s.trim())
  if (!m) throw new InvalidArgumentError(`failed to initialize logging driver: invalid size: '${s}'`)
  const mult = { '': 1, k: 1e3, m: 1e6, g: 1e9, t: 1e12, p: 1e15 }[m[2]!.toLowerCase() as 'k']
  return Math.floor(Number(m[1]) * mult)
}

/** Checks a container's log options as dockerd does at create. */
export function validateLogOptions(type: string, config: Record<string, string>): void {
  if (type === 'json-file' || type === '' || type === 'local') {
    for (const key of Object.keys(config))
      if (!JSON_FILE_OPTS.has(key))
        throw new InvalidArgumentError(`unknown log opt '${key}' for ${type || 'json-file'} log driver`)
  }
  logSizeLimit(type, config)
}

/** Bytes conmon may write before it starts a new file, or undefined (unbounded). */
export function logSizeLimit(type: string, config: Record<string, string>): number | undefined {
  if (!ROTATING.has(type)) return undefined
  const rawSize = config['max-size']
  const rawFiles = config['max-file']
  let files = 1
  if (rawFiles !== undefined) {
    files = Number(rawFiles)
    if (!/^-?\d+$/.test(rawFiles))
      throw new InvalidArgumentError(`strconv.Atoi: parsing "${rawFiles}": invalid syntax`)
    if (files < 1) throw new InvalidArgumentError('max-file cannot be less than 1')
  }
  if (rawSize === undefined) return undefined
  const size = fromHumanSize(rawSize)
  if (size <= 0) throw new InvalidArgumentError('max-size must be a positive number')
  return size * files
}

/** What `logs --details` shows before each line: the container labels and environment variables
 *  the log options name (labels, labels-regex, env, env-regex), as `key=value` pairs sorted by
 *  key and joined by commas, each part query-escaped as Go's url.QueryEscape does (moby's
 *  ExtraAttributes). Empty when the options name none. */
export function logDetails(
  config: Record<string, string>,
  labels: Record<string, string>,
  env: readonly string[],
): string {
  const extra = new Map<string, string>()
  for (const key of (config.labels ?? '').split(',').filter(Boolean)) {
    const value = labels[key]
    if (value !== undefined) extra.set(key, value)
  }
  const labelsRe = config['labels-regex'] ? new RegExp(config['labels-regex']) : undefined
  if (labelsRe) for (const [k, v] of Object.entries(labels)) if (labelsRe.test(k)) extra.set(k, v)
  const vars = new Map<string, string>()
  for (const e of env) {
    const at = e.indexOf('=')
    if (at > 0) vars.set(e.slice(0, at), e.slice(at + 1))
  }
  for (const key of (config.env ?? '').split(',').filter(Boolean)) {
    const value = vars.get(key)
    if (value !== undefined) extra.set(key, value)
  }
  const envRe = config['env-regex'] ? new RegExp(config['env-regex']) : undefined
  if (envRe) for (const [k, v] of vars) if (envRe.test(k)) extra.set(k, v)
  return [...extra.keys()]
    .sort()
    .map((k) => `${queryEscape(k)}=${queryEscape(extra.get(k) ?? '')}`)
    .join(',')
}

/** Go's url.QueryEscape: only A-Z a-z 0-9 - _ . ~ stay as they are; a space becomes "+". */
function queryEscape(s: string): string {
  return encodeURIComponent(s)
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+')
}
