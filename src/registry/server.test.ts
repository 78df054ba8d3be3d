// The server and command line: TLS with a generated certificate, and `serve` / `gc`.
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import { request } from 'node:https'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { runRegistryCommand } from './command.ts'
import { startTestRegistry, tempDir } from './testing.ts'

function hasOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' })
    return true
  } catch {
    // Not installed: the TLS test is skipped with that reason.
    return false
  }
}

describe('server', () => {
  it('serves HTTPS with a certificate and key', {
    skip: hasOpenssl() ? false : 'openssl not installed',
  }, async () => {
    const dir = await tempDir()
    const cert = join(dir, 'cert.pem')
    const key = join(dir, 'key.pem')
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
        '-keyout',
        key,
        '-out',
        cert,
      ],
      { stdio: 'ignore' },
    )
    const reg = await startTestRegistry({ tls: { cert, key } })
    try {
      assert.match(reg.url, /^https:\/\/127\.0\.0\.1:\d+$/)
      const ca = await readFile(cert)
      const status = await new Promise<number | undefined>((resolve, reject) => {
        request(`${reg.url}/v2/`, { ca }, (res) => {
          res.resume()
          resolve(res.statusCode)
        })
          .on('error', reject)
          .end()
      })
      assert.equal(status, 200)
    } finally {
      await reg.close()
    }
  })

  it('runs `serve` until stopped, logging JSON lines, and `gc --dry-run`', async () => {
    const root = await tempDir()
    const out: string[] = []
    let stop!: () => void
    const stopped = new Promise<void>((r) => {
      stop = r
    })
    let listening!: (url: string) => void
    const url = new Promise<string>((r) => {
      listening = r
    })
    const io = {
      stdout: (l: string) => {
        out.push(l)
        const e = JSON.parse(l) as { msg: string; url?: string }
        if (e.msg === 'listening' && e.url) listening(e.url)
      },
      stderr: (l: string) => out.push(l),
      stopped,
    }
    const done = runRegistryCommand(['serve', '--addr', '127.0.0.1:0', '--root', root], io)
    const base = await url
    assert.equal((await fetch(`${base}/v2/`)).status, 200)
    stop()
    assert.equal(await done, 0)
    const entry = JSON.parse(out.find((l) => l.includes('"request"'))!) as { method: string; status: number }
    assert.deepEqual([entry.method, entry.status], ['GET', 200])
    const gcOut: string[] = []
    const code = await runRegistryCommand(['gc', '--root', root, '--dry-run'], {
      stdout: (l) => gcOut.push(l),
      stderr: (l) => gcOut.push(l),
      stopped: Promise.resolve(),
    })
    assert.equal(code, 0)
    assert.match(gcOut.join(''), /0 blobs unreferenced/)
  })

  it('reports bad flags with exit code 1', async () => {
    const err: string[] = []
    const code = await runRegistryCommand(['serve', '--nope'], {
      stdout: () => undefined,
      stderr: (l) => err.push(l),
      stopped: Promise.resolve(),
    })
    assert.equal(code, 1)
    assert.match(err.join(''), /unknown flag --nope/)
  })
})
