// A Docker-format seccomp profile (`--security-opt seccomp=<file>`; the docker CLI sends the
// file's content) resolved into an OCI `linux.seccomp` for one container, as moby does: the
// architectures of the native one from `archMap` (or `architectures`), and each rule kept only
// when its `includes`/`excludes` (capabilities, architectures, minimum kernel) fit the container.
import { release } from 'node:os'
import { InvalidArgumentError } from '../lib/errors.ts'

/** OCI runtime-spec `linux.seccomp`, as a user profile may fill it. */
export interface OciSeccompProfile {
  defaultAction: string
  defaultErrnoRet?: number
  architectures?: string[]
  flags?: string[]
  syscalls: Array<{ names: string[]; action: string; errnoRet?: number; args?: unknown[] }>
}

type Obj = Record<string, unknown>

/** Node's process.arch → the seccomp name of the native architecture and Go's name (for `arches`). */
const NATIVE: Record<string, { scmp: string; go: string }> = {
  x64: { scmp: 'SCMP_ARCH_X86_64', go: 'amd64' },
  arm64: { scmp: 'SCMP_ARCH_AARCH64', go: 'arm64' },
  ia32: { scmp: 'SCMP_ARCH_X86', go: '386' },
  arm: { scmp: 'SCMP_ARCH_ARM', go: 'arm' },
  s390x: { scmp: 'SCMP_ARCH_S390X', go: 's390x' },
  ppc64: { scmp: 'SCMP_ARCH_PPC64LE', go: 'ppc64le' },
}

const fail = (why: string) => new InvalidArgumentError(`Decoding seccomp profile failed: ${why}`)

function strings(v: unknown, field: string): string[] {
  if (v === undefined || v === null) return []
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string'))
    throw fail(`${field} must be a list of strings`)
  return v as string[]
}

function kernelAtLeast(min: string, current = release()): boolean {
  const parse = (s: string) => (/^(\d+)\.(\d+)/.exec(s) ?? []).slice(1).map(Number)
  const [a = 0, b = 0] = parse(current)
  const [x = 0, y = 0] = parse(min)
  return a > x || (a === x && b >= y)
}

/**
 * @param text the profile's JSON text
 * @param capabilities what the container holds (CAP_… names)
 * @throws InvalidArgumentError for JSON that is no Docker seccomp profile.
 */
export function resolveSeccompProfile(
  text: string,
  capabilities: readonly string[],
  arch: string = process.arch,
): OciSeccompProfile {
  let p: Obj
  try {
    p = JSON.parse(text) as Obj
  } catch (err) {
    throw fail((err as Error).message)
  }
  if (p === null || typeof p !== 'object' || Array.isArray(p)) throw fail('the profile must be a JSON object')
  if (typeof p.defaultAction !== 'string' || !p.defaultAction.startsWith('SCMP_ACT_'))
    throw fail('defaultAction must be a SCMP_ACT_… action')
  const native = NATIVE[arch]
  const held = new Set(capabilities)
  let architectures = strings(p.architectures, 'architectures')
  if (Array.isArray(p.archMap)) {
    if (architectures.length > 0) throw fail("'architectures' and 'archMap' cannot both be used")
    for (const m of p.archMap as Obj[]) {
      if (native && m?.architecture === native.scmp)
        architectures = [native.scmp, ...strings(m.subArchitectures, 'subArchitectures')]
    }
  }
  const syscalls: OciSeccompProfile['syscalls'] = []
  if (p.syscalls !== undefined && p.syscalls !== null && !Array.isArray(p.syscalls))
    throw fail('syscalls must be a list')
  for (const r of (p.syscalls as Obj[] | null | undefined) ?? []) {
    if (r === null || typeof r !== 'object') throw fail('each syscall rule must be an object')
    const names = [...strings(r.names, 'names'), ...(typeof r.name === 'string' && r.name ? [r.name] : [])]
    if (names.length === 0) throw fail('a syscall rule needs names')
    if (typeof r.action !== 'string' || !r.action.startsWith('SCMP_ACT_'))
      throw fail(`invalid action for ${names[0]}`)
    const inc = (r.includes ?? {}) as Obj
    const exc = (r.excludes ?? {}) as Obj
    const incCaps = strings(inc.caps, 'includes.caps')
    const incArches = strings(inc.arches, 'includes.arches')
    if (incCaps.some((c) => !held.has(c))) continue
    if (incArches.length > 0 && !incArches.includes(native?.go ?? arch)) continue
    if (typeof inc.minKernel === 'string' && !kernelAtLeast(inc.minKernel)) continue
    if (strings(exc.caps, 'excludes.caps').some((c) => held.has(c))) continue
    if (strings(exc.arches, 'excludes.arches').includes(native?.go ?? arch)) continue
    syscalls.push({
      names,
      action: r.action,
      ...(typeof r.errnoRet === 'number' ? { errnoRet: r.errnoRet } : {}),
      ...(Array.isArray(r.args) && r.args.length > 0 ? { args: r.args as unknown[] } : {}),
    })
  }
  return {
    defaultAction: p.defaultAction,
    ...(typeof p.defaultErrnoRet === 'number' ? { defaultErrnoRet: p.defaultErrnoRet } : {}),
    ...(architectures.length > 0 ? { architectures } : {}),
    ...(Array.isArray(p.flags) ? { flags: strings(p.flags, 'flags') } : {}),
    syscalls,
  }
}
