import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { parseFlags } from '../../flags.ts'
import { CREATE_FLAGS, RUN_ONLY_FLAGS } from './create-flags.ts'
import { parsePublish } from './create-parsers.ts'
import { toCreateRequest } from './create-request.ts'
import { startErrorStatus } from './run.ts'

function plan(argv: string[], env: NodeJS.ProcessEnv = {}) {
  const f = parseFlags([...CREATE_FLAGS, ...RUN_ONLY_FLAGS], argv, { interspersed: false })
  return toCreateRequest(f, f.args, env, { detach: f.values.detach === true })
}

describe('run/create flags → ContainerCreateRequest', () => {
  it('defaults: attach stdout/stderr, default network, image and no command', () => {
    const { body, name } = plan(['alpine'])
    assert.equal(body.Image, 'alpine')
    assert.equal(body.Cmd, null)
    assert.equal(body.AttachStdout, true)
    assert.equal(body.AttachStderr, true)
    assert.equal(body.AttachStdin, false)
    assert.equal(body.HostConfig?.NetworkMode, 'default')
    assert.deepEqual(Object.keys(body.NetworkingConfig?.EndpointsConfig ?? {}), ['default'])
    assert.equal(name, undefined)
  })
  it("sends the terminal's size as ConsoleSize, as docker does ([0, 0] without a terminal)", () => {
    assert.deepEqual(plan(['-t', 'alpine']).body.HostConfig?.ConsoleSize, [0, 0])
    const f = parseFlags([...CREATE_FLAGS, ...RUN_ONLY_FLAGS], ['-it', 'alpine'], { interspersed: false })
    const sized = toCreateRequest(f, f.args, {}, { detach: false, consoleSize: { height: 33, width: 77 } })
    assert.deepEqual(sized.body.HostConfig?.ConsoleSize, [33, 77])
  })
  it('keeps the container command and its flags', () => {
    const { body } = plan(['--rm', 'alpine', 'ls', '-la', '--color'])
    assert.deepEqual(body.Cmd, ['ls', '-la', '--color'])
    assert.equal(body.HostConfig?.AutoRemove, true)
  })
  it('-it sets Tty, OpenStdin, AttachStdin and StdinOnce', () => {
    const { body } = plan(['-it', 'alpine', 'sh'])
    assert.equal(body.Tty, true)
    assert.equal(body.OpenStdin, true)
    assert.equal(body.AttachStdin, true)
    assert.equal(body.StdinOnce, true)
  })
  it('-d detaches every stream', () => {
    const { body } = plan(['-d', '-i', 'alpine'])
    assert.equal(body.AttachStdin, false)
    assert.equal(body.AttachStdout, false)
    assert.equal(body.StdinOnce, false)
  })
  it('env from -e, --env-file and the client environment', (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'berth-env-'))
    t.after(() => rmSync(dir, { recursive: true, force: true }))
    writeFileSync(join(dir, 'e'), '# comment\nFILE=1\n\nHOMEVAR\n')
    const { body } = plan(['--env-file', join(dir, 'e'), '-e', 'A=1', '-e', 'FOO', '-e', 'UNSET', 'alpine'], {
      FOO: 'x',
      HOMEVAR: 'h',
    })
    assert.deepEqual(body.Env, ['FILE=1', 'HOMEVAR=h', 'A=1', 'FOO=x', 'UNSET'])
  })
  it('labels, user, workdir, hostname, entrypoint', () => {
    const { body } = plan([
      '-l',
      'a=b',
      '-l',
      'c',
      '-u',
      '1:2',
      '-w',
      '/w',
      '-h',
      'host',
      '--entrypoint',
      '/bin/sh -c',
      'img',
    ])
    assert.deepEqual(body.Labels, { a: 'b', c: '' })
    assert.equal(body.User, '1:2')
    assert.equal(body.WorkingDir, '/w')
    assert.equal(body.Hostname, 'host')
    assert.deepEqual(body.Entrypoint, ['/bin/sh -c'])
    assert.deepEqual(plan(['--entrypoint=', 'img']).body.Entrypoint, [''])
  })
  it('resources', () => {
    const hc = plan([
      '-m',
      '512m',
      '--memory-swap',
      '-1',
      '--cpus',
      '1.5',
      '--cpu-shares',
      '2',
      '--pids-limit',
      '100',
      '--shm-size',
      '64m',
      '--ulimit',
      'nofile=1024:2048',
      'img',
    ]).body.HostConfig
    assert.equal(hc?.Memory, 512 * 1024 * 1024)
    assert.equal(hc?.MemorySwap, -1)
    assert.equal(hc?.NanoCpus, 1_500_000_000)
    assert.equal(hc?.CpuShares, 2)
    assert.equal(hc?.PidsLimit, 100)
    assert.equal(hc?.ShmSize, 64 * 1024 * 1024)
    assert.deepEqual(hc?.Ulimits, [{ Name: 'nofile', Hard: 2048, Soft: 1024 }])
  })
  it('security and lifecycle', () => {
    const { body } = plan([
      '--cap-add',
      'net_admin',
      '--cap-drop',
      'ALL',
      '--privileged',
      '--read-only',
      '--security-opt',
      'no-new-privileges',
      '--init',
      '--sysctl',
      'a.b=1',
      '--restart',
      'on-failure:3',
      '--stop-signal',
      'SIGINT',
      '--stop-timeout',
      '5',
      'img',
    ])
    const hc = body.HostConfig
    assert.deepEqual(hc?.CapAdd, ['CAP_NET_ADMIN'])
    assert.deepEqual(hc?.CapDrop, ['ALL'])
    assert.equal(hc?.Privileged, true)
    assert.equal(hc?.ReadonlyRootfs, true)
    assert.deepEqual(hc?.SecurityOpt, ['no-new-privileges'])
    assert.equal(hc?.Init, true)
    assert.deepEqual(hc?.Sysctls, { 'a.b': '1' })
    assert.deepEqual(hc?.RestartPolicy, { Name: 'on-failure', MaximumRetryCount: 3 })
    assert.equal(body.StopSignal, 'SIGINT')
    assert.equal(body.StopTimeout, 5)
  })
  it('volumes, mounts, tmpfs', () => {
    const { body } = plan([
      '-v',
      '/a:/b:ro',
      '-v',
      '/data',
      '--mount',
      'type=bind,src=/x,dst=/y,readonly',
      '--tmpfs',
      '/run:size=1m',
      'img',
    ])
    assert.deepEqual(body.HostConfig?.Binds, ['/a:/b:ro'])
    assert.deepEqual(body.Volumes, { '/data': {} })
    assert.deepEqual(body.HostConfig?.Mounts, [{ Type: 'bind', Source: '/x', Target: '/y', ReadOnly: true }])
    assert.deepEqual(body.HostConfig?.Tmpfs, { '/run': 'size=1m' })
  })
  it('ports and networking', () => {
    const { body } = plan([
      '-p',
      '8080:80',
      '-p',
      '127.0.0.1:53:53/udp',
      '-P',
      '--expose',
      '7000-7001',
      '--network',
      'mynet',
      '--network-alias',
      'a',
      '--add-host',
      'h:1.2.3.4',
      '--dns',
      '8.8.8.8',
      'img',
    ])
    assert.deepEqual(body.ExposedPorts, { '80/tcp': {}, '53/udp': {}, '7000/tcp': {}, '7001/tcp': {} })
    assert.deepEqual(body.HostConfig?.PortBindings, {
      '80/tcp': [{ HostIp: '', HostPort: '8080' }],
      '53/udp': [{ HostIp: '127.0.0.1', HostPort: '53' }],
    })
    assert.equal(body.HostConfig?.PublishAllPorts, true)
    assert.equal(body.HostConfig?.NetworkMode, 'mynet')
    assert.deepEqual(body.NetworkingConfig?.EndpointsConfig?.mynet?.Aliases, ['a'])
    assert.deepEqual(body.HostConfig?.ExtraHosts, ['h:1.2.3.4'])
    assert.deepEqual(body.HostConfig?.Dns, ['8.8.8.8'])
    assert.deepEqual(plan(['--network', 'host', 'img']).body.NetworkingConfig, { EndpointsConfig: {} })
  })
  it('publish ranges', () => {
    assert.deepEqual(parsePublish('8000-8001:80-81'), [
      { port: '80/tcp', binding: { HostIp: '', HostPort: '8000' } },
      { port: '81/tcp', binding: { HostIp: '', HostPort: '8001' } },
    ])
    assert.deepEqual(parsePublish('8000-8010:80'), [
      { port: '80/tcp', binding: { HostIp: '', HostPort: '8000-8010' } },
    ])
    assert.deepEqual(parsePublish('[::1]:80:80'), [
      { port: '80/tcp', binding: { HostIp: '::1', HostPort: '80' } },
    ])
    assert.throws(() => parsePublish('1-2:3-5'), /invalid ranges/)
  })
  it('healthcheck and name/platform', () => {
    const p = plan([
      '--name',
      'web',
      '--platform',
      'linux/arm64',
      '--health-cmd',
      'true',
      '--health-interval',
      '5s',
      'img',
    ])
    assert.deepEqual(p.body.Healthcheck, { Test: ['CMD-SHELL', 'true'], Interval: 5e9 })
    assert.equal(p.name, 'web')
    assert.equal(p.platform, 'linux/arm64')
    assert.deepEqual(plan(['--no-healthcheck', 'img']).body.Healthcheck, { Test: ['NONE'] })
  })
  it('rejects conflicting options with docker messages', () => {
    assert.throws(
      () => plan(['--rm', '--restart', 'always', 'img']),
      /conflicting options: cannot specify both --restart and --rm/,
    )
    assert.throws(() => plan(['-d', '-a', 'stdout', 'img']), /Conflicting options: -a and -d/)
    assert.throws(() => plan(['--restart', 'sometimes', 'img']), /invalid restart policy/)
    assert.throws(() => plan(['--pull', 'weekly', 'img']), /invalid pull option/)
  })
})

describe('startErrorStatus (docker run exit codes)', () => {
  it('maps the daemon start error to 127/126/125', () => {
    assert.equal(
      startErrorStatus(
        'Error response from daemon: failed to create task: exec: "nope": executable file not found in $PATH',
      ),
      127,
    )
    assert.equal(startErrorStatus('OCI runtime create failed: open /x: no such file or directory'), 127)
    assert.equal(startErrorStatus('exec /etc: permission denied'), 126)
    assert.equal(startErrorStatus('exec /etc: is a directory'), 126)
    assert.equal(startErrorStatus('cgroup failure'), 125)
  })
})
