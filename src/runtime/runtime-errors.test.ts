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
  it("keeps crun's plain lines", () => {
    assert.equal(
      runtimeMessage('Error: executable file `nosuch` not found in $PATH: No such file or directory\n'),
      'executable file `nosuch` not found in $PATH: No such file or directory',
    )
  })
  it('parses unquoted values', () => {
    assert.deepEqual(parseLogfmtMessage('level=error msg=boom'), { level: 'error', msg: 'boom' })
    assert.equal(parseLogfmtMessage('no message here'), undefined)
  })
})
