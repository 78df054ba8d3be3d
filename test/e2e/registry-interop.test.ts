// Third parties: berthd pushing to and pulling from the reference registry (Debian's
// docker-registry, CNCF distribution 2.8, run here on a loopback port with its own temporary
// config, with and without htpasswd auth), and skopeo (Debian) copying docker-archive and OCI
// layouts into and out of berth-registry (with and without htpasswd auth).
import assert from 'node:assert/strict'
import { type ChildProcess, execFile, spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { promisify } from 'node:util'
import { bcryptHash } from '../../src/registry/auth/htpasswd.ts'
import { startTestRegistry, tempDir } from '../../src/registry/testing.ts'
import { e2eSkipReason, TestDaemon } from '../support/daemon.ts'

const execFileAsync = promisify(execFile)
const REFERENCE = '/usr/bin/docker-registry'
const SKOPEO = '/usr/bin/skopeo'
const skip =
  e2eSkipReason() ??
  (existsSync(REFERENCE) ? undefined : `needs ${REFERENCE} (Debian package docker-registry)`) ??
  (existsSync(SKOPEO) ? undefined : `needs ${SKOPEO} (Debian package skopeo)`)

async function freePort(): Promise<number> {
  const srv = createServer()
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r))
  const port = (srv.address() as { port: number }).port
  await new Promise((r) => srv.close(r))
  return port
}

/** The reference registry on 127.0.0.1 with its own root and config; never its system service. */
async function startReference(
  dir: string,
  htpasswd?: string,
): Promise<{ host: string; child: ChildProcess }> {
  const port = await freePort()
  const config = join(dir, `config-${port}.yml`)
  await writeFile(
    config,
    [
      'version: 0.1',
      'log: { level: warn }',
      `storage: { filesystem: { rootdirectory: ${join(dir, `root-${port}`)} }, delete: { enabled: true } }`,
      `http: { addr: 127.0.0.1:${port} }`,
      ...(htpasswd ? [`auth: { htpasswd: { realm: ref-realm, path: ${htpasswd} } }`] : []),
      '',
    ].join('\n'),
  )
  const child = spawn(REFERENCE, ['serve', config], { stdio: ['ignore', 'ignore', 'pipe'] })
  let stderr = ''
  child.stderr?.on('data', (b: Buffer) => {
    stderr += b.toString()
  })
  for (let i = 0; i < 100; i++) {
    const ok = await fetch(`http://127.0.0.1:${port}/v2/`).then(
      (r) => r.status === 200 || r.status === 401,
      () => false,
    )
    if (ok) return { host: `127.0.0.1:${port}`, child }
    if (child.exitCode !== null) break
    await new Promise((r) => setTimeout(r, 100))
  }
  child.kill('SIGKILL')
  throw new Error(`reference registry did not start: ${stderr}`)
}

async function stopChild(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null) return
  const exited = new Promise((r) => child.once('exit', r))
  child.kill('SIGTERM')
  await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))])
  if (child.exitCode === null) child.kill('SIGKILL')
}

describe('third-party registry and client', { skip }, () => {
  let dir: string
  let htpasswd: string
  let d: TestDaemon
  let d2: TestDaemon
  let ref: { host: string; child: ChildProcess }
  let refAuth: { host: string; child: ChildProcess }
  let open: Awaited<ReturnType<typeof startTestRegistry>>
  let secured: Awaited<ReturnType<typeof startTestRegistry>>
  let saved: string
  before(async () => {
    dir = await tempDir('berth-interop-')
    htpasswd = join(dir, 'htpasswd')
    await writeFile(htpasswd, `alice:${await bcryptHash('s3cret', 5)}\n`)
    ref = await startReference(dir)
    refAuth = await startReference(dir, htpasswd)
    open = await startTestRegistry()
    secured = await startTestRegistry({ auth: { kind: 'htpasswd', htpasswd, realm: 'berth' } })
    d = await TestDaemon.start()
    d2 = await TestDaemon.start({ busybox: false })
    saved = join(dir, 'busybox.tar')
    const save = await d.docker(['save', '-o', saved, 'busybox'])
    assert.equal(save.code, 0, save.stderr)
  })
  after(async () => {
    await d?.stop()
    await d2?.stop()
    await stopChild(ref?.child)
    await stopChild(refAuth?.child)
    await open?.close()
    await secured?.close()
  })

  const skopeo = async (args: string[]) => {
    const env = {
      ...process.env,
      HOME: dir,
      XDG_RUNTIME_DIR: dir,
      REGISTRY_AUTH_FILE: join(dir, 'auth.json'),
    }
    try {
      const r = await execFileAsync(SKOPEO, ['--insecure-policy', ...args], { env, maxBuffer: 1 << 24 })
      return { code: 0, stdout: r.stdout, stderr: r.stderr }
    } catch (err) {
      const e = err as { code?: number; stdout?: string; stderr?: string }
      return { code: e.code ?? 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' }
    }
  }

  it('berth pushes to the reference registry; the docker CLI pulls it back and runs it', async () => {
    const image = `${ref.host}/ref/busybox:1`
    assert.equal((await d.berth(['tag', 'busybox', image])).code, 0)
    const push = await d.berth(['push', image])
    assert.equal(push.code, 0, push.stderr)
    const digest = /1: digest: (sha256:[a-f0-9]{64})/.exec(push.stdout)?.[1]
    assert.ok(digest, push.stdout)
    const again = await d.berth(['push', image])
    assert.match(again.stdout, /Layer already exists/)
    const pull = await d2.docker(['pull', image])
    assert.equal(pull.code, 0, pull.stderr)
    assert.match(pull.stdout, new RegExp(`Digest: ${digest}`))
    const run = await d2.docker(['run', '--rm', image, 'echo', 'from distribution'])
    assert.equal(run.stdout, 'from distribution\n', run.stderr)
    // Cross-repository mount on the reference registry.
    const other = `${ref.host}/ref/other:1`
    assert.equal((await d.berth(['tag', 'busybox', other])).code, 0)
    const mounted = await d.berth(['push', other])
    assert.equal(mounted.code, 0, mounted.stderr)
    assert.match(mounted.stdout, /Mounted from ref\/busybox|Layer already exists/)
  })

  it('berth logs in to the reference registry with htpasswd, pushes and pulls', async () => {
    const env = { DOCKER_CONFIG: join(d.dir, 'cfg-ref') }
    const image = `${refAuth.host}/alice/busybox:1`
    assert.equal((await d.berth(['tag', 'busybox', image])).code, 0)
    const anon = await d.berth(['push', image], { env })
    assert.equal(anon.code, 1)
    assert.match(anon.stderr, /no basic auth credentials|unauthorized|authentication required/)
    const bad = await d.berth(['login', '-u', 'alice', '--password-stdin', refAuth.host], {
      input: 'no\n',
      env,
    })
    assert.equal(bad.code, 1)
    const login = await d.berth(['login', '-u', 'alice', '--password-stdin', refAuth.host], {
      input: 's3cret\n',
      env,
    })
    assert.equal(login.code, 0, login.stderr)
    const push = await d.berth(['push', image], { env })
    assert.equal(push.code, 0, push.stderr)
    assert.equal((await d.berth(['rmi', image])).code, 0)
    const pull = await d.berth(['pull', image], { env })
    assert.equal(pull.code, 0, pull.stderr)
    assert.equal((await d.berth(['run', '--rm', image, 'true'])).code, 0)
  })

  it('skopeo copies a docker-archive into berth-registry and back out as a docker-archive', async () => {
    const dest = `docker://${open.url.replace('http://', '')}/sk/busybox:1`
    const copy = await skopeo(['copy', '--dest-tls-verify=false', `docker-archive:${saved}`, dest])
    assert.equal(copy.code, 0, copy.stderr)
    const inspect = await skopeo(['inspect', '--tls-verify=false', dest])
    assert.equal(inspect.code, 0, inspect.stderr)
    assert.equal(JSON.parse(inspect.stdout).Os, 'linux')
    const tags = await skopeo(['list-tags', '--tls-verify=false', dest.replace(/:1$/, '')])
    assert.deepEqual(JSON.parse(tags.stdout).Tags, ['1'])
    const out = join(dir, 'out.tar')
    const back = await skopeo(['copy', '--src-tls-verify=false', dest, `docker-archive:${out}:sk/busybox:1`])
    assert.equal(back.code, 0, back.stderr)
    const load = await d2.docker(['load', '-i', out])
    assert.equal(load.code, 0, load.stderr)
    const run = await d2.docker(['run', '--rm', 'sk/busybox:1', 'echo', 'via skopeo'])
    assert.equal(run.stdout, 'via skopeo\n', run.stderr)
    // berthd pulls what skopeo pushed.
    const pull = await d2.berth(['pull', `${open.url.replace('http://', '')}/sk/busybox:1`])
    assert.equal(pull.code, 0, pull.stderr)
  })

  it('skopeo copies an OCI layout in and out, keeping OCI media types', async () => {
    const layout = join(dir, 'layout')
    await mkdir(layout)
    await execFileAsync('tar', ['-xf', saved, '-C', layout])
    await rm(join(layout, 'manifest.json'))
    const host = open.url.replace('http://', '')
    const copy = await skopeo([
      'copy',
      '--dest-tls-verify=false',
      `oci:${layout}`,
      `docker://${host}/sk/oci:1`,
    ])
    assert.equal(copy.code, 0, copy.stderr)
    const raw = await skopeo(['inspect', '--raw', '--tls-verify=false', `docker://${host}/sk/oci:1`])
    assert.equal(JSON.parse(raw.stdout).mediaType, 'application/vnd.oci.image.manifest.v1+json')
    const outDir = join(dir, 'oci-out')
    const back = await skopeo([
      'copy',
      '--src-tls-verify=false',
      `docker://${host}/sk/oci:1`,
      `oci:${outDir}:v1`,
    ])
    assert.equal(back.code, 0, back.stderr)
    const index = JSON.parse(await readFile(join(outDir, 'index.json'), 'utf8'))
    assert.equal(index.manifests[0].annotations['org.opencontainers.image.ref.name'], 'v1')
    // Berth-registry and the reference registry trade images through skopeo too.
    const across = await skopeo([
      'copy',
      '--src-tls-verify=false',
      '--dest-tls-verify=false',
      `docker://${host}/sk/oci:1`,
      `docker://${ref.host}/from-berth/oci:1`,
    ])
    assert.equal(across.code, 0, across.stderr)
  })

  it('skopeo with htpasswd auth: refused without credentials, copies with them', async () => {
    const host = secured.url.replace('http://', '')
    const dest = `docker://${host}/alice/sk:1`
    const anon = await skopeo(['copy', '--dest-tls-verify=false', `docker-archive:${saved}`, dest])
    assert.notEqual(anon.code, 0)
    assert.match(anon.stderr, /unauthorized|authentication required/i)
    const copy = await skopeo([
      'copy',
      '--dest-tls-verify=false',
      '--dest-creds',
      'alice:s3cret',
      `docker-archive:${saved}`,
      dest,
    ])
    assert.equal(copy.code, 0, copy.stderr)
    const login = await skopeo(['login', '--tls-verify=false', '-u', 'alice', '-p', 's3cret', host])
    assert.equal(login.code, 0, login.stderr)
    const inspect = await skopeo(['inspect', '--tls-verify=false', dest])
    assert.equal(inspect.code, 0, inspect.stderr)
    const wrong = await skopeo(['inspect', '--tls-verify=false', '--creds', 'alice:nope', dest])
    assert.notEqual(wrong.code, 0)
  })
})
