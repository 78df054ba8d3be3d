import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { InvalidArgumentError } from '../lib/errors.ts'
import { conmonCreateArgs } from './conmon-args.ts'
import { conmonPaths } from './conmon-paths.ts'

const base = {
  id: 'abc',
  runtimePath: '/usr/sbin/runc',
  stateRoot: '/run/berth/runtime',
  bundle: '/run/berth/bundles/abc',
  logPath: '/var/lib/berth/containers/abc/abc-json.log',
  tty: false,
  openStdin: false,
  stdinOnce: false,
  logLevel: 'error',
  paths: conmonPaths('/run/berth/conmon', 'abc'),
}

describe('conmonCreateArgs', () => {
  it('passes absolute paths, the runtime root and k8s-file logging', () => {
    const args = conmonCreateArgs(base)
    const after = (flag: string) => args[args.indexOf(flag) + 1]
    assert.equal(after('-r'), '/usr/sbin/runc')
    assert.equal(after('-l'), 'k8s-file:/var/lib/berth/containers/abc/abc-json.log')
    assert.equal(after('--exit-dir'), '/run/berth/conmon/exits')
    assert.ok(args.join(' ').includes('--runtime-arg --root --runtime-arg /run/berth/runtime'))
    assert.ok(args.includes('--full-attach'))
    assert.ok(args.includes('--no-sync-log'))
    assert.ok(!args.includes('-t') && !args.includes('-i'))
  })
  it('maps tty, open stdin and StdinOnce', () => {
    const once = conmonCreateArgs({ ...base, tty: true, openStdin: true, stdinOnce: true })
    assert.ok(once.includes('-t') && once.includes('-i') && !once.includes('--leave-stdin-open'))
    const open = conmonCreateArgs({ ...base, openStdin: true })
    assert.ok(open.includes('--leave-stdin-open'))
  })
  it('refuses relative paths (conmon would ignore them silently)', () => {
    assert.throws(() => conmonCreateArgs({ ...base, logPath: 'ctr.log' }), InvalidArgumentError)
  })
})
