// parseDockerfile: text → Dockerfile AST, following BuildKit's parser (parser/parser.go):
// parser directives, comments, line continuations with the escape token, heredoc bodies,
// then typed instructions (instructions.ts) grouped into stages. No variable expansion.
import { InvalidArgumentError } from '../../lib/errors.ts'
import { DockerfileParseError, InstructionError } from './errors.ts'
import { heredocMarkersOf } from './heredoc.ts'
import { buildInstruction, canContainHeredoc, type RawNode } from './instructions.ts'
import type { ArgInstruction, Directives, Dockerfile, Heredoc, Stage } from './types.ts'
import { splitCommand } from './words.ts'

const directiveRe = /^#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$/
const knownDirectives = new Set(['escape', 'syntax', 'check'])

class DirectiveScanner {
  done = false
  readonly seen = new Set<string>()
  readonly directives: Directives = { escape: '\\' }
  continuation = continuationRe('\\')

  /** Looks at one line while directives may still appear. @throws InstructionError */
  scan(line: string): void {
    if (this.done) return
    const m = directiveRe.exec(line)
    const key = m?.[1]?.toLowerCase()
    if (!m || key === undefined || !knownDirectives.has(key)) {
      this.done = true
      return
    }
    if (this.seen.has(key)) throw new InstructionError(`only one ${key} parser directive can be used`)
    this.seen.add(key)
    const value = m[2] as string
    if (key === 'escape') {
      if (value !== '`' && value !== '\\')
        throw new InstructionError(`invalid escape token '${value}' does not match \` or \\`)
      this.directives.escape = value
      this.continuation = continuationRe(value)
    } else if (key === 'syntax') this.directives.syntax = value
    else this.directives.check = value
  }
}

/** The escape token as last non-blank character continues the line, unless itself escaped. */
function continuationRe(escapeToken: string): RegExp {
  const e = `\\${escapeToken}`
  return new RegExp(`([^${e}])${e}[ \\t]*$|^${e}[ \\t]*$`)
}

function trimContinuation(line: string, re: RegExp): { line: string; more: boolean } {
  if (!re.test(line)) return { line, more: false }
  return { line: line.replace(re, '$1'), more: true }
}

const isComment = (line: string) => /^\s*#/.test(line)
const stripComment = (line: string) => (line.startsWith('#') ? '' : line)

/**
 * Parses a whole Dockerfile. @throws DockerfileParseError (an InvalidArgumentError) with the
 * line of the offending instruction; InvalidArgumentError when there is no stage at all.
 */
export function parseDockerfile(text: string, opts: { file?: string } = {}): Dockerfile {
  const lines = text.replace(/^\uFEFF/, '').split('\n')
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop()
  const d = new DirectiveScanner()
  const nodes: RawNode[] = []
  const warnings: string[] = []
  const fail = (line: number, err: unknown): never => {
    if (err instanceof InstructionError || err instanceof InvalidArgumentError) {
      const detail = err instanceof DockerfileParseError ? err.detail : err.message
      throw new DockerfileParseError(line, detail, { ...opts, cause: err })
    }
    throw err
  }
  let i = 0
  while (i < lines.length) {
    const first = (lines[i++] as string).replace(/[\r\n]+$/, '').trimStart()
    const startLine = i
    try {
      d.scan(first)
    } catch (err) {
      fail(startLine, err)
    }
    let { line, more } = trimContinuation(stripComment(first), d.continuation)
    if (!more && line === '') continue
    let emptyContinuation = false
    while (more && i < lines.length) {
      const raw = (lines[i++] as string).replace(/[\r\n]+$/, '')
      if (isComment(raw)) continue
      if (raw.trim() === '') {
        emptyContinuation = true
        continue
      }
      const next = trimContinuation(stripComment(raw), d.continuation)
      line += next.line
      more = next.more
    }
    if (emptyContinuation) warnings.push(`[WARNING]: Empty continuation line found in:\n    ${line}`)
    const { name, flags, rest } = splitCommand(line)
    const heredocs: Heredoc[] = []
    if (canContainHeredoc(name, rest)) {
      let markers: ReturnType<typeof heredocMarkersOf> = []
      try {
        markers = heredocMarkersOf(line)
      } catch (err) {
        fail(startLine, err)
      }
      for (const marker of markers) {
        let content = ''
        let terminated = false
        while (i < lines.length) {
          const raw = (lines[i++] as string).replace(/\r$/, '')
          const candidate = marker.chomp ? raw.replace(/^\t+/, '') : raw
          if (candidate === marker.name) {
            terminated = true
            break
          }
          content += `${marker.chomp ? candidate : raw}\n`
        }
        if (!terminated) fail(startLine, new InstructionError('unterminated heredoc'))
        heredocs.push({ name: marker.name, content, expand: marker.expand, chomp: marker.chomp })
      }
    }
    nodes.push({ name, flags, rest, original: line, line: startLine, endLine: i, heredocs })
  }
  if (nodes.length === 0) fail(Math.max(lines.length, 1), new InstructionError('file with no instructions'))
  return assemble(nodes, d.directives, warnings, opts, fail)
}

/** Types every node and groups them: ARGs before the first FROM are global. */
function assemble(
  nodes: RawNode[],
  directives: Directives,
  warnings: string[],
  opts: { file?: string },
  fail: (line: number, err: unknown) => never,
): Dockerfile {
  const globalArgs: ArgInstruction[] = []
  const stages: Stage[] = []
  const names = new Set<string>()
  for (const node of nodes) {
    let instruction: ReturnType<typeof buildInstruction>
    try {
      instruction = buildInstruction(node, directives.escape)
    } catch (err) {
      return fail(node.line, err)
    }
    if (instruction.kind === 'FROM') {
      if (instruction.as !== undefined) {
        if (names.has(instruction.as))
          fail(node.line, new InstructionError(`duplicate stage name "${instruction.as}"`))
        names.add(instruction.as)
      }
      stages.push({
        ...(instruction.as !== undefined && { name: instruction.as }),
        index: stages.length,
        base: instruction,
        instructions: [],
      })
      continue
    }
    const stage = stages[stages.length - 1]
    if (stage === undefined) {
      if (instruction.kind === 'ARG') {
        globalArgs.push(instruction)
        continue
      }
      fail(node.line, new InstructionError('no build stage in current context'))
    } else stage.instructions.push(instruction)
  }
  if (stages.length === 0) throw new InvalidArgumentError('dockerfile contains no stages to build')
  return { ...(opts.file !== undefined && { file: opts.file }), directives, globalArgs, stages, warnings }
}
