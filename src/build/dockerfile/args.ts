// ARG scoping as Docker's builder applies it (reference "ARG": Scope, Default values, Using ARG
// variables, Predefined ARGs, Automatic platform ARGs): global ARGs before the first FROM, per-stage
// redeclaration, --build-arg overrides, the proxy args and the TARGET*/BUILD* platform args. Also
// what RUN gets from them (its environment and the `|N K=V` history prefix of the legacy builder).
// Pure: no I/O. The executor owns ENV; it passes its ENV lookup in where ENV takes precedence.
import { expand } from './expand.ts'
import type { ArgInstruction, VarLookup } from './types.ts'

/** Usable with --build-arg without an ARG line; kept out of history unless declared. */
export const proxyArgNames: readonly string[] = [
  'HTTP_PROXY',
  'http_proxy',
  'HTTPS_PROXY',
  'https_proxy',
  'FTP_PROXY',
  'ftp_proxy',
  'NO_PROXY',
  'no_proxy',
  'ALL_PROXY',
  'all_proxy',
]

export interface PlatformSpec {
  os: string
  architecture: string
  variant?: string
}

export const linuxAmd64: PlatformSpec = { os: 'linux', architecture: 'amd64' }

/** `os/arch[/variant]`. */
export function formatPlatform(p: PlatformSpec): string {
  return [p.os, p.architecture, p.variant].filter(Boolean).join('/')
}

/** The automatic platform ARGs (global scope; a stage must declare them to use them). */
export function platformArgs(
  target: PlatformSpec = linuxAmd64,
  build: PlatformSpec = linuxAmd64,
): Record<string, string> {
  return {
    TARGETPLATFORM: formatPlatform(target),
    TARGETOS: target.os,
    TARGETARCH: target.architecture,
    TARGETVARIANT: target.variant ?? '',
    BUILDPLATFORM: formatPlatform(build),
    BUILDOS: build.os,
    BUILDARCH: build.architecture,
    BUILDVARIANT: build.variant ?? '',
  }
}

export interface BuildArgsInit {
  /** --build-arg values. null (a name given without value and unset in the client) is ignored, as
   *  moby's BuildArgs.getBuildArg does. */
  buildArgs: Record<string, string | null>
  /** Automatic platform args; platformArgs() (linux/amd64) by default. */
  platform?: Record<string, string>
  escape?: '\\' | '`'
}

/** The ARG state of one build: resolves global ARGs once and hands out stage scopes. */
export class BuildArgs {
  /** Global ARGs in declaration order; undefined = declared without any value. */
  readonly global = new Map<string, string | undefined>()
  readonly platform: Record<string, string>
  readonly escape: '\\' | '`'
  private readonly given: Map<string, string>
  private readonly declared = new Set<string>()

  constructor(init: BuildArgsInit, globalArgs: ArgInstruction[] = []) {
    this.platform = init.platform ?? platformArgs()
    this.escape = init.escape ?? '\\'
    this.given = new Map(
      Object.entries(init.buildArgs).filter((e): e is [string, string] => typeof e[1] === 'string'),
    )
    const lookup = this.fromLookup()
    for (const ins of globalArgs) {
      // Each ARG sees the ones before it, even on the same line (BuildKit's meta-arg loop).
      for (const a of ins.args) {
        const key = expand(a.key, lookup, { escape: this.escape })
        const value = a.value === undefined ? undefined : expand(a.value, lookup, { escape: this.escape })
        this.declared.add(key)
        this.global.set(key, this.given.get(key) ?? value)
      }
    }
  }

  /** The --build-arg value of a name, if one was given. */
  buildArg(name: string): string | undefined {
    return this.given.get(name)
  }

  /** Lookup for FROM lines (image and --platform): global ARGs, then the platform args. */
  fromLookup(): VarLookup {
    return (name) => this.global.get(name) ?? this.platform[name]
  }

  /** A fresh scope for one stage: nothing is visible until declared with ARG. */
  stage(): StageArgs {
    return new StageArgs(this)
  }

  /** @internal Records a declaration (for unused()). */
  markDeclared(name: string): void {
    this.declared.add(name)
  }

  /** Build args no ARG line declared (proxy args excepted), sorted: the legacy builder warns. */
  unused(): string[] {
    return [...this.given.keys()].filter((k) => !this.declared.has(k) && !proxyArgNames.includes(k)).sort()
  }
}

/** Docker's legacy warning for unused(), or '' when all were consumed. */
export function unusedArgsWarning(names: string[]): string {
  return names.length === 0 ? '' : `[Warning] One or more build-args [${names.join(' ')}] were not consumed\n`
}

/** The ARGs declared in one stage. */
export class StageArgs {
  /** Declared names in order with their values (undefined = declared, no value). */
  readonly values = new Map<string, string | undefined>()
  private readonly build: BuildArgs

  constructor(build: BuildArgs) {
    this.build = build
  }

  /**
   * Applies one ARG instruction, left to right. A value is, in order: the --build-arg, the default given here
   * (expanded with `env` then the ARGs declared so far), the global ARG of that name, the
   * platform arg of that name. Returns the resolved pairs in order.
   */
  declare(
    ins: ArgInstruction,
    env: VarLookup = () => undefined,
  ): Array<{ key: string; value: string | undefined }> {
    const lookup = this.lookup(env)
    const opts = { escape: this.build.escape }
    const resolved: Array<{ key: string; value: string | undefined }> = []
    for (const a of ins.args) {
      const key = expand(a.key, lookup, opts)
      const dflt = a.value === undefined ? undefined : expand(a.value, lookup, opts)
      const value = this.build.buildArg(key) ?? dflt ?? this.build.global.get(key) ?? this.build.platform[key]
      this.values.set(key, value)
      this.build.markDeclared(key)
      resolved.push({ key, value })
    }
    return resolved
  }

  /** Expansion lookup: ENV wins over ARG (reference: "ENV always overrides an ARG of the same name"). */
  lookup(env: VarLookup): VarLookup {
    return (name) => {
      const e = env(name)
      if (e !== undefined) return e
      return this.values.get(name)
    }
  }

  /**
   * `K=V` (sorted) that RUN gets from build args: declared ARGs with a value and proxy args
   * given with --build-arg, except names the image config's ENV sets (moby FilterAllowed).
   */
  runEnv(envKeys: Iterable<string>): string[] {
    return this.runArgs(new Set(envKeys)).map(([k, v]) => `${k}=${v}`)
  }

  /**
   * The legacy builder's history prefix for RUN: `|N K=V … ` (proxy args only when declared),
   * '' when RUN gets no build args. created_by = prefix + the shell command line.
   */
  historyPrefix(envKeys: Iterable<string>): string {
    const all = this.runArgs(new Set(envKeys))
    if (all.length === 0) return ''
    const shown = all
      .filter(([k]) => !proxyArgNames.includes(k) || this.values.has(k))
      .map(([k, v]) => `${k}=${v}`)
    return `${[`|${shown.length}`, ...shown].join(' ')} `
  }

  private runArgs(envKeys: Set<string>): Array<[string, string]> {
    const out = new Map<string, string>()
    for (const [k, v] of this.values) if (v !== undefined) out.set(k, v)
    for (const k of proxyArgNames) {
      const v = this.build.buildArg(k)
      if (v !== undefined && !out.has(k)) out.set(k, v)
    }
    // Sorted as `K=V` strings, like moby's sort.Strings.
    const line = ([k, v]: [string, string]) => `${k}=${v}`
    return [...out]
      .filter(([k]) => !envKeys.has(k))
      .sort((a, b) => (line(a) < line(b) ? -1 : line(a) > line(b) ? 1 : 0))
  }
}
