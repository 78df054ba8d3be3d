// Process and bundle options QA found ignored or broken, on real containers through the docker
// CLI, the API and docker-compose v1: `-e VAR` / compose `environment: [VAR]` without a value, HostConfig.ConsoleSize, --device (node, directory,
// permissions), --device-cgroup-rule and --group-add.
import assert from 'node:assert/strict'
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { e2eSkipReason, runProcess, TestDaemon } from '../support/daemon.ts'

const skip = e2eSkipReason()

describe('process and bundle options', { skip }, () => {
  let d: TestDaemon
  let dir: string
  before(async () => {
    d = await TestDaemon.start()
    dir = await mkdtemp(join(tmpdir(), 'berth-qa-process-'))
  })
  after(async () => {
    await d?.stop()
    if (dir) await rm(dir, { recursive: true, force: true })
  })

  const run = async (args: string[]) => {
    const r = await d.docker(['run', '--rm', ...args])
    assert.equal(r.code, 0, r.stderr)
    return r.stdout.trim()
  }

  it('-e VAR with VAR unset keeps "VAR" in Config.Env and out of the process env', async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, QA_SET: 'from-client' }
    delete env.QA_UNSET
    const name = 'qa-env'
    const c = await d.docker(['create', '--name', name, '-e', 'QA_UNSET', '-e', 'QA_SET', 'busybox', 'env'], {
      env,
    })
    assert.equal(c.code, 0, c.stderr)
    try {
      const cfg = JSON.parse((await d.docker(['inspect', '-f', '{{json .Config.Env}}', name])).stdout)
      assert.ok(cfg.includes('QA_UNSET'), cfg)
      assert.ok(cfg.includes('QA_SET=from-client'), cfg)
      const r = await d.docker(['start', '-a', name])
      assert.equal(r.code, 0, r.stderr)
      assert.match(r.stdout, /^QA_SET=from-client$/m)
      assert.doesNotMatch(r.stdout, /QA_UNSET/)
      assert.match(r.stdout, /^HOSTNAME=/m)
    } finally {
      await d.docker(['rm', '-f', name])
    }
  })

  it('compose `environment: [VAR]` with VAR unset starts the service without it', {
    skip:
      spawnSync('docker-compose', ['version', '--short']).status === 0
        ? undefined
        : 'needs docker-compose v1',
  }, async () => {
    const file = join(dir, 'env.yml')
    await writeFile(
      file,
      'version: "3.8"\nservices:\n  app:\n    image: busybox\n    command: ["env"]\n    environment:\n      - QA_UNSET\n      - QA_SET\n',
    )
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      QA_SET: 'from-compose',
      DOCKER_CONFIG: join(d.dir, 'docker-config'),
    }
    delete env.QA_UNSET
    delete env.DOCKER_HOST
    const compose = (args: string[]) =>
      runProcess('docker-compose', ['-H', d.host, '-p', 'qaenv', '-f', file, ...args], {
        timeoutMs: 120_000,
        env,
      })
    try {
      const up = await compose(['up', '--no-color', '--exit-code-from', 'app'])
      assert.equal(up.code, 0, up.stderr + up.stdout)
      assert.match(up.stdout, /QA_SET=from-compose/)
      assert.doesNotMatch(up.stdout, /QA_UNSET/)
    } finally {
      await compose(['down', '-t', '1'])
    }
  })

  it('gives a tty the HostConfig.ConsoleSize from the start', async () => {
    const created = await d.api('POST', '/containers/create', {
      Image: 'busybox',
      Cmd: ['stty', 'size'],
      Tty: true,
      HostConfig: { ConsoleSize: [37, 111] },
    })
    assert.equal(created.status, 201, created.body)
    const id = created.json().Id as string
    try {
      assert.equal((await d.api('POST', `/containers/${id}/start`)).status, 204)
      const wait = await d.api('POST', `/containers/${id}/wait`)
      assert.equal(wait.json().StatusCode, 0, wait.body)
      const logs = await d.api('GET', `/containers/${id}/logs?stdout=1`)
      assert.equal(logs.body.trim(), '37 111')
    } finally {
      await d.api('DELETE', `/containers/${id}?force=1`)
    }
  })

  it('--device creates the node with its permissions, a directory brings every device in it', async () => {
    const out = await run([
      '--device',
      '/dev/null:/dev/mynull',
      'busybox',
      'sh',
      '-c',
      'ls -l /dev/mynull && echo hi > /dev/mynull && echo wrote',
    ])
    assert.match(out, /^crw-rw-rw-\s+1 root\s+root\s+1,\s+3 .*\/dev\/mynull$/m)
    assert.match(out, /^wrote$/m)
    // A node with no driver (major 42): ENXIO when the device cgroup lets the open through,
    // EPERM when it refuses it. `:r` allows reading only.
    const n42 = join(dir, 'n42')
    execFileSync('mknod', ['-m', '0666', n42, 'c', '42', '0'])
    const ro = await d.docker([
      'run',
      '--rm',
      '--device',
      `${n42}:/dev/n42:r`,
      'busybox',
      'sh',
      '-c',
      'cat /dev/n42; echo x > /dev/n42',
    ])
    assert.match(ro.stderr, /cat: can't open '\/dev\/n42': No such device or address/)
    assert.match(ro.stderr, /can't create \/dev\/n42: Operation not permitted/)
    const devDir = join(dir, 'devs')
    await mkdir(join(devDir, 'sub'), { recursive: true })
    execFileSync('mknod', ['-m', '0640', join(devDir, 'a'), 'c', '1', '3'])
    execFileSync('mknod', ['-m', '0666', join(devDir, 'sub', 'b'), 'c', '1', '5'])
    const listed = await run(['--device', `${devDir}:/dev/mydir`, 'busybox', 'ls', '-lR', '/dev/mydir'])
    assert.match(listed, /^crw-r-----\s+1 root\s+root\s+1,\s+3 .* a$/m)
    assert.match(listed, /^crw-rw-rw-\s+1 root\s+root\s+1,\s+5 .* b$/m)
    const missing = await d.docker([
      'run',
      '--rm',
      '--device',
      '/dev/berth-no-such-device',
      'busybox',
      'true',
    ])
    assert.notEqual(missing.code, 0)
    assert.match(missing.stderr, /error gathering device information while adding custom device/)
  })

  it('--device-cgroup-rule allows a device made with mknod in the container', async () => {
    const script = 'mknod /tmp/n c 42 0 && cat /tmp/n'
    const denied = await d.docker(['run', '--rm', 'busybox', 'sh', '-c', script])
    assert.notEqual(denied.code, 0)
    assert.match(denied.stderr, /Operation not permitted/)
    const allowed = await d.docker([
      'run',
      '--rm',
      '--device-cgroup-rule',
      'c 42:* rm',
      'busybox',
      'sh',
      '-c',
      script,
    ])
    assert.notEqual(allowed.code, 0)
    assert.match(allowed.stderr, /No such device or address/)
  })

  it('--group-add adds groups by name (from the image) and number', async () => {
    assert.equal(
      await run(['--group-add', 'mail', '--group-add', '4242', 'busybox', 'id', '-G']),
      '0 8 10 4242',
    )
    const bad = await d.docker(['run', '--rm', '--group-add', 'no-such-group', 'busybox', 'true'])
    assert.notEqual(bad.code, 0)
    assert.match(bad.stderr, /Unable to find group no-such-group/)
  })

  it("exec -u keeps the container's --group-add, and exec -e VAR unsets VAR", async () => {
    const c = await d.docker(['run', '-d', '--group-add', '4242', '-e', 'GONE=1', 'busybox', 'sleep', '60'])
    assert.equal(c.code, 0, c.stderr)
    const id = c.stdout.trim()
    try {
      const groups = await d.docker(['exec', '-u', 'nobody', id, 'id', '-G'])
      assert.equal(groups.code, 0, groups.stderr)
      assert.match(groups.stdout.trim(), /\b4242$/)
      const env = await d.docker(['exec', '-e', 'GONE', id, 'env'])
      assert.equal(env.code, 0, env.stderr)
      assert.doesNotMatch(env.stdout, /^GONE=/m)
    } finally {
      await d.docker(['rm', '-f', id])
    }
  })
})
