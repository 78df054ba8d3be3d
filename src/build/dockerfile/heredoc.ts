// Here-document markers (`<<EOF`, `<<-EOF`, `<<"EOF"`, `2<<EOF`) as BuildKit recognizes them on
// RUN, COPY and ADD lines (and those under ONBUILD), and tab stripping for `<<-`. Reading the
// bodies is the parser's job (parser.ts).
import { lex } from './expand.ts'
import type { RunInstruction } from './types.ts'

export interface HeredocMarker {
  name: string
  expand: boolean
  chomp: boolean
  fileDescriptor: number
}

const markerRe = /^(\d*)<<(-?)([^<]*)$/
const noVars = () => undefined

/** The heredoc a single word denotes, if any (`<<EOF`, `<<-"EOF"`). */
export function parseHeredocMarker(word: string): HeredocMarker | undefined {
  const m = markerRe.exec(word)
  if (!m) return undefined
  const rest = m[3] ?? ''
  if (rest === '') return undefined
  // Lex the word with and without quotes: a difference means part of it is quoted, and a
  // quoted delimiter turns expansion of the body off (POSIX 2.7.4).
  const words = lex(rest, noVars, { skipUnset: true }).words
  if (words.length !== 1) return undefined
  const raw = lex(rest, noVars, { skipUnset: true, rawQuotes: true }).words
  const name = words[0] as string
  const quotes = (s: string) => (s.match(/['"]/g) ?? []).length
  return {
    name,
    expand: quotes(name) === quotes(raw[0] ?? ''),
    chomp: m[2] === '-',
    fileDescriptor: Number(m[1] || 0),
  }
}

/** Every heredoc marker on an instruction line, in order. */
export function heredocMarkersOf(line: string): HeredocMarker[] {
  let words: string[]
  try {
    words = lex(line, noVars, { rawQuotes: true, rawEscapes: true, skipUnset: true }).words
  } catch {
    return []
  }
  const out: HeredocMarker[] = []
  for (const word of words) {
    const marker = parseHeredocMarker(word)
    if (marker) out.push(marker)
  }
  return out
}

/** Removes leading tabs from every line (`<<-`). */
export function chompHeredocContent(content: string): string {
  return content.replace(/^\t+/gm, '')
}

/**
 * How BuildKit runs a shell-form RUN that has heredocs: `RUN <<EOF` alone makes the body an
 * executable script (`<shell> /dev/pipes/EOF`, so a `#!` line picks the interpreter); any other
 * form becomes one shell script: the command line, then each body and its delimiter. Undefined
 * for exec form or no heredocs.
 */
export function runHeredocPlan(
  run: RunInstruction,
): { script: { name: string; content: string } } | { shell: string } | undefined {
  if (!('shell' in run.command) || run.heredocs.length === 0) return undefined
  const line = run.command.shell
  const only = run.heredocs[0]
  if (run.heredocs.length === 1 && only && parseHeredocMarker(line.trim())?.name === only.name) {
    return { script: { name: only.name, content: only.content } }
  }
  let script = line
  for (const h of run.heredocs) script += `\n${h.content}${h.name}`
  return { shell: script }
}
