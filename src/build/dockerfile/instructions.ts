// Typed instructions from one logical line (name, flags, rest, heredoc bodies), with BuildKit's
// per-instruction argument rules and error messages (instructions/parse.go). No expansion here.
import { InstructionError } from './errors.ts'
import { Flags, withSuggestion } from './flags.ts'
import { buildHealthcheck, parseGoDuration } from './healthcheck.ts'
import { chompHeredocContent, parseHeredocMarker } from './heredoc.ts'
import { parseRunMount } from './run-mount.ts'
import type {
  AddInstruction,
  ArgDefinition,
  CopyInstruction,
  Heredoc,
  HeredocSource,
  Instruction,
  KeyValue,
  NodeBase,
  RunInstruction,
} from './types.ts'
import {
  commandLine,
  notStringArray,
  parseJsonArray,
  parseWords,
  splitCommand,
  splitFields,
} from './words.ts'

/** One logical line after continuation joining, before typing. */
export interface RawNode {
  /** Instruction name as written (any case). */
  name: string
  flags: string[]
  rest: string
  original: string
  line: number
  endLine: number
  heredocs: Heredoc[]
}

export const instructionNames = [
  'ADD',
  'ARG',
  'CMD',
  'COPY',
  'ENTRYPOINT',
  'ENV',
  'EXPOSE',
  'FROM',
  'HEALTHCHECK',
  'LABEL',
  'MAINTAINER',
  'ONBUILD',
  'RUN',
  'SHELL',
  'STOPSIGNAL',
  'USER',
  'VOLUME',
  'WORKDIR',
] as const

/** Whether heredoc bodies follow this line: shell-form RUN/COPY/ADD, also under ONBUILD. */
export function canContainHeredoc(name: string, rest: string): boolean {
  let n = name.toUpperCase()
  let r = rest
  if (n === 'ONBUILD') {
    const sub = splitCommand(rest)
    n = sub.name.toUpperCase()
    r = sub.rest
  }
  if (n !== 'RUN' && n !== 'COPY' && n !== 'ADD') return false
  try {
    return parseJsonArray(r) === undefined
  } catch {
    return false
  }
}

/** Types one node. @throws InstructionError with BuildKit's message. */
export function buildInstruction(node: RawNode, escapeToken: string): Instruction {
  const base: NodeBase = {
    line: node.line,
    endLine: node.endLine,
    original: node.original,
    flags: node.flags,
  }
  const flags = new Flags(node.flags)
  const kind = node.name.toUpperCase()
  const rest = node.rest
  switch (kind) {
    case 'ENV':
    case 'LABEL': {
      flags.parse()
      const pairs = parseNameValues(rest, kind, escapeToken)
      return kind === 'ENV' ? { ...base, kind, pairs } : { ...base, kind, pairs }
    }
    case 'MAINTAINER':
      if (rest === '') throw new InstructionError('MAINTAINER requires exactly one argument')
      flags.parse()
      return { ...base, kind, maintainer: rest }
    case 'ARG':
      return { ...base, kind, args: parseArgs(rest, escapeToken) }
    case 'ADD':
    case 'COPY':
      return buildCopy(base, kind, flags, rest, node.heredocs)
    case 'FROM': {
      const args = splitFields(rest)
      let as: string | undefined
      if (args.length === 3 && args[1]?.toLowerCase() === 'as') {
        as = (args[2] as string).toLowerCase()
        if (!/^[a-z][a-z0-9-_.]*$/.test(as)) {
          throw new InstructionError(
            `invalid name for build stage: "${args[2]}", name can't start with a number or contain symbols`,
          )
        }
      } else if (args.length !== 1) throw new InstructionError('FROM requires either one or three arguments')
      flags.string('platform').parse()
      const platform = flags.getString('platform')
      return {
        ...base,
        kind,
        image: args[0] as string,
        ...(platform !== undefined && { platform }),
        ...(as !== undefined && { as }),
      }
    }
    case 'ONBUILD':
      return buildOnbuild(base, flags, node, escapeToken)
    case 'WORKDIR':
    case 'USER':
    case 'STOPSIGNAL': {
      if (rest === '') throw new InstructionError(`${kind} requires exactly one argument`)
      flags.parse()
      if (kind === 'WORKDIR') return { ...base, kind, path: rest }
      if (kind === 'USER') return { ...base, kind, user: rest }
      return { ...base, kind, signal: rest }
    }
    case 'RUN':
      return buildRun(base, flags, rest, node.heredocs)
    case 'CMD':
    case 'ENTRYPOINT':
      flags.parse()
      return { ...base, kind, command: rest === '' ? { exec: [] } : commandLine(rest) }
    case 'HEALTHCHECK':
      return buildHealthcheck(base, flags, rest)
    case 'EXPOSE': {
      const ports = splitFields(rest)
      if (ports.length === 0) throw new InstructionError('EXPOSE requires at least one argument')
      flags.parse()
      return { ...base, kind, ports: ports.sort() }
    }
    case 'VOLUME': {
      const list = listArgs(rest)
      if (list.length === 0) throw new InstructionError('VOLUME requires at least one argument')
      flags.parse()
      const volumes = list.map((v) => v.trim())
      if (volumes.some((v) => v === ''))
        throw new InstructionError('VOLUME specified can not be an empty string')
      return { ...base, kind, volumes }
    }
    case 'SHELL': {
      flags.parse()
      const exec = rest === '' ? [] : parseJsonArray(rest)
      if (exec === undefined) throw new InstructionError(`SHELL requires the arguments to be in JSON form`)
      if (exec.length === 0) throw new InstructionError('SHELL requires at least one argument')
      return { ...base, kind, shell: exec }
    }
  }
  throw new InstructionError(
    withSuggestion(`unknown instruction: ${node.name}`, node.name, [...instructionNames], false),
  )
}

/** parseMaybeJSONToList: a JSON array, else whitespace-separated fields. */
function listArgs(rest: string): string[] {
  return parseJsonArray(rest) ?? splitFields(rest)
}

function parseNameValues(rest: string, kind: 'ENV' | 'LABEL', escapeToken: string): KeyValue[] {
  const words = parseWords(rest, escapeToken)
  if (words.length === 0) throw new InstructionError(`${kind} requires at least one argument`)
  if (!(words[0] as string).includes('=')) {
    // Legacy `ENV name value…`: the first run of whitespace separates name and value.
    const m = /^([^\t\v\f\r ]*)[\t\v\f\r ]+([\s\S]*)$/.exec(rest)
    if (!m) throw new InstructionError(`${kind} must have two arguments`)
    return [{ key: m[1] as string, value: m[2] as string }]
  }
  return words.map((word) => {
    const eq = word.indexOf('=')
    if (eq < 0)
      throw new InstructionError(`Syntax error - can't find = in "${word}". Must be of the form: name=value`)
    if (eq === 0) throw new InstructionError(`${kind} names can not be blank`)
    return { key: word.slice(0, eq), value: word.slice(eq + 1) }
  })
}

function parseArgs(rest: string, escapeToken: string): ArgDefinition[] {
  const words = parseWords(rest, escapeToken)
  if (words.length === 0) throw new InstructionError('ARG requires at least one argument')
  return words.map((word) => {
    const eq = word.indexOf('=')
    if (eq < 0) return { key: word }
    if (eq === 0) throw new InstructionError('ARG names can not be blank')
    return { key: word.slice(0, eq), value: word.slice(eq + 1) }
  })
}

function buildCopy(
  base: NodeBase,
  kind: 'COPY' | 'ADD',
  flags: Flags,
  rest: string,
  heredocs: Heredoc[],
): CopyInstruction | AddInstruction {
  const args = listArgs(rest)
  if (args.length < 2) {
    throw new InstructionError(
      `${kind} requires at least two arguments, but only one was provided. Destination could not be determined`,
    )
  }
  flags.string('chown').string('chmod').bool('link').strings('exclude')
  if (kind === 'COPY') flags.string('from').bool('parents')
  else flags.bool('keep-git-dir').string('checksum').bool('unpack')
  flags.parse()
  const dest = args[args.length - 1] as string
  const isJson = parseJsonArray(rest) !== undefined
  const marker = (w: string) => (isJson ? undefined : safeMarker(w))
  if (marker(dest)) throw new InstructionError(`${kind} cannot accept a heredoc as a destination`)
  const sources: string[] = []
  const inline: HeredocSource[] = []
  for (const src of args.slice(0, -1)) {
    const m = marker(src)
    if (!m) {
      sources.push(src)
      continue
    }
    const body = heredocs.find((h) => h.name === m.name)
    let content = body?.content ?? ''
    if (m.chomp) content = chompHeredocContent(content)
    inline.push({ path: m.name, content, expand: m.expand })
  }
  const common = {
    ...base,
    link: flags.getBool('link'),
    exclude: flags.getStrings('exclude'),
    sources,
    dest,
    heredocs: inline,
    ...optional('chown', flags.getString('chown')),
    ...optional('chmod', flags.getString('chmod')),
  }
  if (kind === 'COPY') {
    return {
      ...common,
      kind,
      parents: flags.getBool('parents'),
      ...optional('from', flags.getString('from')),
    }
  }
  return {
    ...common,
    kind,
    parents: false,
    keepGitDir: flags.getBool('keep-git-dir'),
    ...optional('checksum', flags.getString('checksum')),
    ...optional('unpack', flags.getOptionalBool('unpack')),
  }
}

function safeMarker(word: string) {
  try {
    return parseHeredocMarker(word)
  } catch {
    return undefined
  }
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V }
}

function buildRun(base: NodeBase, flags: Flags, rest: string, heredocs: Heredoc[]): RunInstruction {
  flags.strings('mount').string('network').string('security').strings('device').parse()
  const network = flags.getString('network')
  if (network !== undefined && !['default', 'none', 'host'].includes(network)) {
    throw new InstructionError(`unsupported network mode "${network}"`)
  }
  const security = flags.getString('security')
  if (security !== undefined && !['sandbox', 'insecure'].includes(security)) {
    throw new InstructionError(`unsupported security mode "${security}"`)
  }
  if (rest === '') throw new InstructionError('RUN requires at least one argument')
  const command = commandLine(rest)
  return {
    ...base,
    kind: 'RUN',
    mounts: flags.getStrings('mount').map((m) => parseRunMount(m)),
    ...optional('network', network as RunInstruction['network']),
    ...optional('security', security as RunInstruction['security']),
    devices: flags.getStrings('device'),
    command,
    heredocs: 'shell' in command ? heredocs : [],
  }
}

function buildOnbuild(base: NodeBase, flags: Flags, node: RawNode, escapeToken: string): Instruction {
  if (node.rest === '') throw new InstructionError('ONBUILD requires at least one argument')
  flags.parse()
  const sub = splitCommand(node.rest)
  const trigger = sub.name.toUpperCase()
  if (trigger === 'ONBUILD')
    throw new InstructionError("Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed")
  if (trigger === 'MAINTAINER' || trigger === 'FROM')
    throw new InstructionError(`${trigger} isn't allowed as an ONBUILD trigger`)
  let expression = node.original.replace(/^\s*ONBUILD\s*/i, '')
  for (const h of node.heredocs) expression += `\n${h.content}${h.name}`
  const instruction = buildInstruction(
    { ...sub, original: node.rest, line: node.line, endLine: node.endLine, heredocs: node.heredocs },
    escapeToken,
  )
  return { ...base, kind: 'ONBUILD', expression, instruction }
}

export { notStringArray, parseGoDuration }
