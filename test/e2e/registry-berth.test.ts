// berthd against berth-registry (src/registry/, started in this process on 127.0.0.1): the
// docker CLI and the berth CLI push and pull with no auth, htpasswd Basic and the registry's
// own token server; Docker Hub mirrors (--registry-mirror, tried in order, a dead one skipped,
// shown in /info); GET /distribution/{name}/json for manifests and indexes; a pull-through
// cache; OCI-layout images pushed with OCI media types.
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { mkdir, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { promisify } from 'node:util'
import { bcryptHash } from '../../src/registry/auth/htpasswd.ts'
import { digestOf, putManifest, startTestRegistry, tempDir } from '../../src/registry/testing.ts'
import { e2eSkipReason, TestDaemon } from '../support/daemon.ts'
import { responseErrors } from '../support/engine-schema.ts'

const skip = e2eSkipReason()
const execFileAsync = promisify(execFile)
type Reg = Awaited<ReturnType<typeof startTestRegistry>>

describe('berthd with berth-registry', { skip }, () => {
  let open: Reg
  let basic: Reg
  let token: Reg
  let dead: Reg
  let d: TestDaemon
  let d2: TestDaemon
  const hostOf = (r: Reg) => r.url.replace('http://', '')
  before(async () => {
    const dir = await tempDir()
    const htpasswd = join(dir, 'htpasswd')
    await writeFile(htpasswd, `alice:${await bcryptHash('s3cret', 4)}\n`)
    open = await startTestRegistry()
    basic = await startTestRegistry({ auth: { kind: 'htpasswd', htpasswd, realm: 'berth-test' } })
    token = await startTestRegistry({
      auth: {
        kind: 'token',
        htpasswd,
        service: 'berth-test',
        issuer: 'berth-test',
        ttlSeconds: 300,
        anonymousPull: false,
      },
    })
    // A mirror that is down: its port is bound once, then released.
    dead = await startTestRegistry()
    await dead.close()
    d = await TestDaemon.start()
    d2 = await TestDaemon.start({
      busybox: false,
      extraArgs: async () => ['--registry-mirror', dead.url, '--registry-mirror', open.url],
    })
  })
  after(async () => {
    await d?.stop()
    await d2?.stop()
    await open?.close()
    await basic?.close()
    await token?.close()
  })

  it('docker CLI: push, pull into another daemon, run', async () => {
    const ref = `${hostOf(open)}/tools/busybox:1`
    assert.equal((await d.docker(['tag', 'busybox', ref])).code, 0)
    const push = await d.docker(['push', ref])
    assert.equal(push.code, 0, push.stderr)
    const m = /1: digest: (sha256:[a-f0-9]{64}) size: \d+/.exec(push.stdout)
    assert.ok(m, push.stdout)
    const pull = await d2.docker(['pull', ref])
    assert.equal(pull.code, 0, pull.stderr)
    assert.match(pull.stdout, new RegExp(`Digest: ${m[1]}`))
    const run = await d2.docker(['run', '--rm', ref, 'echo', 'from berth-registry'])
    assert.equal(run.code, 0, run.stderr)
    assert.equal(run.stdout, 'from berth-registry\n')
    // The registry holds exactly what was pushed, verified by its own digest.
    const got = await fetch(`${open.url}/v2/tools/busybox/manifests/1`, {
      headers: { Accept: 'application/vnd.docker.distribution.manifest.v2+json' },
    })
    assert.equal(digestOf(Buffer.from(await got.arrayBuffer())), m[1])
  })

  for (const kind of ['htpasswd', 'token'] as const) {
    it(`berth CLI: ${kind} auth refuses anonymous push, then login, push and pull`, async () => {
      const reg = kind === 'htpasswd' ? basic : token
      const env = { DOCKER_CONFIG: join(d.dir, `cfg-${kind}`) }
      const ref = `${hostOf(reg)}/alice/busybox:1`
      assert.equal((await d.berth(['tag', 'busybox', ref])).code, 0)
      const anon = await d.berth(['push', ref], { env })
      assert.equal(anon.code, 1)
      assert.match(anon.stderr, /unauthorized|authentication required/)
      const bad = await d.berth(['login', '-u', 'alice', '--password-stdin', hostOf(reg)], {
        input: 'wrong\n',
        env,
      })
      assert.equal(bad.code, 1)
      const ok = await d.berth(['login', '-u', 'alice', '--password-stdin', hostOf(reg)], {
        input: 's3cret\n',
        env,
      })
      assert.equal(ok.code, 0, ok.stderr)
      const push = await d.berth(['push', ref], { env })
      assert.equal(push.code, 0, push.stderr)
      assert.match(push.stdout, /1: digest: sha256:[a-f0-9]{64} size: \d+/)
      assert.equal((await d.berth(['rmi', ref])).code, 0)
      const pull = await d.berth(['pull', ref], { env })
      assert.equal(pull.code, 0, pull.stderr)
      const run = await d.berth(['run', '--rm', ref, 'true'], { env })
      assert.equal(run.code, 0, run.stderr)
    })
  }

  it('pulls through a berth-registry pull-through cache of another berth-registry', async () => {
    const cache = await startTestRegistry({ proxy: { remoteUrl: open.url } })
    try {
      const ref = `${hostOf(cache)}/tools/busybox:1`
      const pull = await d2.docker(['pull', ref])
      assert.equal(pull.code, 0, pull.stderr)
      const run = await d2.docker(['run', '--rm', ref, 'echo', 'cached'])
      assert.equal(run.stdout, 'cached\n', run.stderr)
      // The cache kept what it served: its storage now holds the image by tag.
      assert.ok(await cache.storage.manifests.resolve('tools/busybox', { tag: '1' }))
      const push = await d2.docker(['push', ref])
      assert.notEqual(push.code, 0)
    } finally {
      await cache.close()
    }
  })

  it('pulls docker.io names through the mirrors, skipping the dead one', async () => {
    const ref = `${hostOf(open)}/library/mirrored:2`
    assert.equal((await d.docker(['tag', 'busybox', ref])).code, 0)
    assert.equal((await d.docker(['push', ref])).code, 0)
    const pull = await d2.docker(['pull', 'mirrored:2'])
    assert.equal(pull.code, 0, pull.stderr)
    assert.match(pull.stdout, /Status: Downloaded newer image for mirrored:2/)
    const run = await d2.docker(['run', '--rm', 'mirrored:2', 'echo', 'mirrored'])
    assert.equal(run.stdout, 'mirrored\n', run.stderr)
    const info = await d2.api('GET', '/v1.47/info')
    const cfg = JSON.parse(info.body).RegistryConfig
    assert.deepEqual(cfg.Mirrors, [`${dead.url}/`, `${open.url}/`])
    assert.deepEqual(cfg.IndexConfigs['docker.io'].Mirrors, [`${dead.url}/`, `${open.url}/`])
    const shown = await d2.docker(['info', '--format', '{{json .RegistryConfig.Mirrors}}'])
    assert.deepEqual(JSON.parse(shown.stdout), [`${dead.url}/`, `${open.url}/`])
  })

  it('GET /distribution/{name}/json describes a manifest and an index', async () => {
    const host = hostOf(open)
    const r = await d.api('GET', `/v1.47/distribution/${host}/tools/busybox:1/json`)
    assert.equal(r.status, 200, r.body)
    const body = JSON.parse(r.body)
    assert.deepEqual(responseErrors('DistributionInspect', body), [])
    assert.equal(body.Descriptor.mediaType, 'application/vnd.docker.distribution.manifest.v2+json')
    assert.match(body.Descriptor.digest, /^sha256:[a-f0-9]{64}$/)
    assert.equal(body.Platforms.length, 1)
    assert.equal(body.Platforms[0].os, 'linux')
    // By digest, and through the docker.io mirror.
    const byDigest = await d.api(
      'GET',
      `/v1.47/distribution/${host}/tools/busybox@${body.Descriptor.digest}/json`,
    )
    assert.equal(JSON.parse(byDigest.body).Descriptor.digest, body.Descriptor.digest)
    const viaMirror = await d2.api('GET', '/v1.47/distribution/mirrored:2/json')
    assert.equal(viaMirror.status, 200, viaMirror.body)
    // An index: its digest, media type and every platform.
    const index = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.index.v1+json',
        manifests: [
          { ...body.Descriptor, platform: { os: 'linux', architecture: 'amd64' } },
          { ...body.Descriptor, platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } },
        ],
      }),
    )
    const put = await putManifest(
      open.url,
      'tools/busybox',
      'multi',
      index,
      'application/vnd.oci.image.index.v1+json',
    )
    assert.equal(put.status, 201)
    const multi = JSON.parse(
      (await d.api('GET', `/v1.47/distribution/${host}/tools/busybox:multi/json`)).body,
    )
    assert.deepEqual(multi.Descriptor, {
      mediaType: 'application/vnd.oci.image.index.v1+json',
      digest: digestOf(index),
      size: index.length,
    })
    assert.deepEqual(multi.Platforms, [
      { os: 'linux', architecture: 'amd64' },
      { os: 'linux', architecture: 'arm64', variant: 'v8' },
    ])
    const missing = await d.api('GET', `/v1.47/distribution/${host}/tools/busybox:nope/json`)
    assert.equal(missing.status, 404)
    assert.match(JSON.parse(missing.body).message, /manifest unknown/)
    const denied = await d.api('GET', `/v1.47/distribution/${hostOf(basic)}/alice/busybox:1/json`)
    assert.notEqual(denied.status, 200)
  })

  it('an image loaded from an OCI layout is pushed with OCI media types', async () => {
    const dir = await tempDir()
    const saved = join(dir, 'saved.tar')
    const save = await d.docker(['save', '-o', saved, 'busybox'])
    assert.equal(save.code, 0, save.stderr)
    const layout = join(dir, 'layout')
    await mkdir(layout)
    await execFileAsync('tar', ['-xf', saved, '-C', layout])
    // Without docker's manifest.json the archive is a plain OCI image layout.
    await rm(join(layout, 'manifest.json'))
    await rm(join(layout, 'repositories'), { force: true })
    const oci = join(dir, 'oci.tar')
    await execFileAsync('tar', ['-cf', oci, '-C', layout, '.'])
    const ref = `${hostOf(open)}/oci/busybox:1`
    const load = await d.docker(['load', '-i', oci])
    assert.equal(load.code, 0, load.stderr)
    assert.equal((await d.docker(['tag', 'busybox', ref])).code, 0)
    const push = await d.docker(['push', ref])
    assert.equal(push.code, 0, push.stderr)
    const res = await fetch(`${open.url}/v2/oci/busybox/manifests/1`, {
      headers: { Accept: 'application/vnd.oci.image.manifest.v1+json' },
    })
    assert.equal(res.headers.get('content-type'), 'application/vnd.oci.image.manifest.v1+json')
    const manifest = (await res.json()) as {
      mediaType: string
      config: { mediaType: string }
      layers: { mediaType: string }[]
    }
    assert.equal(manifest.mediaType, 'application/vnd.oci.image.manifest.v1+json')
    assert.equal(manifest.config.mediaType, 'application/vnd.oci.image.config.v1+json')
    for (const l of manifest.layers) assert.equal(l.mediaType, 'application/vnd.oci.image.layer.v1.tar+gzip')
    // Pulled back (into a daemon that never saw it), it runs; pushed again from there, it
    // keeps its OCI manifest and so its digest.
    const pull = await d2.docker(['pull', ref])
    assert.equal(pull.code, 0, pull.stderr)
    assert.equal((await d2.docker(['run', '--rm', ref, 'true'])).code, 0)
    const again = `${hostOf(open)}/oci/again:1`
    assert.equal((await d2.docker(['tag', ref, again])).code, 0)
    const push2 = await d2.docker(['push', again])
    assert.equal(push2.code, 0, push2.stderr)
    const d1 = /digest: (sha256:[a-f0-9]{64})/.exec(push.stdout)?.[1]
    assert.equal(/digest: (sha256:[a-f0-9]{64})/.exec(push2.stdout)?.[1], d1)
  })
})
