// The composition root: reads host facts, builds the real runtime (conmon + runc/crun) and
// every service over it, and starts the container monitor (re-adopting running containers).
import { existsSync } from 'node:fs'
import { mkdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { writeFileAtomic } from '../lib/fs-atomic.ts'
import { newId } from '../lib/ids.ts'
import type { Logger } from '../lib/log.ts'
import { DEFAULT_POOLS, LinuxKernel, parseAddressPool } from '../network/index.ts'
import { ConmonRuntime } from '../runtime/index.ts'
import type { DaemonConfig } from './config.ts'
import { chooseRuntime } from './runtime-choice.ts'
import { buildServices, readHostFacts, type Services } from './services.ts'

export async function wire(cfg: DaemonConfig, log: Logger): Promise<Services> {
  await mkdir(cfg.dataRoot, { recursive: true, mode: 0o710 })
  await mkdir(cfg.execRoot, { recursive: true, mode: 0o700 })
  const host = await readHostFacts()
  const runtimeName = await chooseRuntime({
    dataRoot: cfg.dataRoot,
    configured: cfg.defaultRuntime,
    crunInstalled: existsSync(findBinary('crun')),
  })
  const runtime = new ConmonRuntime({
    conmonPath: findBinary('conmon'),
    runtimePath: cfg.runtimes[runtimeName]?.path ?? findBinary(runtimeName),
    runtimeName,
    stateRoot: join(cfg.execRoot, 'runtime'),
    execRoot: join(cfg.execRoot, 'conmon'),
    log,
  })
  const runtimes: Record<string, { path: string }> = { runc: { path: findBinary('runc') } }
  if (existsSync(findBinary('crun'))) runtimes.crun = { path: findBinary('crun') }
  const services = await buildServices({
    dataRoot: cfg.dataRoot,
    execRoot: cfg.execRoot,
    registry: { insecureRegistries: cfg.insecureRegistries, registryMirrors: cfg.registryMirrors },
    runtime,
    log,
    initPath: findBinary('tini-static'),
    oci: host.oci,
    network: {
      kernel: new LinuxKernel({ nftTable: cfg.nftTable, log }),
      bridgeName: cfg.bridge,
      bip: cfg.bip,
      fixedCidrV6: cfg.fixedCidrV6,
      pools: cfg.defaultAddressPools.length ? cfg.defaultAddressPools.map(parseAddressPool) : DEFAULT_POOLS,
      dns: cfg.dns,
      hostResolvers: await hostResolvers(),
      mtu: cfg.mtu,
    },
    system: {
      cgroupVersion: host.cgroupVersion,
      cgroupDriver: 'cgroupfs',
      runtimes: { ...runtimes, ...cfg.runtimes },
      defaultRuntime: runtimeName,
      daemonId: await daemonId(cfg.dataRoot),
      securityOptions: ['name=seccomp,profile=builtin'],
      warnings: [],
      debug: cfg.logLevel === 'debug',
    },
  })
  await services.monitor.start()
  return services
}

const SEARCH = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin']

function findBinary(name: string): string {
  for (const d of SEARCH) {
    const p = join(d, name)
    if (existsSync(p)) return p
  }
  return name
}

async function daemonId(root: string): Promise<string> {
  const path = join(root, 'engine-id')
  try {
    return (await readFile(path, 'utf8')).trim()
  } catch {
    // First start: make the id this daemon keeps from now on.
    const id = newId()
    await writeFileAtomic(path, id)
    return id
  }
}

/** Non-loopback nameservers of the host's resolv.conf (Docker drops loopback ones). */
async function hostResolvers(): Promise<string[]> {
  const text = await readFile('/etc/resolv.conf', 'utf8').catch(() => '')
  return text
    .split('\n')
    .map((l) => /^\s*nameserver\s+(\S+)/.exec(l)?.[1])
    .filter((s): s is string => s !== undefined && !/^127\.|^::1$/.test(s))
}
