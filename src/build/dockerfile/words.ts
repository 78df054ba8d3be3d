// Low-level splitting of one logical Dockerfile line, as BuildKit's parser does before any
// expansion: instruction name and `--flags`, quote-preserving words, whitespace fields and the
// JSON exec form. Values keep their quotes; expand.ts removes them at build time.
import { InstructionError } from './errors.ts'
import type { CommandLine } from './types.ts'

/** Splits `NAME --flag=v rest` into the lowercase-insensitive name, flags and the rest. */
export function splitCommand(line: string): { name: string; flags: string[]; rest: string } {
  const trimmed = line.trim()
  const m = /^(\S+)(?:\s+([\s\S]*))?$/.exec(trimmed)
  const name = m?.[1] ?? ''
  const args = m?.[2] ?? ''
  const { flags, rest } = extractFlags(args)
  return { name, flags, rest: rest.trim() }
}

/** Leading `--name[=value]` words (quotes and `\` escapes removed); a lone `--` ends them. */
export function extractFlags(line: string): { flags: string[]; rest: string } {
  const flags: string[] = []
  let pos = 0
  for (;;) {
    while (pos < line.length && /\s/.test(line[pos] as string)) pos++
    if (pos >= line.length) return { flags, rest: '' }
    if (!line.startsWith('--', pos)) return { flags, rest: line.slice(pos) }
    let word = ''
    let quote = ''
    let blankOk = false
    for (; pos < line.length; pos++) {
      const ch = line[pos] as string
      if (quote) {
        if (ch === quote) quote = ''
        else if (ch === '\\' && pos + 1 < line.length) word += line[++pos]
        else if (ch !== '\\') word += ch
        continue
      }
      if (/\s/.test(ch)) break
      if (ch === "'" || ch === '"') {
        quote = ch
        blankOk = true
      } else if (ch === '\\') {
        if (pos + 1 < line.length) word += line[++pos]
      } else word += ch
    }
    if (word === '--') return { flags, rest: line.slice(pos) }
    if (blankOk || word.length > 0) flags.push(word)
  }
}

/** Words separated by whitespace; quotes and escapes are kept as written (BuildKit parseWords). */
export function parseWords(rest: string, escapeToken: string): string[] {
  const words: string[] = []
  const chars = Array.from(rest)
  let word = ''
  let inWord = false
  let quote = ''
  let blankOk = false
  for (let i = 0; i < chars.length; i++) {
    let ch = chars[i] as string
    if (!inWord) {
      if (/\s/u.test(ch)) continue
      inWord = true
    }
    if (quote) {
      if (ch === quote) quote = ''
      // The escape token escapes inside double quotes, never inside single quotes.
      else if (ch === escapeToken && quote !== "'") {
        if (i + 1 === chars.length) {
          quote = ''
          continue
        }
        word += ch
        ch = chars[++i] as string
      }
      word += ch
      continue
    }
    if (/\s/u.test(ch)) {
      if (blankOk || word.length > 0) words.push(word)
      word = ''
      blankOk = false
      inWord = false
      continue
    }
    if (ch === "'" || ch === '"') {
      quote = ch
      blankOk = true
    }
    if (ch === escapeToken) {
      if (i + 1 === chars.length) continue
      word += ch
      ch = chars[++i] as string
    }
    word += ch
  }
  if (inWord && (blankOk || word.length > 0)) words.push(word)
  return words
}

/** Fields separated by runs of spaces and tabs (BuildKit parseStringsWhitespaceDelimited). */
export function splitFields(rest: string): string[] {
  if (rest === '') return []
  return rest.split(/[\t\v\f\r ]+/)
}

export const notStringArray = 'when using JSON array syntax, arrays must be comprised of strings only'

/**
 * The exec form: a JSON array of strings at the start of `rest` (anything after the array is
 * ignored, as Go's json.Decoder does). Undefined when `rest` is not valid JSON, so the caller
 * falls back to the shell form; @throws InstructionError for an array of non-strings.
 */
export function parseJsonArray(rest: string): string[] | undefined {
  const text = rest.trimStart()
  if (!text.startsWith('[')) return undefined
  const end = jsonValueEnd(text)
  if (end < 0) return undefined
  let value: unknown
  try {
    value = JSON.parse(text.slice(0, end))
  } catch {
    return undefined
  }
  if (!Array.isArray(value)) return undefined
  if (!value.every((v) => typeof v === 'string')) throw new InstructionError(notStringArray)
  return value as string[]
}

/** End index of the bracketed JSON value at the start of text, or -1 when unterminated. */
function jsonValueEnd(text: string): number {
  let depth = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]
    if (inString) {
      if (ch === '\\') i++
      else if (ch === '"') inString = false
      continue
    }
    if (ch === '"') inString = true
    else if (ch === '[' || ch === '{') depth++
    else if (ch === ']' || ch === '}') {
      depth--
      if (depth === 0) return i + 1
    }
  }
  return -1
}

/** Exec form when `rest` is a JSON string array, else the shell form (parseMaybeJSON). */
export function commandLine(rest: string): CommandLine {
  const exec = parseJsonArray(rest)
  return exec !== undefined ? { exec } : { shell: rest }
}
