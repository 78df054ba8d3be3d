// `.dockerignore` files and Docker's pattern semantics (moby/patternmatcher + ignorefile):
// comments, path.Clean, leading `/` dropped, `*` `?` `[...]` within one segment, `**` across
// segments, `!` exceptions where the last matching pattern wins, and a path is ignored when it or
// a parent directory matches. Which file applies: `<Dockerfile>.dockerignore` over `.dockerignore`.
// No file walking here: packers call IgnoreMatcher per entry.
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { InvalidArgumentError, isNotFound } from '../../lib/errors.ts'

/** Patterns of a .dockerignore file, normalized as Docker's ignorefile.ReadAll does. */
export function readDockerignore(text: string): string[] {
  const out: string[] = []
  for (const [i, rawLine] of text.split('\n').entries()) {
    let line = rawLine.replace(/\r$/, '')
    if (i === 0) line = line.replace(/^\uFEFF/, '')
    // Only a `#` in the first column starts a comment.
    if (line.startsWith('#')) continue
    let pattern = line.trim()
    if (pattern === '') continue
    const invert = pattern.startsWith('!')
    if (invert) pattern = pattern.slice(1).trim()
    if (pattern.length > 0) {
      pattern = cleanPath(pattern)
      if (pattern.length > 1 && pattern.startsWith('/')) pattern = pattern.slice(1)
    }
    out.push(invert ? `!${pattern}` : pattern)
  }
  return out
}

/** Go's path.Clean. */
export function cleanPath(p: string): string {
  if (p === '') return '.'
  const rooted = p.startsWith('/')
  const parts: string[] = []
  for (const seg of p.split('/')) {
    if (seg === '' || seg === '.') continue
    if (seg === '..') {
      if (parts.length > 0 && parts[parts.length - 1] !== '..') parts.pop()
      else if (!rooted) parts.push('..')
      continue
    }
    parts.push(seg)
  }
  const joined = parts.join('/')
  if (rooted) return `/${joined}`
  return joined === '' ? '.' : joined
}

interface Pattern {
  exclusion: boolean
  /** The cleaned pattern without `!`. */
  text: string
  segments: string[]
  re: RegExp
}

export class IgnoreMatcher {
  private readonly patterns: Pattern[] = []
  readonly hasExclusions: boolean

  /** @throws InvalidArgumentError for `!` alone or a malformed `[...]` class. */
  constructor(patterns: string[]) {
    let exclusions = false
    for (const raw of patterns) {
      let p = raw.trim()
      if (p === '') continue
      p = cleanPath(p)
      let exclusion = false
      if (p.startsWith('!')) {
        if (p.length === 1) throw new InvalidArgumentError('illegal exclusion pattern: "!"')
        exclusion = true
        exclusions = true
        p = p.slice(1)
      }
      // Context paths are relative: `/foo` means `foo` (readDockerignore already does this).
      if (p.length > 1 && p.startsWith('/')) p = p.slice(1)
      this.patterns.push({ exclusion, text: p, segments: p.split('/'), re: compile(p) })
    }
    this.hasExclusions = exclusions
  }

  /**
   * Whether a context path (relative, `/`-separated) is excluded: the last pattern matching it
   * or one of its parent directories decides. `isDir` does not change the result (Docker cleans
   * a trailing `/` away, so `dir/` also matches a file named `dir`); it is kept for callers.
   */
  ignores(relPath: string, _isDir = false): boolean {
    const file = cleanPath(relPath.replace(/^\/+/, ''))
    const parent = path.posix.dirname(file)
    const parentDirs = parent.split('/')
    let matched = false
    for (const pattern of this.patterns) {
      // An inclusion cannot change an already excluded path and vice versa.
      if (pattern.exclusion !== matched) continue
      let match = pattern.re.test(file)
      if (!match && parent !== '.') {
        for (let i = 0; i < parentDirs.length && !match; i++) {
          match = pattern.re.test(parentDirs.slice(0, i + 1).join('/'))
        }
      }
      if (match) matched = !pattern.exclusion
    }
    return matched
  }

  /**
   * False when no exception pattern could re-include something below `dir`, so a walker may
   * skip an ignored directory. Covers Docker's prefix rule (`!dir/keep`) and wildcard segments
   * (`!**\/keep`, `!*\/keep`).
   */
  mayContainIncluded(dir: string): boolean {
    const d = cleanPath(dir.replace(/^\/+/, ''))
    const dirSegs = d === '.' ? [] : d.split('/')
    for (const pattern of this.patterns) {
      if (!pattern.exclusion) continue
      if (`${pattern.text}/`.startsWith(`${d}/`)) return true
      if (prefixCouldMatch(pattern.segments, dirSegs)) return true
    }
    return false
  }
}

/** Whether some path below dirSegs could match the segment pattern. */
function prefixCouldMatch(pat: string[], dirSegs: string[]): boolean {
  if (dirSegs.length === 0) return true
  const [first, ...rest] = pat
  if (first === undefined) return false
  if (first === '**') {
    // `**` eats zero or more segments.
    return prefixCouldMatch(rest, dirSegs) || prefixCouldMatch(pat, dirSegs.slice(1))
  }
  if (!compile(first).test(dirSegs[0] as string)) return false
  // The pattern must go deeper than dir to include something below it.
  if (rest.length === 0) return false
  return prefixCouldMatch(rest, dirSegs.slice(1))
}

const cache = new Map<string, RegExp>()

/** A pattern as patternmatcher compiles it to a regexp anchored at both ends. */
function compile(pattern: string): RegExp {
  const hit = cache.get(pattern)
  if (hit) return hit
  let re = '^'
  const chars = Array.from(pattern)
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i] as string
    if (ch === '*') {
      if (chars[i + 1] === '*') {
        i++
        if (chars[i + 1] === '/') i++
        // `**` at the end matches everything; elsewhere any number of whole segments.
        re += i + 1 >= chars.length ? '.*' : '(.*/)?'
      } else re += '[^/]*'
    } else if (ch === '?') re += '[^/]'
    else if (ch === '\\') {
      const next = chars[i + 1]
      if (next === undefined) re += '\\\\'
      else {
        re += escapeRe(next)
        i++
      }
    } else if (ch === '[') {
      const end = classEnd(chars, i)
      if (end < 0) throw new InvalidArgumentError('syntax error in pattern')
      // Passed through like patternmatcher does: Go regexp class syntax, `^` negates.
      re += `[${chars.slice(i + 1, end).join('')}]`
      i = end
    } else re += escapeRe(ch)
  }
  let compiled: RegExp
  try {
    compiled = new RegExp(`${re}$`, 's')
  } catch (err) {
    throw new InvalidArgumentError(`syntax error in pattern: ${pattern}`, { cause: err })
  }
  cache.set(pattern, compiled)
  return compiled
}

function classEnd(chars: string[], start: number): number {
  let i = start + 1
  if (chars[i] === '^') i++
  if (chars[i] === ']') i++
  for (; i < chars.length; i++) {
    if (chars[i] === '\\') i++
    else if (chars[i] === ']') return i
  }
  return -1
}

function escapeRe(ch: string): string {
  return /[.*+?^${}()|[\]\\/-]/.test(ch) ? `\\${ch}` : ch
}

/**
 * The .dockerignore files that may apply to a build, most specific first: `<Dockerfile>.dockerignore`
 * beside the Dockerfile (BuildKit/buildx rule), then `.dockerignore` at the context root.
 * `dockerfilePath` is relative to the context or absolute.
 */
export function dockerignoreFor(dockerfilePath: string, contextDir = '.'): string[] {
  const df = path.isAbsolute(dockerfilePath) ? dockerfilePath : path.join(contextDir, dockerfilePath)
  return [`${df}.dockerignore`, path.join(contextDir, '.dockerignore')]
}

/** Reads the first existing file of dockerignoreFor; [] when none exists. */
export async function loadDockerignore(dockerfilePath: string, contextDir: string): Promise<string[]> {
  for (const candidate of dockerignoreFor(dockerfilePath, contextDir)) {
    try {
      return readDockerignore(await readFile(candidate, 'utf8'))
    } catch (err) {
      if (!isNotFound(err)) throw err
    }
  }
  return []
}

/**
 * Keeps the Dockerfile and `.dockerignore` in the context even when patterns exclude them, as
 * the docker CLI does (build.TrimBuildFilesFromExcludes); not the Dockerfile when it comes from stdin.
 */
export function keepBuildFiles(
  patterns: string[],
  dockerfile: string,
  dockerfileFromStdin = false,
): string[] {
  const out = [...patterns]
  if (new IgnoreMatcher(out).ignores('.dockerignore')) out.push('!.dockerignore')
  const df = dockerfile.replaceAll('\\', '/')
  if (!dockerfileFromStdin && new IgnoreMatcher(out).ignores(df)) out.push(`!${df}`)
  return out
}
