import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { parseLogfmtMessage, runtimeMessage } from './runtime-errors.ts'

describe('runtimeMessage', () => {
  it("unquotes runc's logfmt error lines", () => {
    const stderr =
      'time="2026-01-01T00:00:00Z" level=warning msg="ignored"\n' +
      'time="2026-01-01T00:00:00Z" level=error msg="runc create failed: unable to start container process: exec: \\"nosuch\\": executable file not found in $PATH"\n'
    assert.equal(
      runtimeMessage(stderr),
      'runc create failed: unable to start container process: exec: "nosuch": executable file not found in $PATH',
    )
  })
  it("puts crun's plain lines in runc's words (the docker CLI's exit codes depend on them)", () => {
    assert.equal(
      runtimeMessage('Error: executable file `nosuch` not found in $PATH: No such file or directory\n'),
      'unable to start container process: exec: "nosuch": executable file not found in $PATH',
    )
    assert.equal(
      runtimeMessage('executable file `/no/cmd` not found in $PATH: No such file or directory'),
      'unable to start container process: exec: "/no/cmd": stat /no/cmd: no such file or directory',
    )
    assert.equal(runtimeMessage('open executable: Permission denied'), 'open executable: permission denied')
    assert.equal(runtimeMessage('container `x` is not running'), 'container `x` is not running')
  })
  it('parses unquoted values', () => {
    assert.deepEqual(parseLogfmtMessage('level=error msg=boom'), { level: 'error', msg: 'boom' })
    assert.equal(parseLogfmtMessage('no message here'), undefined)
  })
})
