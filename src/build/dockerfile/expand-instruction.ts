// expandInstruction: an instruction with its words expanded, for the instructions the reference
// lists under "Environment replacement" (ADD COPY ENV EXPOSE FROM LABEL STOPSIGNAL USER VOLUME
// WORKDIR, ARG defaults, RUN --mount values). RUN/CMD/ENTRYPOINT/HEALTHCHECK commands are left
// to the shell, and ONBUILD triggers are expanded when they run in the child build.
import { InvalidArgumentError } from '../../lib/errors.ts'
import { InstructionError } from './errors.ts'
import { expand, expandHeredoc, expandWords } from './expand.ts'
import { parseRunMount } from './run-mount.ts'
import type { ExpandOptions, Instruction, VarLookup } from './types.ts'

/**
 * The instruction with expanded fields (a new object; `original` and `flags` stay raw).
 * Every variable is looked up once per instruction, so `ENV a=x b=$a` sees the old `a`.
 * @throws InvalidArgumentError on a bad substitution or an invalid expanded mount.
 */
export function expandInstruction<T extends Instruction>(i: T, vars: VarLookup, opts: ExpandOptions = {}): T {
  const one = (w: string) => expand(w, vars, opts)
  const opt = (w: string | undefined) => (w === undefined ? undefined : one(w))
  const out = expandAny(i, one, opt, vars, opts)
  return out as T
}

function expandAny(
  i: Instruction,
  one: (w: string) => string,
  opt: (w: string | undefined) => string | undefined,
  vars: VarLookup,
  opts: ExpandOptions,
): Instruction {
  switch (i.kind) {
    case 'FROM':
      return withOptional({ ...i, image: one(i.image) }, 'platform', opt(i.platform))
    case 'ENV':
    case 'LABEL':
      return { ...i, pairs: i.pairs.map((p) => ({ key: one(p.key), value: one(p.value) })) }
    case 'ARG':
      return {
        ...i,
        args: i.args.map((a) =>
          a.value === undefined ? { key: one(a.key) } : { key: one(a.key), value: one(a.value) },
        ),
      }
    case 'COPY':
    case 'ADD': {
      const common = {
        sources: i.sources.map(one),
        dest: one(i.dest),
        exclude: i.exclude.map(one),
        heredocs: i.heredocs.map((h) =>
          h.expand ? { ...h, content: expandHeredoc(h.content, vars, opts) } : h,
        ),
      }
      let out: Instruction = withOptional(
        withOptional({ ...i, ...common }, 'chown', opt(i.chown)),
        'chmod',
        opt(i.chmod),
      )
      if (out.kind === 'COPY' && i.kind === 'COPY') out = withOptional(out, 'from', opt(i.from))
      if (out.kind === 'ADD' && i.kind === 'ADD') out = withOptional(out, 'checksum', opt(i.checksum))
      return out
    }
    case 'EXPOSE':
      return { ...i, ports: i.ports.flatMap((p) => expandWords(p, vars, opts)) }
    case 'VOLUME':
      return { ...i, volumes: i.volumes.map(one) }
    case 'USER':
      return { ...i, user: one(i.user) }
    case 'WORKDIR':
      return { ...i, path: one(i.path) }
    case 'STOPSIGNAL':
      return { ...i, signal: one(i.signal) }
    case 'RUN':
      return {
        ...i,
        mounts: i.mounts.map((m) => {
          try {
            return parseRunMount(m.raw, one)
          } catch (err) {
            if (err instanceof InstructionError) throw new InvalidArgumentError(err.message, { cause: err })
            throw err
          }
        }),
      }
    default:
      return i
  }
}

function withOptional<T extends object, K extends string>(obj: T, key: K, value: string | undefined): T {
  const out = { ...obj } as Record<string, unknown>
  if (value === undefined) delete out[key]
  else out[key] = value
  return out as T
}
