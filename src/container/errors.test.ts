import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { startTaskError } from './errors.ts'

const PREFIX = 'failed to create task for container: failed to create shim task: OCI runtime create failed: '

describe('startTaskError', () => {
  it('wraps a missing executable as dockerd 27 does: 400, exit code 127', () => {
    const runc =
      'runc create failed: unable to start container process: exec: "nosuchcmd": executable file not found in $PATH'
    const { error, exitCode } = startTaskError(new Error(runc))
    assert.equal(error.message, `${PREFIX}${runc}: unknown`)
    assert.equal(error.kind, 'invalid-argument')
    assert.equal(exitCode, 127)
    assert.equal(startTaskError(new Error('exec: "/x": stat /x: no such file or directory')).exitCode, 127)
  })
  it('gives 126 for EACCES and EISDIR (with permission denied appended for the CLI)', () => {
    const denied = startTaskError(new Error('exec: "/etc/passwd": permission denied'))
    assert.equal(denied.exitCode, 126)
    assert.equal(denied.error.kind, 'invalid-argument')
    const dir = startTaskError(new Error('exec: "/etc": is a directory'))
    assert.equal(dir.exitCode, 126)
    assert.match(dir.error.message, /is a directory: unknown: permission denied$/)
  })
  it('hints at a file/directory bind mismatch on ENOTDIR, exit code 127', () => {
    const r = startTaskError(new Error('error mounting "/h" to rootfs at "/etc/hostname": not a directory'))
    assert.equal(r.exitCode, 127)
    assert.equal(r.error.kind, 'invalid-argument')
    assert.match(r.error.message, /not a directory: unknown: Are you trying to mount a directory onto a file/)
  })
  it('keeps anything else a 500 with exit code 128', () => {
    const r = startTaskError(new Error('cgroup: something broke'))
    assert.equal(r.exitCode, 128)
    assert.equal(r.error.kind, 'internal')
    assert.equal(r.error.message, `${PREFIX}cgroup: something broke: unknown`)
  })
})
