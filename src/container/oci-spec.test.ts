import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { Ajv } from 'ajv'
import { InvalidArgumentError } from '../lib/errors.ts'
import {
  ALL_CAPABILITIES,
  capabilitiesFromMask,
  DEFAULT_CAPABILITIES,
  resolveCapabilities,
} from './capabilities.ts'
import { buildOciSpec, INIT_PATH, type OciSpecInput } from './oci-spec.ts'
import type { defaultSeccompProfile } from './seccomp-default.ts'

const SPEC_DIR = '/work/shared/specs/oci-runtime-spec'
/** This host: CAP_SYS_RESOURCE missing from the bounding set (HOST-NOTES). */
const HOST_CAPS = capabilitiesFromMask('000001fffeffffff')

function input(over: Partial<OciSpecInput> = {}): OciSpecInput {
  return {
    id: 'abc123',
    rootfs: '/var/lib/berth/rootfs/abc123',
    args: ['sh', '-c', 'echo hi'],
    env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'HOSTNAME=abc123'],
    user: { uid: 0, gid: 0 },
    hostname: 'abc123',
    host: {
      capabilities: HOST_CAPS,
      rlimits: { RLIMIT_NOFILE: { soft: 20000, hard: 20000 } },
      cgroup: { version: 'hybrid', swap: true },
      arch: 'x64',
    },
    ...over,
  }
}

type Spec = {
  process: {
    args: string[]
    capabilities: { bounding: string[]; effective: string[]; permitted: string[] }
    rlimits?: Array<{ type: string; soft: number; hard: number }>
    oomScoreAdj?: number
  }
  mounts: Array<{ destination: string; type?: string; source?: string; options?: string[] }>
  hostname?: string
  linux: {
    namespaces: Array<{ type: string; path?: string }>
    resources: Record<string, unknown>
    seccomp?: ReturnType<typeof defaultSeccompProfile>
    maskedPaths: string[]
    readonlyPaths: string[]
    cgroupsPath: string
    sysctl?: Record<string, string>
  }
}
const build = (over: Partial<OciSpecInput> = {}) => buildOciSpec(input(over)) as unknown as Spec

async function schemaValidator() {
  const ajv = new Ajv({ strict: false, allErrors: true })
  for (const name of ['defs.json', 'defs-linux.json', 'config-linux.json']) {
    const schema = JSON.parse(await readFile(join(SPEC_DIR, name), 'utf8'))
    delete schema.$schema // draft-04 meta-schema: Ajv 8 validates the same keywords without it
    ajv.addSchema(schema, name)
  }
  // Other platforms' schemas are not shipped in shared/specs: accept anything there.
  for (const name of [
    'config-freebsd.json',
    'config-solaris.json',
    'config-vm.json',
    'config-windows.json',
    'config-zos.json',
  ]) {
    ajv.addSchema({ freebsd: {}, solaris: {}, vm: {}, windows: {}, zos: {} }, name)
  }
  const config = JSON.parse(await readFile(join(SPEC_DIR, 'config-schema.json'), 'utf8'))
  delete config.$schema
  return ajv.compile(config)
}

describe('buildOciSpec', () => {
  it('validates against the runtime-spec schema, plain and fully loaded', async () => {
    const validate = await schemaValidator()
    const specs = [
      buildOciSpec(input()),
      buildOciSpec(
        input({
          tty: true,
          consoleSize: { height: 24, width: 80 },
          privileged: true,
          init: '/usr/bin/tini',
          ulimits: [{ name: 'nofile', soft: 1024, hard: 1_000_000 }],
          oomScoreAdj: -500,
          mounts: [{ destination: '/etc/hosts', type: 'bind', source: '/x/hosts', options: ['rbind', 'ro'] }],
          namespaces: { network: { mode: 'path', path: '/proc/1/ns/net' }, pid: { mode: 'host' } },
          resources: { memory: 64 << 20, nanoCpus: 1.5e9, pidsLimit: 100, cpuShares: 512, blkioWeight: 300 },
          devices: [{ path: '/dev/fuse', type: 'c', major: 10, minor: 229 }],
          deviceCgroupRules: ['c 10:* rwm'],
          sysctls: { 'net.ipv4.ip_forward': '1' },
        }),
      ),
    ]
    for (const spec of specs) assert.ok(validate(spec), JSON.stringify(validate.errors, null, 1))
    assert.equal(
      validate({ ociVersion: '1.0.2', process: { cwd: 'relative', user: { uid: 'x' } } }),
      false,
      'the schema bites',
    )
  })

  it("gives Docker's default capabilities, add/drop with ALL and either spelling", () => {
    assert.deepEqual(build().process.capabilities.bounding.toSorted(), [...DEFAULT_CAPABILITIES].sort())
    const caps = (capAdd?: string[], capDrop?: string[]) =>
      build({ capAdd, capDrop }).process.capabilities.bounding
    assert.ok(caps(['net_admin']).includes('CAP_NET_ADMIN'))
    assert.ok(caps(['CAP_SYS_PTRACE']).includes('CAP_SYS_PTRACE'))
    assert.ok(!caps(undefined, ['chown']).includes('CAP_CHOWN'))
    assert.deepEqual(caps(['KILL'], ['ALL']), ['CAP_KILL'])
    const all = caps(['ALL'], ['MKNOD'])
    assert.ok(!all.includes('CAP_MKNOD') && all.includes('CAP_SYS_ADMIN'))
    assert.ok(!all.includes('CAP_SYS_RESOURCE'), 'limited to what the daemon holds')
    assert.throws(() => caps(['NOT_A_CAP']), InvalidArgumentError)
  })

  it('gives non-root users capabilities in the bounding set only', () => {
    const c = build({ user: { uid: 1000, gid: 1000 } }).process.capabilities
    assert.equal(c.bounding.length, DEFAULT_CAPABILITIES.length)
    assert.deepEqual(c.effective, [])
    assert.deepEqual(c.permitted, [])
  })

  it('makes privileged containers with the daemon capabilities, open devices, rw /sys, no seccomp or masks', () => {
    const s = build({ privileged: true })
    assert.deepEqual(s.process.capabilities.bounding, HOST_CAPS)
    assert.equal(s.process.capabilities.bounding.length, ALL_CAPABILITIES.length - 1)
    assert.deepEqual(s.linux.resources.devices, [{ allow: true, access: 'rwm' }])
    assert.ok(s.mounts.find((m) => m.destination === '/sys')?.options?.includes('rw'))
    assert.equal(s.linux.seccomp, undefined)
    assert.deepEqual(s.linux.maskedPaths, [])
    assert.deepEqual(s.linux.readonlyPaths, [])
  })

  it("has Docker's default mounts, shm size, masked paths and cgroup path", () => {
    const s = build({ shmSize: 128 << 20 })
    const dests = s.mounts.map((m) => m.destination)
    for (const d of ['/proc', '/dev', '/dev/pts', '/sys', '/sys/fs/cgroup', '/dev/mqueue', '/dev/shm'])
      assert.ok(dests.includes(d), d)
    assert.ok(s.mounts.find((m) => m.destination === '/dev/shm')?.options?.includes(`size=${128 << 20}`))
    assert.ok(s.mounts.find((m) => m.destination === '/sys')?.options?.includes('ro'))
    assert.ok(s.linux.maskedPaths.includes('/proc/kcore'))
    assert.ok(s.linux.readonlyPaths.includes('/proc/sys'))
    assert.equal(s.linux.cgroupsPath, '/berth/abc123')
    const shm = build({ mounts: [{ destination: '/dev/shm', type: 'bind', source: '/host/shm' }] })
    assert.equal(shm.mounts.filter((m) => m.destination === '/dev/shm').length, 1)
  })

  it('maps network modes to namespaces', () => {
    const types = (s: Spec) => s.linux.namespaces.map((n) => n.type)
    assert.deepEqual(types(build()), ['pid', 'ipc', 'uts', 'mount', 'network'])
    assert.ok(!types(build({ namespaces: { network: { mode: 'host' } } })).includes('network'))
    const joined = build({ namespaces: { network: { mode: 'path', path: '/run/netns/x' } } })
    assert.deepEqual(
      joined.linux.namespaces.find((n) => n.type === 'network'),
      { type: 'network', path: '/run/netns/x' },
    )
    const v2 = build({ host: { ...input().host, cgroup: { version: 'v2', swap: true } } })
    assert.ok(types(v2).includes('cgroup'))
    assert.equal(build({ namespaces: { uts: { mode: 'host' } } }).hostname, undefined)
  })

  it('sets memory with swap (memsw on v1), NanoCpus as quota/period, pids', () => {
    const r = build({ resources: { memory: 100 << 20, nanoCpus: 5e8, pidsLimit: 50 } }).linux.resources
    assert.deepEqual(r.memory, { limit: 100 << 20, swap: 200 << 20 })
    assert.deepEqual(r.cpu, { period: 100_000, quota: 50_000 })
    assert.deepEqual(r.pids, { limit: 50 })
    assert.deepEqual(build({ resources: { memory: 100 << 20, memorySwap: -1 } }).linux.resources.memory, {
      limit: 100 << 20,
      swap: -1,
    })
    const noSwap = build({
      resources: { memory: 100 << 20 },
      host: { ...input().host, cgroup: { version: 'v1', swap: false } },
    })
    assert.deepEqual(noSwap.linux.resources.memory, { limit: 100 << 20 })
    assert.throws(
      () => build({ resources: { memory: 100 << 20, memorySwap: 50 << 20 } }),
      InvalidArgumentError,
    )
    assert.throws(() => build({ resources: { nanoCpus: 1e9, cpuQuota: 50_000 } }), InvalidArgumentError)
    assert.throws(() => build({ resources: { memory: 1024 } }), /Minimum memory limit/)
    assert.equal(build({ resources: { pidsLimit: -1 } }).linux.resources.pids, undefined)
  })

  it('keeps the default device cgroup rules and adds requested ones', () => {
    const r = build({ deviceCgroupRules: ['c 42:* rwm'] }).linux.resources
    const rules = r.devices as unknown as Array<Record<string, unknown>>
    assert.deepEqual(rules[0], { allow: false, access: 'rwm' })
    assert.ok(rules.some((d) => d.type === 'c' && d.major === 1 && d.minor === 3))
    assert.deepEqual(rules.at(-1), { allow: true, type: 'c', major: 42, access: 'rwm' })
    assert.throws(() => build({ deviceCgroupRules: ['x 1:2 q'] }), InvalidArgumentError)
  })

  it('adds --device nodes with a cgroup rule, replacing a default device at the same path', () => {
    const s = buildOciSpec(
      input({
        devices: [
          { path: '/dev/mynull', type: 'c', major: 1, minor: 3, permissions: 'rw' },
          { path: '/dev/zero', type: 'c', major: 1, minor: 7, uid: 5, gid: 6, fileMode: 0o600 },
        ],
      }),
    ) as unknown as { linux: { devices: Array<Record<string, unknown>>; resources: Record<string, unknown> } }
    const devs = s.linux.devices
    assert.deepEqual(
      devs.find((d) => d.path === '/dev/mynull'),
      { path: '/dev/mynull', type: 'c', major: 1, minor: 3, fileMode: 0o666, uid: 0, gid: 0 },
    )
    assert.deepEqual(
      devs.filter((d) => d.path === '/dev/zero'),
      [{ path: '/dev/zero', type: 'c', major: 1, minor: 7, fileMode: 0o600, uid: 5, gid: 6 }],
    )
    const rules = s.linux.resources.devices as Array<Record<string, unknown>>
    assert.deepEqual(rules.at(-2), { allow: true, type: 'c', major: 1, minor: 3, access: 'rw' })
  })

  it('sets the initial console size only with a terminal', () => {
    const size = { height: 40, width: 120 }
    const proc = (tty: boolean) =>
      (buildOciSpec(input({ tty, consoleSize: size })) as { process: Record<string, unknown> }).process
    assert.deepEqual(proc(true).consoleSize, size)
    assert.equal(proc(false).consoleSize, undefined)
  })

  it('prepends the init and binds tini read-only', () => {
    const s = build({ init: '/usr/bin/tini' })
    assert.deepEqual(s.process.args, [INIT_PATH, '--', 'sh', '-c', 'echo hi'])
    const m = s.mounts.find((x) => x.destination === INIT_PATH)
    assert.equal(m?.source, '/usr/bin/tini')
    assert.ok(m?.options?.includes('ro'))
  })

  it("clamps rlimits to the daemon's hard limits and oomScoreAdj to ≥ 0 without CAP_SYS_RESOURCE", () => {
    const s = build({
      ulimits: [
        { name: 'nofile', soft: 1_048_576, hard: 1_048_576 },
        { name: 'core', soft: -1, hard: -1 },
      ],
      oomScoreAdj: -200,
    })
    assert.deepEqual(s.process.rlimits?.[0], { type: 'RLIMIT_NOFILE', soft: 20000, hard: 20000 })
    assert.equal(s.process.rlimits?.[1]?.hard, Number.MAX_SAFE_INTEGER)
    assert.equal(s.process.oomScoreAdj, 0)
    const withCap = build({ oomScoreAdj: -200, host: { ...input().host, capabilities: ALL_CAPABILITIES } })
    assert.equal(withCap.process.oomScoreAdj, -200)
    assert.throws(() => build({ oomScoreAdj: 2000 }), InvalidArgumentError)
    assert.throws(() => build({ ulimits: [{ name: 'bogus', soft: 1, hard: 1 }] }), InvalidArgumentError)
  })

  it('checks sysctls against the namespaces', () => {
    assert.deepEqual(build({ sysctls: { 'net.core.somaxconn': '1024' } }).linux.sysctl, {
      'net.core.somaxconn': '1024',
    })
    assert.throws(
      () => build({ sysctls: { 'net.core.somaxconn': '1' }, namespaces: { network: { mode: 'host' } } }),
      /host network/,
    )
    assert.throws(() => build({ sysctls: { 'vm.swappiness': '1' } }), /not whitelisted/)
  })

  it('applies the default seccomp profile for the container capabilities, or none', () => {
    const s = build({ seccomp: 'default' }).linux.seccomp
    assert.equal(s?.defaultAction, 'SCMP_ACT_ERRNO')
    assert.deepEqual(s?.architectures, ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32'])
    const names = (p: Spec['linux']['seccomp']) =>
      p?.syscalls.filter((r) => r.action === 'SCMP_ACT_ALLOW' && !r.args).flatMap((r) => r.names) ?? []
    assert.ok(names(s).includes('read'))
    assert.ok(!names(s).includes('mount'))
    assert.ok(s?.syscalls.some((r) => r.names.includes('clone3') && r.errnoRet === 38))
    const admin = build({ seccomp: 'default', capAdd: ['SYS_ADMIN'] }).linux.seccomp
    assert.ok(names(admin).includes('mount'))
    assert.equal(build({ seccomp: 'unconfined' }).linux.seccomp, undefined)
    assert.equal(build({ seccomp: 'default', privileged: true }).linux.seccomp, undefined)
  })

  it('rejects an empty command', () => {
    assert.throws(() => build({ args: [] }), /no command/)
  })
})

describe('capabilities', () => {
  it('reads a /proc mask', () => {
    assert.ok(!HOST_CAPS.includes('CAP_SYS_RESOURCE'))
    assert.equal(HOST_CAPS.length, 40)
    assert.deepEqual(capabilitiesFromMask('0'), [])
  })
  it('resolves privileged to what is available', () => {
    assert.deepEqual(resolveCapabilities({ privileged: true, available: ['CAP_KILL', 'CAP_CHOWN'] }), [
      'CAP_CHOWN',
      'CAP_KILL',
    ])
  })
})
