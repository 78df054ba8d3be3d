// Faults between berthd and berth-registry (filesystem storage on 127.0.0.1), with an image
// whose ~32 MB layer goes up in 16 MiB chunks: the registry restarted mid-push (the push fails
// clearly, the retry completes), the pushing client killed halfway (berthd stays healthy and
// leaves no temporary files; the retry completes), and two daemons pushing the same layers at
// once. Every pushed image is pulled into another daemon and its big file checked.
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { busyboxRootfsTar } from '../../src/image/testing.ts'
import { buildConfig } from '../../src/registry/config.ts'
import { type RunningRegistry, startRegistry } from '../../src/registry/index.ts'
import { tempDir } from '../../src/registry/testing.ts'
import { e2eSkipReason, TestDaemon } from '../support/daemon.ts'

const skip = e2eSkipReason()
const REPO = join(import.meta.dirname, '../..')

describe('berthd and berth-registry under faults', { skip }, () => {
  let root: string
  let port = 0
  let reg: RunningRegistry
  let d: TestDaemon
  let d2: TestDaemon
  let bigSum = ''
  let onRequest: (e: { method: string; status: number }) => void = () => undefined
  const host = () => `127.0.0.1:${port}`
  const start = async () => {
    const config = { ...buildConfig({}, new Map()), addr: `127.0.0.1:${port}`, root }
    reg = await startRegistry(config, { log: (e) => onRequest(e) })
    port = reg.port
  }
  before(async () => {
    root = await tempDir()
    await start()
    d = await TestDaemon.start()
    d2 = await TestDaemon.start({ busybox: false })
    const big = randomBytes(24 << 20).toString('base64')
    bigSum = createHash('sha256').update(big).digest('hex')
    const tar = await busyboxRootfsTar([{ name: 'big.bin', data: big }])
    const imp = await d.api('POST', '/images/create?fromSrc=-&repo=big&tag=1', tar, {
      'Content-Type': 'application/x-tar',
    })
    assert.equal(imp.status, 200, imp.body)
  })
  after(async () => {
    await d?.stop()
    await d2?.stop()
    await reg?.close()
  })

  const checkPulled = async (image: string) => {
    const pull = await d2.berth(['pull', image])
    assert.equal(pull.code, 0, pull.stderr)
    const sum = await d2.berth(['run', '--rm', image, '/bin/busybox', 'sha256sum', '/big.bin'])
    assert.equal(sum.stdout.split(' ')[0], bigSum, sum.stderr)
  }

  it('a registry restarted mid-push fails the push; the retry completes', async () => {
    const image = `${host()}/faults/restart:1`
    assert.equal((await d.berth(['tag', 'big:1', image])).code, 0)
    let restarted: Promise<void> | undefined
    onRequest = (e) => {
      if (e.method === 'PATCH' && e.status === 202 && !restarted) {
        restarted = reg.close().then(() => new Promise<void>((r) => setTimeout(r, 300)).then(start))
      }
    }
    const first = await d.berth(['push', image])
    onRequest = () => undefined
    assert.ok(restarted, 'the push never sent a chunk')
    await restarted
    assert.equal(first.code, 1, first.stdout)
    assert.match(first.stderr, /ECONNRESET|ECONNREFUSED|socket|connection|fetch failed|other side closed/i)
    const retry = await d.berth(['push', image])
    assert.equal(retry.code, 0, retry.stderr)
    assert.match(retry.stdout, /1: digest: sha256:[a-f0-9]{64}/)
    await checkPulled(image)
  })

  it('a push whose client is killed halfway leaves berthd healthy; the retry completes', async () => {
    const image = `${host()}/faults/killed:1`
    assert.equal((await d.berth(['tag', 'big:1', image])).code, 0)
    const child = spawn(process.execPath, [join(REPO, 'src/cmd/berth.ts'), 'push', image], {
      env: { ...process.env, BERTH_HOST: d.host },
      stdio: 'ignore',
    })
    const exited = new Promise((r) => child.once('exit', r))
    onRequest = (e) => {
      if (e.method === 'PATCH' && child.exitCode === null) child.kill('SIGKILL')
    }
    await exited
    onRequest = () => undefined
    // berthd notices the client left and stops; no temporary compressed layer stays behind.
    let left: string[] = []
    for (let i = 0; i < 50; i++) {
      left = (await readdir(join(d.dataRoot, 'image/tmp'))).filter((f) => f.startsWith('push-'))
      if (left.length === 0) break
      await new Promise((r) => setTimeout(r, 100))
    }
    assert.deepEqual(left, [])
    assert.equal((await d.api('GET', '/_ping')).status, 200)
    const retry = await d.berth(['push', image])
    assert.equal(retry.code, 0, retry.stderr)
    await checkPulled(image)
  })

  it('two daemons pushing the same layers at once both succeed', async () => {
    // The second daemon gets the very same image (same layers) through save and load.
    const save = await d.api('GET', '/images/get?names=big:1')
    assert.equal(save.status, 200)
    const d3 = await TestDaemon.start({ busybox: false })
    try {
      const saved = await d.docker(['save', '-o', join(d3.dir, 'big.tar'), 'big:1'])
      assert.equal(saved.code, 0, saved.stderr)
      assert.equal((await d3.docker(['load', '-i', join(d3.dir, 'big.tar')])).code, 0)
      const a = `${host()}/faults/same:a`
      const b = `${host()}/faults/same:b`
      assert.equal((await d.berth(['tag', 'big:1', a])).code, 0)
      assert.equal((await d3.berth(['tag', 'big:1', b])).code, 0)
      const [pa, pb] = await Promise.all([d.berth(['push', a]), d3.berth(['push', b])])
      assert.equal(pa.code, 0, pa.stderr)
      assert.equal(pb.code, 0, pb.stderr)
      const da = /a: digest: (sha256:[a-f0-9]{64})/.exec(pa.stdout)?.[1]
      const db = /b: digest: (sha256:[a-f0-9]{64})/.exec(pb.stdout)?.[1]
      assert.ok(da && db)
      await checkPulled(a)
      await checkPulled(b)
    } finally {
      await d3.stop()
    }
  })
})
