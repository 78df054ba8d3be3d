// The berth-registry command line: `serve [flags]` runs the server until SIGINT/SIGTERM;
// `gc [--root DIR] [--dry-run]` removes unreferenced blobs. Returns an exit code.
import { messageOf } from '../lib/errors.ts'
import { loadConfig, parseFlags } from './config.ts'
import { driverFor, startRegistry } from './server.ts'
import { RegistryStorage } from './storage/registry-storage.ts'

export interface CommandIo {
  stdout: (line: string) => void
  stderr: (line: string) => void
  /** Resolves when the process should stop (signals); tests pass their own. */
  stopped: Promise<unknown>
}

const USAGE = `Usage: berth-registry serve [--config FILE] [--addr HOST:PORT] [--root DIR] [--storage filesystem|memory]
                            [--htpasswd FILE] [--auth none|htpasswd|token] [--anonymous-pull]
                            [--tls-cert FILE --tls-key FILE] [--no-delete] [--upload-max-age DURATION]
                            [--proxy-remote-url URL [--proxy-username U --proxy-password P]]
       berth-registry gc [--config FILE] [--root DIR] [--dry-run]`

export async function runRegistryCommand(argv: string[], io: CommandIo): Promise<number> {
  const [verb, ...rest] = argv
  try {
    if (verb === 'serve') return await serve(rest, io)
    if (verb === 'gc') return await gc(rest, io)
    io.stderr(`${USAGE}\n`)
    return verb === undefined || verb === '--help' || verb === '-h' ? 0 : 2
  } catch (err) {
    io.stderr(`berth-registry: ${messageOf(err)}\n`)
    return 1
  }
}

async function serve(argv: string[], io: CommandIo): Promise<number> {
  const config = await loadConfig(parseFlags(argv))
  const registry = await startRegistry(config, { log: (e) => io.stdout(`${JSON.stringify(e)}\n`) })
  io.stdout(
    `${JSON.stringify({ time: new Date().toISOString(), level: 'info', msg: 'listening', url: registry.url, storage: config.storage, auth: config.auth.kind })}\n`,
  )
  await io.stopped
  await registry.close()
  return 0
}

async function gc(argv: string[], io: CommandIo): Promise<number> {
  const flags = parseFlags(argv)
  const config = await loadConfig(flags)
  const storage = new RegistryStorage(driverFor(config))
  const result = await storage.collectGarbage({ dryRun: flags.has('--dry-run') })
  for (const d of result.deleted) io.stdout(`${flags.has('--dry-run') ? 'would delete' : 'deleted'} ${d}\n`)
  io.stdout(`${result.deleted.length} blobs unreferenced, ${result.marked} referenced\n`)
  return 0
}
