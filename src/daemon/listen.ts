// Binds the API to every -H address: UNIX sockets (mode 0660, optional group) and TCP, with TLS
// and required client certificates under --tlsverify. Long-lived streams (events, logs -f,
// attach) must not be cut by Node's request timeout, so it is disabled.

import { readFileSync } from 'node:fs'
import { chmod, chown, mkdir, rm } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import { createServer as createTlsServer } from 'node:https'
import { dirname } from 'node:path'
import type { ApiApp } from '../api/app.ts'
import { InvalidArgumentError } from '../lib/errors.ts'
import { run } from '../lib/exec.ts'
import type { Logger } from '../lib/log.ts'
import type { DaemonConfig } from './config.ts'

export interface Listener {
  address: string
  server: Server
  close(): Promise<void>
}

/** `onRequest` sees every request and upgrade (the idle collector's clock). */
export async function listenAll(
  app: ApiApp,
  cfg: DaemonConfig,
  log: Logger,
  onRequest: () => void = () => undefined,
): Promise<Listener[]> {
  const out: Listener[] = []
  for (const host of cfg.hosts) out.push(await listenOne(app, host, cfg, log, onRequest))
  return out
}

async function listenOne(
  app: ApiApp,
  host: string,
  cfg: DaemonConfig,
  log: Logger,
  onRequest: () => void,
): Promise<Listener> {
  const url = host.includes('://') ? host : host.startsWith('/') ? `unix://${host}` : `tcp://${host}`
  const proto = url.slice(0, url.indexOf('://'))
  const rest = url.slice(url.indexOf('://') + 3)
  let server: Server
  if (proto === 'tcp' && cfg.tls) {
    if (!cfg.tlsCert || !cfg.tlsKey)
      throw new InvalidArgumentError('--tlscert and --tlskey are required with --tls')
    server = createTlsServer({
      cert: readFileSync(cfg.tlsCert),
      key: readFileSync(cfg.tlsKey),
      ca: cfg.tlsCaCert ? readFileSync(cfg.tlsCaCert) : undefined,
      requestCert: cfg.tlsVerify,
      rejectUnauthorized: cfg.tlsVerify,
      minVersion: 'TLSv1.2',
    }) as unknown as Server
  } else {
    server = createServer()
  }
  server.requestTimeout = 0
  server.headersTimeout = 60_000
  server.keepAliveTimeout = 60_000
  server.on('request', (req, res) => {
    onRequest()
    app.handleRequest(req, res)
  })
  // Hijacked connections (attach) are no longer the server's: track them to end them on close.
  const hijacked = new Set<import('node:stream').Duplex>()
  server.on('upgrade', (req, socket, head) => {
    onRequest()
    hijacked.add(socket)
    socket.once('close', () => hijacked.delete(socket))
    app.handleUpgrade(req, socket, head)
  })
  server.on('clientError', (_err, socket) => socket.destroy())
  if (proto === 'unix') {
    await mkdir(dirname(rest), { recursive: true })
    await rm(rest, { force: true })
    await new Promise<void>((resolve, reject) => server.once('error', reject).listen(rest, () => resolve()))
    await chmod(rest, 0o660)
    if (cfg.group) await chownGroup(rest, cfg.group, log)
  } else if (proto === 'tcp') {
    const i = rest.lastIndexOf(':')
    const hostPart = i > 0 ? rest.slice(0, i).replace(/^\[|\]$/g, '') : '127.0.0.1'
    const port = Number(i >= 0 ? rest.slice(i + 1) : cfg.tls ? 2376 : 2375)
    if (!cfg.tls)
      log.warn('API listening on TCP without TLS: anyone who reaches it controls this host', { host })
    await new Promise<void>((resolve, reject) =>
      server.once('error', reject).listen(port, hostPart || '0.0.0.0', () => resolve()),
    )
  } else {
    throw new InvalidArgumentError(`invalid protocol for -H ${host}: only unix:// and tcp:// are supported`)
  }
  log.info('API listen on', { address: url })
  return {
    address: url,
    server,
    close: async () => {
      server.closeAllConnections()
      for (const socket of hijacked) socket.destroy()
      await new Promise<void>((r) => server.close(() => r()))
      if (proto === 'unix') await rm(rest, { force: true })
    },
  }
}

async function chownGroup(path: string, group: string, log: Logger): Promise<void> {
  const res = await run('getent', ['group', group], { allowFailure: true })
  const gid = Number(res.stdout.split(':')[2])
  if (res.code !== 0 || !Number.isInteger(gid)) {
    log.warn('socket group not found; leaving the socket owned by root', { group })
    return
  }
  await chown(path, 0, gid)
}
