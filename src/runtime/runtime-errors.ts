// Turns what runc/crun print on failure into the one human message Docker shows. runc logs
// logfmt lines (`time=… level=error msg="…"`); crun prints plain lines. No error kinds here:
// callers pick the kind from facts (does the container exist?), not from this text.

/** The error messages in `output` (runtime stderr or its log), most specific last, joined. */
export function runtimeMessage(output: string): string {
  const messages: string[] = []
  for (const raw of output.split('\n')) {
    const line = raw.trim()
    if (line === '') continue
    const logfmt = parseLogfmtMessage(line)
    if (logfmt !== undefined) {
      if (logfmt.level === 'error' || logfmt.level === 'fatal' || logfmt.level === undefined)
        messages.push(logfmt.msg)
      continue
    }
    messages.push(goWording(line.replace(/^Error:\s*/, '')))
  }
  return messages.join(': ')
}

/** strerror(3) texts as crun prints them; Go (runc, dockerd) writes them in lower case. */
const STRERROR =
  /No such file or directory|Permission denied|Not a directory|Is a directory|Operation not permitted|Exec format error|Read-only file system|No such device or address|File exists|Invalid argument/g

/** A plain (crun) line in the words runc and dockerd use, which clients match on: the docker CLI
 *  derives exit codes 127 and 126 from "executable file not found", "no such file or directory"
 *  and "permission denied", in lower case. */
function goWording(line: string): string {
  const missing = /^executable file `(.+)` not found in \$PATH: No such file or directory$/.exec(line)
  if (missing) {
    const name = missing[1] ?? ''
    // runc looks a path up with stat and a bare name in $PATH.
    return name.includes('/')
      ? `unable to start container process: exec: "${name}": stat ${name}: no such file or directory`
      : `unable to start container process: exec: "${name}": executable file not found in $PATH`
  }
  return line.replace(STRERROR, (m) => m.toLowerCase())
}

/** `time="…" level=error msg="a \"quoted\" text"` → { level, msg }; undefined if not logfmt. */
export function parseLogfmtMessage(line: string): { level: string | undefined; msg: string } | undefined {
  const msgAt = line.search(/(^|\s)msg=/)
  if (msgAt < 0) return undefined
  const level = /(?:^|\s)level=("?)(\w+)\1/.exec(line)?.[2]
  const start = line.indexOf('msg=', msgAt) + 4
  if (line[start] !== '"') return { level, msg: line.slice(start).split(' ')[0] ?? '' }
  let msg = ''
  for (let i = start + 1; i < line.length; i++) {
    const c = line[i]
    if (c === '\\' && i + 1 < line.length) {
      const next = line[++i]
      msg += next === 'n' ? '\n' : next === 't' ? '\t' : next
    } else if (c === '"') {
      break
    } else {
      msg += c
    }
  }
  return { level, msg }
}
