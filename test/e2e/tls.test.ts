// The API over TCP with TLS and required client certificates (--tlsverify), driven by the
// real docker CLI; a client without a certificate is refused.
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { e2eSkipReason, runProcess, TestDaemon } from '../support/daemon.ts'

const skip = e2eSkipReason()

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port
      s.close(() => resolve(port))
    })
  })
}

function makeCerts(dir: string): void {
  const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' })
  ssl(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'ca-key.pem',
    '-out',
    'ca.pem',
    '-days',
    '1',
    '-subj',
    '/CN=berth-test-ca',
  )
  for (const [name, cn, ext] of [
    ['server', '127.0.0.1', 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth'],
    ['client', 'client', 'extendedKeyUsage=clientAuth'],
  ] as const) {
    ssl(
      'req',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      `${name}-key.pem`,
      '-out',
      `${name}.csr`,
      '-subj',
      `/CN=${cn}`,
    )
    execFileSync('sh', ['-c', `printf '${ext}\\n' > ${name}.ext`], { cwd: dir })
    ssl(
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca-key.pem',
      '-CAcreateserial',
      '-out',
      `${name}.pem`,
      '-days',
      '1',
      '-extfile',
      `${name}.ext`,
    )
  }
  // The docker CLI looks for ca.pem, cert.pem and key.pem in DOCKER_CERT_PATH.
  execFileSync(
    'sh',
    [
      '-c',
      'mkdir -p client && cp ca.pem client/ca.pem && cp client.pem client/cert.pem && cp client-key.pem client/key.pem',
    ],
    { cwd: dir },
  )
}

describe('TCP with TLS client certificates', { skip }, () => {
  let d: TestDaemon
  let port = 0
  before(async () => {
    port = await freePort()
    d = await TestDaemon.start({
      busybox: false,
      extraArgs: async (dir) => {
        makeCerts(dir)
        return [
          '-H',
          `tcp://127.0.0.1:${port}`,
          '--tlsverify',
          '--tlscacert',
          join(dir, 'ca.pem'),
          '--tlscert',
          join(dir, 'server.pem'),
          '--tlskey',
          join(dir, 'server-key.pem'),
        ]
      },
    })
  })
  after(async () => {
    await d?.stop()
  })

  it('serves a client with a certificate signed by the CA', async () => {
    const env = {
      ...process.env,
      DOCKER_HOST: `tcp://127.0.0.1:${port}`,
      DOCKER_TLS_VERIFY: '1',
      DOCKER_CERT_PATH: join(d.dir, 'client'),
      DOCKER_CONFIG: join(d.dir, 'docker-config'),
    }
    const r = await runProcess('docker', ['version', '--format', '{{.Server.APIVersion}}'], { env })
    assert.equal(r.code, 0, r.stderr)
    assert.equal(r.stdout.trim(), '1.47')
  })

  it('refuses a client without a certificate', async () => {
    const { readFileSync } = await import('node:fs')
    const { request } = await import('node:https')
    const outcome = await new Promise<string>((resolve) => {
      const req = request(
        { host: '127.0.0.1', port, path: '/_ping', ca: readFileSync(join(d.dir, 'ca.pem')) },
        (res) => resolve(`status ${res.statusCode}`),
      )
      req.on('error', (e) => resolve(`error ${e.message}`))
      req.end()
    })
    assert.match(outcome, /^error/)
  })
})
