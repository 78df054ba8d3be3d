// Go's text/tabwriter as docker configures it (cells end at '\t', columns padded with spaces):
// column blocks, minwidth, padding, the trailing cell of a line is never aligned. Pure.

export interface TabwriterOptions {
  minwidth: number
  padding: number
}

/** docker's formatter tables: tabwriter.NewWriter(out, 10, 1, 3, ' ', 0). */
export const TABLE: TabwriterOptions = { minwidth: 10, padding: 3 }

/** Aligns `text` (lines of tab-terminated cells) as Go's tabwriter would on Flush. */
export function tabwrite(text: string, opts: TabwriterOptions = TABLE): string {
  const endsWithNewline = text.endsWith('\n')
  const lines = (endsWithNewline ? text.slice(0, -1) : text).split('\n').map((l) => l.split('\t'))
  const out: string[] = []
  const widths: number[] = []
  const width = (s: string) => [...s].length

  const writeLines = (from: number, to: number) => {
    for (let k = from; k < to; k++) {
      const cells = lines[k] ?? []
      let s = ''
      cells.forEach((c, j) => {
        if (j < cells.length - 1 && j < widths.length)
          s += c + ' '.repeat(Math.max(0, (widths[j] ?? 0) - width(c)))
        else s += c
      })
      out.push(s)
    }
  }

  const format = (line0: number, line1: number): void => {
    const column = widths.length
    let start = line0
    for (let t = line0; t < line1; t++) {
      if (column >= (lines[t]?.length ?? 0) - 1) continue
      writeLines(start, t)
      start = t
      let w = opts.minwidth
      for (; t < line1; t++) {
        const cells = lines[t] ?? []
        if (column >= cells.length - 1) break
        w = Math.max(w, width(cells[column] ?? '') + opts.padding)
      }
      widths.push(w)
      format(start, t)
      widths.pop()
      start = t
      t-- // the for-increment re-examines line t next (Go's loop leaves `this` at the block end)
    }
    writeLines(start, line1)
  }

  format(0, lines.length)
  return out.join('\n') + (endsWithNewline ? '\n' : '')
}
