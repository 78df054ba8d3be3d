import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { resolveSeccompProfile } from './seccomp-profile.ts'

describe('resolveSeccompProfile', () => {
  const profile = JSON.stringify({
    defaultAction: 'SCMP_ACT_ERRNO',
    defaultErrnoRet: 1,
    archMap: [
      { architecture: 'SCMP_ARCH_X86_64', subArchitectures: ['SCMP_ARCH_X86'] },
      { architecture: 'SCMP_ARCH_AARCH64', subArchitectures: ['SCMP_ARCH_ARM'] },
    ],
    syscalls: [
      { names: ['read', 'write'], action: 'SCMP_ACT_ALLOW' },
      { name: 'ptrace', action: 'SCMP_ACT_ALLOW', includes: { caps: ['CAP_SYS_PTRACE'] } },
      { names: ['personality'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: 8, op: 'SCMP_CMP_EQ' }] },
      { names: ['arch_prctl'], action: 'SCMP_ACT_ALLOW', includes: { arches: ['amd64'] } },
      { names: ['sync_file_range2'], action: 'SCMP_ACT_ALLOW', includes: { arches: ['arm64'] } },
      { names: ['chown'], action: 'SCMP_ACT_ALLOW', excludes: { caps: ['CAP_CHOWN'] } },
      { names: ['future'], action: 'SCMP_ACT_ALLOW', includes: { minKernel: '99.0' } },
    ],
  })

  it('keeps the native architecture and the rules that fit the container', () => {
    const out = resolveSeccompProfile(profile, ['CAP_CHOWN'], 'x64')
    assert.deepEqual(out.architectures, ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86'])
    assert.equal(out.defaultAction, 'SCMP_ACT_ERRNO')
    assert.equal(out.defaultErrnoRet, 1)
    assert.deepEqual(
      out.syscalls.map((r) => r.names[0]),
      ['read', 'personality', 'arch_prctl'],
    )
    assert.deepEqual(out.syscalls[1]?.args, [{ index: 0, value: 8, op: 'SCMP_CMP_EQ' }])
    const traced = resolveSeccompProfile(profile, ['CAP_SYS_PTRACE'], 'x64')
    assert.ok(traced.syscalls.some((r) => r.names.includes('ptrace')))
    assert.ok(traced.syscalls.some((r) => r.names.includes('chown')))
  })

  it('rejects what is no profile', () => {
    assert.throws(() => resolveSeccompProfile('{', [], 'x64'), /Decoding seccomp profile failed/)
    assert.throws(() => resolveSeccompProfile('{"defaultAction": 3}', [], 'x64'), /defaultAction/)
    assert.throws(
      () =>
        resolveSeccompProfile(
          '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"action":"SCMP_ACT_ERRNO"}]}',
          [],
          'x64',
        ),
      /needs names/,
    )
  })
})
