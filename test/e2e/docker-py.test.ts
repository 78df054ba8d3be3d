// docker-py (Debian's python3-docker), a third-party client, against a real berthd: each
// script under test/fixtures/python drives one area, asserts in Python and prints its results
// as JSON, which is checked again here against what dockerd answers.
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { e2eSkipReason, REPO, runProcess, TestDaemon } from '../support/daemon.ts'

const SCRIPTS = join(REPO, 'test/fixtures/python')

/** The first interpreter that imports docker: Debian's python3 (python3-docker) first. */
function findPython(): { python?: string; reason?: string } {
  for (const python of ['/usr/bin/python3', 'python3']) {
    const r = spawnSync(python, ['-c', 'import docker; print(docker.__version__)'], { encoding: 'utf8' })
    if (r.status === 0) return { python }
  }
  return { reason: 'needs docker-py: apt-get install python3-docker' }
}

const py = findPython()
const skip = e2eSkipReason() ?? py.reason

describe('docker-py against berthd', { skip }, () => {
  let d: TestDaemon
  before(async () => {
    d = await TestDaemon.start()
  })
  after(async () => {
    await d?.stop()
  })

  /** Runs one script; its own assertions failing makes the test fail with its traceback. */
  async function script(name: string): Promise<Record<string, any>> {
    const r = await runProcess(py.python!, [join(SCRIPTS, `${name}.py`), d.host], { timeoutMs: 120_000 })
    assert.equal(r.code, 0, `${name}.py failed:\n${r.stderr}\n${r.stdout}`)
    return JSON.parse(r.stdout)
  }

  it('pings, reads version/info/df, pins API versions and refuses too old ones', async () => {
    const r = await script('system')
    assert.equal(r.api_version, '1.47')
    assert.equal(r.min_api_version, '1.24')
    assert.equal(r.os, 'linux')
    assert.equal(r.images, 1)
    assert.equal(r.pinned_containers, 0)
    assert.equal(r.auto_version, '1.47')
    assert.equal(r['inspect_state_1.24'], 'exited')
    assert.equal(r['inspect_state_1.41'], 'exited')
    assert.equal(r.too_old_status, 400)
    assert.match(
      r.too_old_message,
      /client version 1\.23 is too old\. Minimum supported API version is 1\.24/,
    )
  })

  it('lists, gets, tags, saves, loads, removes and prunes images', async () => {
    const r = await script('images')
    assert.deepEqual(r.busybox_tags, ['busybox:latest'])
    assert.deepEqual(r.tags_after_tag, ['busybox:latest', 'pyimg/copy:v1'])
    assert.deepEqual(r.history_keys, ['Comment', 'Created', 'CreatedBy', 'Id', 'Size', 'Tags'])
    assert.deepEqual(r.inspect_cmd, ['sh'])
    assert.ok(r.save_has_manifest && r.save_has_index)
    assert.ok(r.loaded_tags.includes('pyimg/copy:v1'))
    assert.deepEqual(r.remove_result, [{ Untagged: 'pyimg/copy:v1' }])
    assert.equal(r.missing_status, 404)
    assert.equal(r.missing_message, 'No such image: pyimg/nosuch:latest')
    assert.equal(r.remove_missing_status, 404)
    assert.equal(r.in_use_status, 409)
    assert.match(r.in_use_message, /^conflict: unable to delete [0-9a-f]{12} \(must be forced\)/)
    assert.equal(r.last_ref_status, 409)
    assert.match(
      r.last_ref_message,
      /^conflict: unable to remove repository reference "busybox:latest" \(must force\) - container [0-9a-f]{12} is using its referenced image [0-9a-f]{12}$/,
    )
    assert.deepEqual(r.prune_keys, ['ImagesDeleted', 'SpaceReclaimed'])
  })

  it('runs containers and drives their whole lifecycle', async () => {
    const r = await script('containers')
    assert.equal(r.run_stdout, 'out\n')
    assert.equal(r.run_both, 'out\nerr\n')
    assert.deepEqual(r.container_error, { exit_status: 3, stderr: 'bad\n' })
    assert.equal(r.run_stream, 'a\nb\n')
    assert.equal(r.name, 'pyworker')
    assert.deepEqual(r.labels, { suite: 'docker-py', role: 'worker' })
    assert.deepEqual(r.top_titles, ['UID', 'PID', 'PPID', 'C', 'STIME', 'TTY', 'TIME', 'CMD'])
    for (const k of ['cpu_stats', 'memory_stats', 'precpu_stats', 'pids_stats', 'blkio_stats', 'read'])
      assert.ok(r.stats_keys.includes(k), k)
    assert.equal(r.double_pause_status, 409)
    assert.match(r.double_pause_message, /^Container [0-9a-f]{64} is already paused$/)
    assert.equal(r.remove_running_status, 409)
    assert.equal(
      r.remove_running_message,
      'cannot remove container "/pyworker2": container is running: stop the container before removing or force remove',
    )
    assert.deepEqual(r.killed_wait, { StatusCode: 137 })
    assert.equal(r.kill_stopped_status, 409)
    assert.match(
      r.kill_stopped_message,
      /^Cannot kill container: [0-9a-f]{64}: Container [0-9a-f]{64} is not running$/,
    )
    assert.deepEqual(r.wait, { StatusCode: 7 })
    assert.deepEqual(r.wait_not_running, { StatusCode: 7 })
    assert.ok(r.stop_seconds >= 1 && r.stop_seconds < 5, String(r.stop_seconds))
    assert.equal(r.stubborn_exit, 137)
    assert.deepEqual(r.list_sparse_name, ['/pyworker2'])
    assert.equal(r.missing_status, 404)
    assert.equal(r.missing_message, 'No such container: pynosuch')
    assert.equal(r.start_missing_status, 404)
    assert.equal(r.create_missing_image_status, 404)
    assert.equal(r.dup_name_status, 409)
    assert.match(
      r.dup_name_message,
      /^Conflict\. The container name "\/pydup" is already in use by container "[0-9a-f]{64}"/,
    )
  })

  it('applies run options: resources, ulimits, init, read-only, tmpfs, hosts, health, ports, network modes', async () => {
    const r = await script('run_options')
    assert.deepEqual(r.host_config, {
      Memory: 64 << 20,
      CpuShares: 512,
      PidsLimit: 50,
      ShmSize: 8 << 20,
      RestartPolicy: { Name: 'on-failure', MaximumRetryCount: 2 },
      Ulimits: [{ Name: 'nofile', Soft: 1024, Hard: 2048 }],
      Tmpfs: { '/scratch': 'size=1m' },
      ReadonlyRootfs: true,
      CapDrop: ['NET_RAW'],
      Init: true,
      ExtraHosts: ['pyextra:192.0.2.10'],
      SecurityOpt: ['no-new-privileges'],
    })
    assert.equal(r.ulimit, '1024\n2048\n')
    assert.equal(r.pid1, '/sbin/docker-init')
    assert.match(r.ro_root, /Read-only file system/)
    assert.equal(r.tmpfs_write, 'ok\n')
    assert.equal(r.hosts, '192.0.2.10\tpyextra\n')
    assert.equal(r.hostname, 'pyhost\n')
    assert.equal(r.mem_limit, `${64 << 20}\n`)
    assert.deepEqual(r.port_keys, ['HostIp', 'HostPort'])
    assert.equal(r.health, 'healthy')
    assert.equal(r.entrypoint, 'hi\n')
    assert.equal(r.user, 'uid=65534(nobody) gid=65534(nogroup)\n')
    assert.match(r.tty, /^\/dev\/pts\/\d+\r\n$/)
    assert.equal(r.net_none, 'lo\n')
    assert.equal(r.net_host_hostname, r.host_hostname)
  })

  it('mounts (Mount objects, bind dicts), binds a loopback port, splits logs by time, waits, imports', async () => {
    const r = await script('mounts_logs')
    assert.equal(r.mounts, 'bound\nro\ntmpfs\n/v\n')
    assert.deepEqual(r.mount_volume_labels, { from: 'mount' })
    assert.equal(r.bind_dict, 'bound\n')
    assert.equal(r.loopback_port_ip, '127.0.0.1')
    assert.equal(r.logs_since, 'b\ne\n')
    assert.equal(r.logs_until, 'a\n')
    assert.equal(r.logs_tail0, '')
    assert.equal(r.logs_stderr, 'e\n')
    assert.deepEqual(r.wait_removed, { StatusCode: 0 })
    assert.deepEqual(r.wait_next_exit, { StatusCode: 137 })
    assert.deepEqual(r.import_cmd, ['/hello.txt'])
    assert.deepEqual(r.import_tags, ['pyimport:v1'])
  })

  it('execs (exit codes, demux, stream, tty), attaches, copies archives, commits and exports', async () => {
    const r = await script('exec_attach')
    assert.equal(r.exec_exit, 5)
    assert.equal(r.exec_output, 'out\nerr\n')
    assert.deepEqual(r.exec_demux, ['out\n', 'err\n'])
    assert.deepEqual(r.exec_demux_stderr_only, [null, 'only-err\n'])
    assert.match(r.exec_tty, /^\/dev\/pts\/\d+$/)
    // Streamed: the first line arrives on its own, a second before the last one.
    assert.equal(r.stream_first, 'one\n', `first streamed chunk after ${r.stream_first_after}s`)
    assert.equal(r.exec_inspect.ExitCode, 3)
    assert.equal(r.exec_inspect.Running, false)
    assert.equal(r.exec_missing_exit, 127)
    // In-band after the 101 head, as dockerd (docker-py reads the head on its own), in its words.
    assert.equal(
      r.exec_missing_output,
      'OCI runtime exec failed: exec failed: unable to start container process: exec: "nosuchbinary": executable file not found in $PATH: unknown\r\n',
    )
    assert.equal(r.exec_missing_status, 404)
    assert.equal(r.exec_missing_message, 'No such exec instance: nosuchexec')
    assert.deepEqual(r.archive_stat, { name: 'hello.txt', size: 14, mode: 0o640 })
    assert.equal(r.archive_missing_status, 404)
    assert.match(r.archive_missing_message, /^Could not find the file \/nonexistent in container /)
    assert.equal(r.put_missing_status, 404)
    assert.equal(r.export_has_bin, true)
    assert.equal(r.attach_stream, 'hello\noops\nbye\n')
    assert.equal(r.attach_logs, 'hello\nbye\n')
    assert.equal(r.attach_stdin_echo, 'ping over attach\n')
  })

  it('creates, lists, uses, removes and prunes volumes', async () => {
    const r = await script('volumes')
    assert.deepEqual(r.created, {
      Name: 'pyvol',
      Driver: 'local',
      Labels: { suite: 'docker-py' },
      Scope: 'local',
    })
    assert.deepEqual(r.tmpfs_options, { type: 'tmpfs', device: 'tmpfs', o: 'size=1m' })
    assert.match(r.ro_write, /Read-only file system\n1\n$/)
    assert.equal(r.in_use_status, 409)
    assert.match(r.in_use_message, /^remove pyvol: volume is in use - \[[0-9a-f]{64}\]$/)
    assert.equal(r.missing_status, 404)
    assert.equal(r.missing_message, 'get pyvol: no such volume')
    assert.equal(r.remove_missing_status, 404)
    assert.equal(r.pruned.length, 1)
    assert.deepEqual(r.left, [])
  })

  it('streams filtered events and stops the generator', async () => {
    const r = await script('events')
    assert.deepEqual(r.live_actions, ['create', 'start', 'die', 'destroy'])
    assert.deepEqual(r.bounded_actions, ['create', 'destroy'])
    assert.deepEqual(r.pinned_first3, ['create', 'start', 'die'])
  })
})
