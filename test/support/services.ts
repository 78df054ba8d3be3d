// In-process daemon for API tests: the services src/daemon/wire.ts builds, with FakeRuntime in
// place of ConmonRuntime, on a throwaway data root with busybox:latest imported, behind the
// real route table. Starts no process and binds no socket; close() removes every container,
// unmounts whatever is still mounted under the root and deletes it.
import { execFileSync } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import type { ApiApp } from '../../src/api/app.ts'
import type { ContainerIoService, ContainerMonitor, ContainerService } from '../../src/container/index.ts'
import { buildServices, readHostFacts, type Services } from '../../src/daemon/services.ts'
import type { EventBus } from '../../src/events/index.ts'
import type { ImageService } from '../../src/image/index.ts'
import { busyboxRootfsTar, haveBusybox } from '../../src/image/testing.ts'
import { nullLogger } from '../../src/lib/log.ts'
import { type FakeBehaviour, FakeRuntime } from '../../src/runtime/index.ts'
import type { SystemService } from '../../src/system/index.ts'

export interface TestServices {
  /** Temporary directory holding the data root and the exec root. */
  dir: string
  dataRoot: string
  app: ApiApp
  events: EventBus
  images: ImageService
  runtime: FakeRuntime
  containers: ContainerService
  io: ContainerIoService
  system: SystemService
  monitor: ContainerMonitor
  /** Id of busybox:latest (undefined when started with `busybox: false`). */
  busyboxId: string | undefined
  /** What the fake runtime does for container `id` from its next start on. */
  behave(id: string, behaviour: FakeBehaviour): void
  /** Removes every container and the temporary directory. Safe to call after a failed start. */
  close(): Promise<void>
}

/** Why in-process API tests with real images cannot run here, or undefined when they can. */
export function servicesSkipReason(): string | undefined {
  if (!haveBusybox()) return 'needs /usr/bin/busybox (busybox-static)'
  // Starting a container mounts its overlay rootfs for real.
  if (process.getuid?.() !== 0) return 'needs root (overlay mounts on container start)'
  return undefined
}

export async function startServices(opts: { busybox?: boolean } = {}): Promise<TestServices> {
  const host = await readHostFacts()
  const dir = await mkdtemp(join(tmpdir(), 'berth-api-'))
  const dataRoot = join(dir, 'data')
  const behaviours = new Map<string, FakeBehaviour>()
  const runtime = new FakeRuntime({ behaviour: (id) => behaviours.get(id) ?? {} })
  let services: Services | undefined
  const close = async () => {
    const s = services
    for (const c of s?.containers.all() ?? []) {
      // End running containers through the fake first, then remove them.
      if (c.state.status === 'running' || c.state.status === 'paused') {
        const exited = s!.containers.wait(c.id, 'not-running').catch(() => undefined)
        runtime.exit(c.id, 137)
        await exited
      }
      await s!.containers.remove(c.id, { force: true, volumes: false }).catch(() => undefined)
      await s!.images.removeRootfs(c.id).catch(() => undefined)
    }
    s?.monitor.stop()
    await unmountUnder(dir)
    await rm(dir, { recursive: true, force: true })
  }
  try {
    services = await buildServices({
      dataRoot,
      execRoot: join(dir, 'exec'),
      runtime,
      log: nullLogger,
      initPath: '/usr/bin/tini-static',
      oci: host.oci,
      system: {
        cgroupVersion: host.cgroupVersion,
        cgroupDriver: 'cgroupfs',
        runtimes: { runc: { path: '/usr/sbin/runc' } },
        defaultRuntime: 'runc',
        daemonId: 'b6a3f0d1-6a1e-4a8e-9c1a-0d6f2b5e7c11',
        securityOptions: ['name=seccomp,profile=builtin'],
        warnings: [],
        debug: false,
      },
    })
    await services.monitor.start()
    let busyboxId: string | undefined
    if (opts.busybox !== false) {
      const img = await services.images.importRootfs(Readable.from([await busyboxRootfsTar()]), {
        reference: 'busybox:latest',
        changes: ['CMD ["sh"]'],
        message: 'Imported from -',
      })
      busyboxId = img.id
    }
    return { ...services, dir, dataRoot, runtime, busyboxId, behave: (id, b) => behaviours.set(id, b), close }
  } catch (err) {
    await close()
    throw err
  }
}

/** Lazily unmounts every mount point under `dir`, deepest first (the last resort of close()). */
async function unmountUnder(dir: string): Promise<void> {
  const mountinfo = await readFile('/proc/self/mountinfo', 'utf8')
  const points = mountinfo
    .split('\n')
    .map((l) => l.split(' ')[4] ?? '')
    .filter((p) => p === dir || p.startsWith(`${dir}/`))
    .sort((a, b) => b.length - a.length)
  for (const p of points) execFileSync('umount', ['-l', p])
}
