// The Dockerfile AST shared by the parser (parser.ts, instructions.ts, heredoc.ts), variable
// expansion (expand.ts) and the build executor. Nodes keep raw text: variable expansion happens at
// build time, when the executor knows ARG/ENV values (see expandInstruction in expand.ts).
// This file only grows: fields are added, never renamed.

/** Parser directives (`# syntax=`, `# escape=`, `# check=`) read from the top of the file. */
export interface Directives {
  syntax?: string
  /** The escape character: `\` by default, `` ` `` with `# escape=\``. */
  escape: '\\' | '`'
  check?: string
}

/** A here-document attached to an instruction (`<<EOF`, `<<-EOF`, `<<"EOF"`). */
export interface Heredoc {
  /** The delimiter word without `<<`, `-` and quotes. */
  name: string
  /** Body lines joined with `\n`, ending with `\n` (the terminating line excluded). With `<<-`
   *  (chomp) leading tabs are already stripped. */
  content: string
  /** False when the delimiter was quoted (`<<"EOF"`, `<<'EOF'`): no variable expansion. */
  expand: boolean
  /** True for `<<-EOF`. */
  chomp: boolean
}

/** A command in exec form (JSON array) or shell form (the raw text after the flags). */
export type CommandLine = { exec: string[] } | { shell: string }

/** A `KEY=value` pair of ENV or LABEL, raw (quotes and `$` kept, removed by expansion). */
export interface KeyValue {
  key: string
  value: string
}

/** Fields every instruction node carries. */
export interface NodeBase {
  /** 1-based line where the instruction starts. */
  line: number
  /** 1-based last line (continuations and heredoc bodies included). */
  endLine: number
  /** Source text of the instruction: continuation lines joined, without heredoc bodies;
   *  what Docker records in history `created_by`. */
  original: string
  /** Flags (`--name=value`) exactly as written, before parsing. */
  flags: string[]
}

export interface FromInstruction extends NodeBase {
  kind: 'FROM'
  /** Raw image reference (expanded with global ARGs at build time). */
  image: string
  platform?: string
  /** Stage name from `AS name`, lowercased like Docker. */
  as?: string
}

/** One `RUN --mount=...` (buildkit runmount semantics). */
export interface RunMount {
  type: 'bind' | 'cache' | 'tmpfs' | 'secret' | 'ssh'
  /** Mount point in the container ("" only for secret/ssh, which default it). */
  target: string
  source?: string
  /** Stage name or image for bind/cache sources. */
  from?: string
  /** bind: read-only unless `rw`; cache: read-write unless `ro`. */
  readonly: boolean
  /** cache/secret/ssh id (cache defaults to target). */
  id?: string
  sharing?: 'shared' | 'private' | 'locked'
  /** Octal file mode, e.g. 0o755. */
  mode?: number
  uid?: number
  gid?: number
  required?: boolean
  /** tmpfs size in bytes. */
  size?: number
  /** secret: expose as this environment variable. */
  env?: string
  /** The raw `--mount` value, for re-parsing with expansion. */
  raw: string
}

export interface RunInstruction extends NodeBase {
  kind: 'RUN'
  mounts: RunMount[]
  network?: 'default' | 'none' | 'host'
  security?: 'sandbox' | 'insecure'
  command: CommandLine
  heredocs: Heredoc[]
  /** `--device` values (raw). */
  devices: string[]
}

export interface CmdInstruction extends NodeBase {
  kind: 'CMD'
  command: CommandLine
}

export interface EntrypointInstruction extends NodeBase {
  kind: 'ENTRYPOINT'
  command: CommandLine
}

export interface ShellInstruction extends NodeBase {
  kind: 'SHELL'
  /** SHELL only accepts JSON form. */
  shell: string[]
}

export interface EnvInstruction extends NodeBase {
  kind: 'ENV'
  pairs: KeyValue[]
}

export interface ArgDefinition {
  key: string
  /** Raw default value; undefined for `ARG name` without `=`. */
  value?: string
}

export interface ArgInstruction extends NodeBase {
  kind: 'ARG'
  args: ArgDefinition[]
}

export interface LabelInstruction extends NodeBase {
  kind: 'LABEL'
  pairs: KeyValue[]
}

export interface MaintainerInstruction extends NodeBase {
  kind: 'MAINTAINER'
  maintainer: string
}

export interface ExposeInstruction extends NodeBase {
  kind: 'EXPOSE'
  /** Raw port specs (`80`, `53/udp`, `8000-8010`); validated after expansion. */
  ports: string[]
}

export interface VolumeInstruction extends NodeBase {
  kind: 'VOLUME'
  volumes: string[]
}

export interface UserInstruction extends NodeBase {
  kind: 'USER'
  user: string
}

export interface WorkdirInstruction extends NodeBase {
  kind: 'WORKDIR'
  path: string
}

export interface StopsignalInstruction extends NodeBase {
  kind: 'STOPSIGNAL'
  signal: string
}

/** Durations are in nanoseconds, as in the image config's Healthcheck. 0 = not set (inherit). */
export type HealthcheckInstruction = NodeBase & { kind: 'HEALTHCHECK' } & (
    | { test: 'NONE' }
    | {
        test: 'CMD'
        command: CommandLine
        interval: number
        timeout: number
        startPeriod: number
        startInterval: number
        retries: number
      }
  )

export interface OnbuildInstruction extends NodeBase {
  kind: 'ONBUILD'
  /** The trigger as stored in the image config `OnBuild` (e.g. `RUN echo hi`). */
  expression: string
  /** The trigger parsed (never FROM, ONBUILD or MAINTAINER). */
  instruction: Instruction
}

/** A source given inline with a heredoc (`COPY <<EOF /dest`). */
export interface HeredocSource {
  /** File name = the heredoc delimiter. */
  path: string
  content: string
  expand: boolean
}

export interface CopyInstruction extends NodeBase {
  kind: 'COPY'
  from?: string
  chown?: string
  chmod?: string
  link: boolean
  exclude: string[]
  parents: boolean
  /** Raw source words (heredoc sources are in `heredocs`). */
  sources: string[]
  dest: string
  heredocs: HeredocSource[]
}

export interface AddInstruction extends NodeBase {
  kind: 'ADD'
  chown?: string
  chmod?: string
  link: boolean
  exclude: string[]
  parents: boolean
  keepGitDir: boolean
  checksum?: string
  /** `--unpack` (undefined = default: unpack local archives, not URLs). */
  unpack?: boolean
  sources: string[]
  dest: string
  heredocs: HeredocSource[]
}

export type Instruction =
  | FromInstruction
  | RunInstruction
  | CmdInstruction
  | EntrypointInstruction
  | ShellInstruction
  | EnvInstruction
  | ArgInstruction
  | LabelInstruction
  | MaintainerInstruction
  | ExposeInstruction
  | VolumeInstruction
  | UserInstruction
  | WorkdirInstruction
  | StopsignalInstruction
  | HealthcheckInstruction
  | OnbuildInstruction
  | CopyInstruction
  | AddInstruction

export type InstructionKind = Instruction['kind']

export interface Stage {
  /** `AS` name, lowercased; undefined for unnamed stages (referenced by index). */
  name?: string
  /** 0-based position in the file. */
  index: number
  base: FromInstruction
  /** Instructions after FROM, up to the next FROM. */
  instructions: Instruction[]
}

export interface Dockerfile {
  /** Path of the Dockerfile, for messages (opts.file). */
  file?: string
  directives: Directives
  /** ARGs before the first FROM (visible to FROM lines, and to stages that redeclare them). */
  globalArgs: ArgInstruction[]
  stages: Stage[]
  /** Parser warnings (empty continuation lines), as BuildKit reports them. */
  warnings: string[]
}

/** Variable lookup used by expansion: undefined = unset. */
export type VarLookup = (name: string) => string | undefined

export interface ExpandOptions {
  /** The escape character in effect (directive); `\` by default. */
  escape?: '\\' | '`'
  /** Called with each variable name the word references (for cache keys / unused-arg checks). */
  onUse?: (name: string) => void
}

// Public functions (exported from ./index.ts):
//   parseDockerfile(text: string, opts?: { file?: string }): Dockerfile          (parser.ts)
//     @throws DockerfileParseError (extends InvalidArgumentError, has `line`), message
//     `dockerfile parse error on line N: ...` as Docker's.
//   expand(word: string, vars: VarLookup, opts?: ExpandOptions): string          (expand.ts)
//     one word: quotes removed, $v ${v} ${v:-x} ${v-x} ${v:+x} ${v+x} ${v:?x} ${v#p} ${v##p}
//     ${v%p} ${v%%p} ${v/p/r} ${v//p/r}. @throws InvalidArgumentError on bad syntax / `:?`.
//   expandWords(text: string, vars: VarLookup, opts?: ExpandOptions): string[]   (expand.ts)
//     splits into words on unquoted whitespace after expansion.
//   expandInstruction<T extends Instruction>(i: T, vars: VarLookup, opts?: ExpandOptions): T
//     (expand.ts) the instruction with its fields expanded for the instructions the reference
//     lists (ADD COPY ENV EXPOSE FROM LABEL STOPSIGNAL USER VOLUME WORKDIR ONBUILD-no, ARG
//     defaults, RUN --mount values); RUN/CMD/ENTRYPOINT commands are left to the shell.

// AST-READY
