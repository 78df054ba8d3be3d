// Create/start behaviour QA compared with dockerd, on real containers through the docker CLI and
// the API: macOS bind consistency modes, a missing network (create succeeds, start fails, as
// moby), start errors (docker's wrapping, 400 and exit codes 127/126 for a bad command, the plain
// 500 for an unknown user), and the CPU/swappiness ranges refused at create and update.
import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { availableParallelism, tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { e2eSkipReason, TestDaemon } from '../support/daemon.ts'

const skip = e2eSkipReason()

describe('create and start behaviour (QA)', { skip }, () => {
  let d: TestDaemon
  let dir: string
  before(async () => {
    d = await TestDaemon.start()
    dir = await mkdtemp(join(tmpdir(), 'berth-qa-create-'))
  })
  after(async () => {
    await d?.stop()
    if (dir) await rm(dir, { recursive: true, force: true })
  })

  const created = async (body: Record<string, unknown>) => {
    const res = await d.api('POST', '/containers/create', { Image: 'busybox', ...body })
    assert.equal(res.status, 201, res.body)
    return res.json().Id as string
  }

  it('accepts and ignores the :cached, :delegated and :consistent bind modes', async () => {
    await writeFile(join(dir, 'f'), 'hello\n')
    for (const mode of ['cached', 'delegated', 'consistent', 'ro,cached']) {
      const r = await d.docker(['run', '--rm', '-v', `${dir}:/data:${mode}`, 'busybox', 'cat', '/data/f'])
      assert.equal(r.code, 0, `${mode}: ${r.stderr}`)
      assert.equal(r.stdout, 'hello\n')
    }
    const ro = await d.docker(['run', '--rm', '-v', `${dir}:/data:ro,cached`, 'busybox', 'touch', '/data/g'])
    assert.notEqual(ro.code, 0)
    assert.match(ro.stderr, /Read-only file system/)
    const bad = await d.docker(['run', '--rm', '-v', `${dir}:/data:cached,delegated`, 'busybox', 'true'])
    assert.equal(bad.code, 125)
    assert.match(bad.stderr, /invalid mode: cached,delegated/)
  })

  it('--network nosuch: create succeeds and start fails with 404, as moby (no check at create)', async () => {
    const c = await d.docker(['create', '--name', 'qa-nonet', '--network', 'nosuch', 'busybox', 'true'])
    assert.equal(c.code, 0, c.stderr)
    try {
      const res = await d.api('POST', '/containers/qa-nonet/start')
      assert.equal(res.status, 404, res.body)
      assert.equal(res.json().message, 'network nosuch not found')
      const state = (await d.api('GET', '/containers/qa-nonet/json')).json().State
      assert.equal(state.Status, 'created')
      const run = await d.docker(['run', '--rm', '--network', 'nosuch', 'busybox', 'true'])
      assert.equal(run.code, 125)
      assert.match(run.stderr, /network nosuch not found/)
      // --network container:<missing>: also only checked at start (moby's FIXME in getNetworkedContainer).
      const id = await created({ HostConfig: { NetworkMode: 'container:qa-nosuch' } })
      try {
        const s = await d.api('POST', `/containers/${id}/start`)
        assert.equal(s.status, 404, s.body)
        assert.equal(s.json().message, 'No such container: qa-nosuch')
      } finally {
        await d.api('DELETE', `/containers/${id}?force=1`)
      }
    } finally {
      await d.docker(['rm', '-f', 'qa-nonet'])
    }
  })

  it('a missing command is a 400 with dockerd’s wording, exit code 127 (CLI and State)', async () => {
    const r = await d.docker(['run', '--name', 'qa-nocmd', 'busybox', 'nosuchcmd'])
    try {
      assert.equal(r.code, 127, r.stderr)
      assert.match(
        r.stderr,
        /Error response from daemon: failed to create task for container: failed to create shim task: OCI runtime create failed: .*exec: "nosuchcmd": executable file not found in \$PATH: unknown/,
      )
      const state = (await d.api('GET', '/containers/qa-nocmd/json')).json().State
      assert.equal(state.ExitCode, 127)
      assert.match(state.Error, /^failed to create task for container: .*executable file not found/)
      const again = await d.api('POST', '/containers/qa-nocmd/start')
      assert.equal(again.status, 400, again.body)
    } finally {
      await d.docker(['rm', '-f', 'qa-nocmd'])
    }
  })

  it('a non-executable command gives 126', async () => {
    const r = await d.docker(['run', '--rm', 'busybox', '/etc/passwd'])
    assert.equal(r.code, 126, r.stderr)
    assert.match(r.stderr, /permission denied/)
  })

  it('an unknown user is reported as is (not as a runtime failure), exit 125', async () => {
    const r = await d.docker(['run', '--rm', '-u', 'nosuchuser', 'busybox', 'true'])
    assert.equal(r.code, 125)
    assert.match(
      r.stderr,
      /Error response from daemon: unable to find user nosuchuser: no matching entries in passwd file/,
    )
    assert.doesNotMatch(r.stderr, /OCI runtime/)
  })

  it('refuses more CPUs than the host has and a bad swappiness at create and update', async () => {
    const n = availableParallelism()
    const msg = `Range of CPUs is from 0.01 to ${n}.00, as there are only ${n} CPUs available`
    const before = (await d.api('GET', '/containers/json?all=1')).json().length
    const c = await d.docker(['run', '--rm', '--cpus', String(n + 97), 'busybox', 'true'])
    assert.equal(c.code, 125)
    assert.match(c.stderr, new RegExp(msg.replaceAll('.', '\\.')))
    const neg = await d.api('POST', '/containers/create', { Image: 'busybox', HostConfig: { NanoCpus: -1 } })
    assert.equal(neg.status, 400, neg.body)
    assert.equal(neg.json().message, msg)
    const sw = await d.api('POST', '/containers/create', {
      Image: 'busybox',
      HostConfig: { MemorySwappiness: 101 },
    })
    assert.equal(sw.status, 400, sw.body)
    assert.equal(sw.json().message, 'Invalid value: 101, valid memory swappiness range is 0-100')
    assert.equal((await d.api('GET', '/containers/json?all=1')).json().length, before, 'nothing left behind')
    const id = await created({ HostConfig: { MemorySwappiness: -1, NanoCpus: 1e9 } })
    try {
      const up = await d.docker(['update', '--cpus', String(n + 1), id])
      assert.notEqual(up.code, 0)
      assert.match(up.stderr, new RegExp(msg.replaceAll('.', '\\.')))
    } finally {
      await d.api('DELETE', `/containers/${id}?force=1`)
    }
  })

  it('applies --memory-swappiness to the memory cgroup (v1 and hybrid hosts)', async (t) => {
    if (!existsSync('/sys/fs/cgroup/memory/memory.swappiness')) return t.skip('no v1 memory controller')
    const r = await d.docker([
      'run',
      '--rm',
      '--memory-swappiness',
      '0',
      'busybox',
      'cat',
      '/sys/fs/cgroup/memory/memory.swappiness',
    ])
    assert.equal(r.code, 0, r.stderr)
    assert.equal(r.stdout.trim(), '0')
  })
})
